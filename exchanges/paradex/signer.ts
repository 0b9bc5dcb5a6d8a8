/**
 * Paradex L2 signing: the onboarding, `/auth` and order messages (SNIP-12 revision 0, `StarkNetDomain`,
 * Pedersen), signed with the account's Stark key and written in the wire form `["<r>","<s>"]` (decimal).
 *
 * The order struct is `Order(timestamp, market, side, orderType, size, price)`, all felts: the signature
 * timestamp in ms (it acts as the nonce), the market and order type as short strings, side 1 = BUY and
 * 2 = SELL, size and price × 10^8 (price 0 for market orders). `ModifyOrder` appends the order `id`.
 * Instruction, client id, flags and STP are not signed.
 *
 * Sizes and prices with more than 8 decimals are refused ({@linkcode AmountPrecisionError}) instead of being
 * truncated as paradex-py does, because the body carries the unscaled decimal and must match what is signed.
 *
 * {@linkcode ParadexSigner} hashes the domain, the account and the type hashes once, so an order costs only
 * the Pedersen hashes of its own fields and one signature. Pure: no clock, no I/O.
 * @module
 */
import {
  parseStarkPrivateKey,
  signStarkHash,
  starkPublicKey,
  type StarkSignature,
  warmStarkSigning,
} from "../stark/ecdsa.ts";
import { FieldRangeError, InvalidFieldError, showValue } from "../stark/errors.ts";
import { checkFelt, encodeShortString, type FeltInput, parseFelt } from "../stark/felt.ts";
import { type DecimalInput, parseDecimal, scaleToInteger } from "../stark/fixed_point.ts";
import { warmPedersen } from "../stark/pedersen.ts";
import { FeltStructHasher, StarkMessageHasher, starknetDomainHash } from "../stark/typed_data.ts";

/** Paradex deployments. */
export type ParadexEnvironment = "prod" | "testnet";

/** Chain ids of one deployment, as `GET /v1/system/config` reports them. */
export interface ParadexChain {
  /** `starknet_chain_id`, signed as a short string in every L2 message domain. */
  readonly starknetChainId: string;
  /** `l1_chain_id`, the EIP-712 chain id of the Ethereum "STARK Key" message. */
  readonly l1ChainId: number;
}

/** Chain ids of mainnet and of the Sepolia testnet. */
export const PARADEX_CHAINS: Readonly<Record<ParadexEnvironment, ParadexChain>> = {
  prod: { starknetChainId: "PRIVATE_SN_PARACLEAR_MAINNET", l1ChainId: 1 },
  testnet: { starknetChainId: "PRIVATE_SN_POTC_SEPOLIA", l1ChainId: 11155111 },
};

/** Sizes and prices are signed as integers of 10^-8 (`paraclear_decimals`). */
export const PARADEX_AMOUNT_SCALE: bigint = 10n ** 8n;

/** Order side. */
export type ParadexSide = "BUY" | "SELL";

/** The signed fields of a new order. */
export interface ParadexOrderInput {
  /** `signature_timestamp` in ms; also sent in the body. */
  readonly signatureTimestampMs: number | bigint;
  /** Market symbol, e.g. `ETH-USD-PERP`. */
  readonly market: string;
  /** BUY (signed as 1) or SELL (2). */
  readonly side: ParadexSide;
  /** `LIMIT`, `MARKET`, `STOP_LIMIT`, …; types ending in `MARKET` sign price 0. */
  readonly orderType: string;
  /** Order size in base units, at most 8 decimals. */
  readonly size: DecimalInput;
  /** Required for limit types; must be absent or zero for market types. */
  readonly price?: DecimalInput;
}

/** The signed fields of a modification: the new order fields and the id of the order being modified. */
export interface ParadexModifyOrderInput extends ParadexOrderInput {
  /** The id of the order being modified (decimal). */
  readonly id: string;
}

/** The `/auth` request: issue and expiry times in seconds since the epoch. */
export interface ParadexAuthInput {
  /** Issue time, seconds since the epoch (`PARADEX-TIMESTAMP`). */
  readonly timestamp: number;
  /** Expiry, seconds since the epoch (`PARADEX-SIGNATURE-EXPIRATION`). */
  readonly expiration: number;
}

/** A signed message: the hash and the header/body value `["r","s"]`. */
export interface ParadexSignedMessage {
  /** The message hash that was signed. */
  readonly hash: bigint;
  /** `["r","s"]` in decimal: the `PARADEX-STARKNET-SIGNATURE` header or the body's `signature`. */
  readonly signature: string;
}

/** The wire form of a signature: the JSON array of r and s in decimal, without spaces. */
export function formatParadexSignature(signature: StarkSignature): string {
  return `["${signature.r}","${signature.s}"]`;
}

/**
 * Parses the wire form `["r","s"]` (as a loopback fake receives it).
 * @throws InvalidFieldError if it is not a JSON pair of decimal strings
 */
export function parseParadexSignature(text: string): StarkSignature {
  const match = /^\["([0-9]+)","([0-9]+)"\]$/.exec(text);
  if (match === null) throw new InvalidFieldError("signature", showValue(text), 'expected ["<r>","<s>"]');
  return { r: BigInt(match[1]!), s: BigInt(match[2]!) };
}

/** The struct hash of the Paradex domain {name: "Paradex", chainId, version: "1"} for a Starknet chain id. */
export function paradexDomainHash(starknetChainId: string): bigint {
  return starknetDomainHash({
    name: "Paradex",
    chainId: encodeShortString(starknetChainId, "chainId"),
    version: 1,
  });
}

const ORDER_FIELDS = ["timestamp", "market", "side", "orderType", "size", "price"] as const;
const orderHasher = lazy(() => new FeltStructHasher("Order", ORDER_FIELDS));
const modifyOrderHasher = lazy(() => new FeltStructHasher("ModifyOrder", [...ORDER_FIELDS, "id"]));
const constantHasher = lazy(() => new FeltStructHasher("Constant", ["action"]));
const requestHasher = lazy(() =>
  new FeltStructHasher("Request", ["method", "path", "body", "timestamp", "expiration"])
);

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

// Market symbols and order types repeat on every order; their short-string encodings are cached.
const shortStrings = new Map<string, bigint>();

function cachedShortString(text: string, field: string): bigint {
  let value = shortStrings.get(text);
  if (value === undefined) {
    if (text === "") throw new InvalidFieldError(field, '""', "must not be empty");
    value = encodeShortString(text, field);
    if (shortStrings.size < 1024) shortStrings.set(text, value);
  }
  return value;
}

function nonNegativeInteger(value: number | bigint, field: string): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new FieldRangeError(field, showValue(value), "expected an integer");
  }
  const n = BigInt(value);
  if (n < 0n) throw new FieldRangeError(field, showValue(value), "must not be negative");
  return checkFelt(n, field);
}

/**
 * The order struct's felts in signing order: timestamp, market, side, orderType, size·10^8, price·10^8.
 * @throws InvalidFieldError, FieldRangeError or AmountPrecisionError naming the refused field
 */
export function paradexOrderFelts(order: ParadexOrderInput): bigint[] {
  const timestamp = nonNegativeInteger(order.signatureTimestampMs, "signatureTimestampMs");
  let side: bigint;
  if (order.side === "BUY") side = 1n;
  else if (order.side === "SELL") side = 2n;
  else throw new InvalidFieldError("side", showValue(order.side), "expected BUY or SELL");
  const size = scaleToInteger(parseDecimal(order.size, "size"), PARADEX_AMOUNT_SCALE, "size");
  if (size === 0n) throw new FieldRangeError("size", showValue(order.size), "must be greater than zero");
  let price = 0n;
  if (order.orderType.endsWith("MARKET")) {
    if (order.price !== undefined && parseDecimal(order.price, "price").units !== 0n) {
      throw new InvalidFieldError(
        "price",
        showValue(order.price),
        `${order.orderType} orders are signed with price 0`,
      );
    }
  } else {
    if (order.price === undefined) {
      throw new InvalidFieldError("price", "(missing)", `${order.orderType} orders need a price`);
    }
    price = scaleToInteger(parseDecimal(order.price, "price"), PARADEX_AMOUNT_SCALE, "price");
    if (price === 0n) throw new FieldRangeError("price", showValue(order.price), "must be greater than zero");
  }
  return [
    timestamp,
    cachedShortString(order.market, "market"),
    side,
    cachedShortString(order.orderType, "orderType"),
    checkFelt(size, "size"),
    checkFelt(price, "price"),
  ];
}

/** Signs Paradex L2 messages for one account. */
export class ParadexSigner {
  /** The account address the messages are signed for (`PARADEX-STARKNET-ACCOUNT`). */
  readonly account: bigint;
  /** The Stark public key of the signing key (the account's key, or a registered subkey). */
  readonly publicKey: bigint;
  /** The Starknet chain id the domain is bound to. */
  readonly starknetChainId: string;
  readonly #privateKey: bigint;
  readonly #messages: StarkMessageHasher;

  /**
   * Parses the key, builds the hash and signing tables, and hashes the domain and account once.
   * @param options.privateKey the L2 (Stark) private key, hex; never shown in errors
   * @param options.account the account address (with a subkey: the main account's address)
   * @param options.starknetChainId `starknet_chain_id` from system config, or {@linkcode PARADEX_CHAINS}
   */
  constructor(options: { privateKey: string | bigint; account: FeltInput; starknetChainId: string }) {
    this.#privateKey = parseStarkPrivateKey(options.privateKey, "privateKey");
    this.publicKey = starkPublicKey(this.#privateKey);
    this.account = parseFelt(options.account, "account");
    this.starknetChainId = options.starknetChainId;
    // Build the hash and signing tables now, so that the first order is as fast as the others.
    warmPedersen();
    warmStarkSigning();
    this.#messages = new StarkMessageHasher(paradexDomainHash(options.starknetChainId), this.account);
  }

  /** Signs a message hash and returns the wire form. */
  signHash(hash: bigint): ParadexSignedMessage {
    return { hash, signature: formatParadexSignature(signStarkHash(hash, this.#privateKey)) };
  }

  /** The hash of an `Order` message. */
  orderHash(order: ParadexOrderInput): bigint {
    return this.#messages.hash(orderHasher().hash(paradexOrderFelts(order)));
  }

  /** Signs a new order (`POST /v1/orders`, `signature` and `signature_timestamp`). */
  signOrder(order: ParadexOrderInput): ParadexSignedMessage {
    return this.signHash(this.orderHash(order));
  }

  /** The hash of a `ModifyOrder` message. */
  modifyOrderHash(order: ParadexModifyOrderInput): bigint {
    if (!/^[0-9]+$/.test(order.id)) {
      throw new InvalidFieldError("id", showValue(order.id), "expected a decimal order id");
    }
    const id = checkFelt(BigInt(order.id), "id");
    return this.#messages.hash(modifyOrderHasher().hash([...paradexOrderFelts(order), id]));
  }

  /** Signs an order modification (`PUT /v1/orders/{id}`). */
  signModifyOrder(order: ParadexModifyOrderInput): ParadexSignedMessage {
    return this.signHash(this.modifyOrderHash(order));
  }

  /** The hash of the onboarding message `Constant{action: "Onboarding"}`. */
  onboardingHash(): bigint {
    return this.#messages.hash(constantHasher().hash([encodeShortString("Onboarding", "action")]));
  }

  /** Signs the onboarding message (`POST /v1/onboarding`). */
  signOnboarding(): ParadexSignedMessage {
    return this.signHash(this.onboardingHash());
  }

  /** The hash of the `/auth` message `Request{POST, /v1/auth, "", timestamp, expiration}`. */
  authHash(auth: ParadexAuthInput): bigint {
    const timestamp = nonNegativeInteger(auth.timestamp, "timestamp");
    const expiration = nonNegativeInteger(auth.expiration, "expiration");
    if (expiration <= timestamp) {
      throw new FieldRangeError(
        "expiration",
        showValue(auth.expiration),
        `must be after timestamp ${timestamp}`,
      );
    }
    return this.#messages.hash(
      requestHasher().hash([
        encodeShortString("POST", "method"),
        encodeShortString("/v1/auth", "path"),
        0n,
        timestamp,
        expiration,
      ]),
    );
  }

  /** Signs the `/auth` request (headers `PARADEX-STARKNET-SIGNATURE`, `PARADEX-TIMESTAMP`, …). */
  signAuth(auth: ParadexAuthInput): ParadexSignedMessage {
    return this.signHash(this.authHash(auth));
  }
}
