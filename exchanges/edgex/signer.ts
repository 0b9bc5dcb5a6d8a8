/**
 * EdgeX V1 ("StarkEx") signing: private REST and WebSocket authentication, and limit orders.
 *
 * - Requests: `h = keccak256(timestamp + METHOD + path + payload) mod n`, Stark-signed, sent as the 128 hex
 *   digits `r ‖ s` in `X-edgeX-Api-Signature` with `X-edgeX-Api-Timestamp`.
 * - Orders: the StarkEx "limit order with fees" hash, a nested Pedersen over the asset ids and one packed
 *   word of amounts and one of position and expiry, signed with the same key (`l2Signature`).
 *
 * Amounts follow the official SDK rules exactly: `amountSynthetic = size × syntheticResolution`,
 * `amountCollateral = price × size × collateralResolution`, `l2LimitFee = ceil(price × size × feeRate)` in
 * whole quote units and `amountFee = l2LimitFee × collateralResolution`, `l2Nonce` = the first 32 bits of
 * sha256(clientOrderId), expiry in whole hours (floor). The SDK truncates the first two; here they must be
 * exact (an {@linkcode AmountPrecisionError} otherwise), because the body carries the unscaled decimals and a
 * truncated signed amount would not match them. Pure: no clock, no I/O.
 * @module
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import {
  parseStarkPrivateKey,
  signStarkHash,
  starkPublicKey,
  type StarkSignature,
  warmStarkSigning,
} from "../stark/ecdsa.ts";
import { InvalidFieldError, showValue } from "../stark/errors.ts";
import { checkBits, checkFelt, CURVE_ORDER, parseHexInteger, toHex64 } from "../stark/felt.ts";
import {
  type DecimalInput,
  type ExactDecimal,
  formatDecimal,
  mulDecimal,
  parseDecimal,
  scaleToInteger,
} from "../stark/fixed_point.ts";
import { pedersen, warmPedersen } from "../stark/pedersen.ts";
import { type EdgexRequestToSign, edgexSignContent } from "./signer_content.ts";

/** StarkEx order type tag of a limit order with fees. */
export const LIMIT_ORDER_WITH_FEES = 3n;

/** Header names of V1 private requests. */
export const EDGEX_V1_TIMESTAMP_HEADER = "X-edgeX-Api-Timestamp";
/** Header carrying the 128-hex-digit Stark signature. */
export const EDGEX_V1_SIGNATURE_HEADER = "X-edgeX-Api-Signature";

const MS_PER_HOUR = 3_600_000n;

/** Order side, as EdgeX writes it. */
export type EdgexSide = "BUY" | "SELL";

/** Headers that authenticate one V1 request or WebSocket connection. */
export interface EdgexV1AuthHeaders {
  /** Milliseconds since the epoch. */
  readonly "X-edgeX-Api-Timestamp": string;
  /** 128 hex digits r ‖ s. */
  readonly "X-edgeX-Api-Signature": string;
}

/** A signed V1 request: the exact text that was signed, its hash, and the headers to send. */
export interface EdgexV1SignedRequest {
  /** The exact text that was hashed. */
  readonly content: string;
  /** keccak256(content) mod n. */
  readonly hash: bigint;
  /** Headers to send. */
  readonly headers: EdgexV1AuthHeaders;
}

/** `hex64(r) ‖ hex64(s)`: the 128 lowercase hex digits EdgeX expects for Stark signatures. */
export function formatEdgexStarkSignature(signature: StarkSignature): string {
  return toHex64(signature.r) + toHex64(signature.s);
}

/**
 * Parses a 128-hex-digit `r ‖ s` signature (as a loopback fake receives it).
 * @throws InvalidFieldError if it is not 128 hex digits
 */
export function parseEdgexStarkSignature(text: string): StarkSignature {
  if (!/^[0-9a-fA-F]{128}$/.test(text)) {
    throw new InvalidFieldError("signature", showValue(text), "expected 128 hex digits r‖s");
  }
  return { r: BigInt(`0x${text.slice(0, 64)}`), s: BigInt(`0x${text.slice(64)}`) };
}

/** The request hash: keccak256 of the UTF-8 content, read big-endian, reduced modulo the Stark curve order. */
export function edgexV1RequestHash(content: string): bigint {
  return BigInt(`0x${bytesToHex(keccak_256(new TextEncoder().encode(content)))}`) % CURVE_ORDER;
}

/** `l2Nonce`: the first 32 bits of sha256(clientOrderId). Reusing a client order id reuses the nonce. */
export function edgexClientOrderNonce(clientOrderId: string): bigint {
  if (clientOrderId === "") throw new InvalidFieldError("clientOrderId", '""', "must not be empty");
  const digest = sha256(new TextEncoder().encode(clientOrderId));
  return BigInt(((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!);
}

/** The raw StarkEx limit-order-with-fees fields, in venue integer units. */
export interface StarkExLimitOrder {
  /** Asset sold (collateral for a BUY). */
  readonly assetIdSell: bigint;
  /** Asset bought (synthetic for a BUY). */
  readonly assetIdBuy: bigint;
  /** Fee asset (the collateral). */
  readonly assetIdFee: bigint;
  /** Amount sold, in the sold asset's resolution (64 bits). */
  readonly amountSell: bigint;
  /** Amount bought (64 bits). */
  readonly amountBuy: bigint;
  /** Maximum fee, in collateral resolution (64 bits). */
  readonly amountFee: bigint;
  /** First 32 bits of sha256(clientOrderId). */
  readonly nonce: bigint;
  /** The account id (64 bits). */
  readonly positionId: bigint;
  /** Expiry in whole hours since the epoch (32 bits). */
  readonly expirationHours: bigint;
}

// The first two hashes depend only on the asset ids, so they are the same for every order of one market side.
const assetPrefixCache = new Map<string, bigint>();

function assetPrefix(sell: bigint, buy: bigint, fee: bigint): bigint {
  const key = `${sell}:${buy}:${fee}`;
  let cached = assetPrefixCache.get(key);
  if (cached === undefined) {
    cached = pedersen(pedersen(sell, buy), fee);
    if (assetPrefixCache.size >= 1024) assetPrefixCache.clear();
    assetPrefixCache.set(key, cached);
  }
  return cached;
}

/**
 * The StarkEx limit-order-with-fees hash:
 * ```
 * m  = H(H(H(sellId, buyId), feeId), (((amountSell·2^64 + amountBuy)·2^64 + amountFee)·2^32 + nonce))
 * hash = H(m, ((((3·2^64 + pos)·2^64 + pos)·2^64 + pos)·2^32 + expirationHours)·2^17)
 * ```
 * @throws FieldRangeError naming the field if an amount exceeds 64 bits, the nonce or expiry 32 bits, or an
 * asset id is not a felt
 */
export function starkExLimitOrderHash(order: StarkExLimitOrder): bigint {
  checkFelt(order.assetIdSell, "assetIdSell");
  checkFelt(order.assetIdBuy, "assetIdBuy");
  checkFelt(order.assetIdFee, "assetIdFee");
  const amountSell = checkBits(order.amountSell, 64, "amountSell");
  const amountBuy = checkBits(order.amountBuy, 64, "amountBuy");
  const amountFee = checkBits(order.amountFee, 64, "amountFee");
  const nonce = checkBits(order.nonce, 32, "nonce");
  const position = checkBits(order.positionId, 64, "positionId");
  const hours = checkBits(order.expirationHours, 32, "expirationHours");
  const amounts = (((((amountSell << 64n) + amountBuy) << 64n) + amountFee) << 32n) + nonce;
  const packed =
    ((((((((LIMIT_ORDER_WITH_FEES << 64n) + position) << 64n) + position) << 64n) + position) << 32n) +
      hours) << 17n;
  const m = pedersen(assetPrefix(order.assetIdSell, order.assetIdBuy, order.assetIdFee), amounts);
  return pedersen(m, packed);
}

/** A limit order as the bot describes it, plus the market's StarkEx parameters from `getMetaData`. */
export interface EdgexV1LimitOrderInput {
  /** BUY or SELL. */
  readonly side: EdgexSide;
  /** Limit price (for a market order: the worst acceptable price the value is computed from). */
  readonly price: DecimalInput;
  /** Order size in base units; must be exact at the synthetic resolution. */
  readonly size: DecimalInput;
  /** Unique per order; it seeds the nonce and makes a retry idempotent. */
  readonly clientOrderId: string;
  /** The account id, which is also the StarkEx position id. */
  readonly accountId: string | bigint;
  /** Signed expiry in ms since the epoch (the body's `l2ExpireTime`). */
  readonly l2ExpireTimeMs: number | bigint;
  /** `contract.starkExSyntheticAssetId` (hex). */
  readonly syntheticAssetId: string;
  /** `contract.starkExResolution`: `0x` hex or decimal text, or a bigint. */
  readonly syntheticResolution: string | bigint;
  /** The collateral coin's `starkExAssetId` (hex); it is also the fee asset. */
  readonly collateralAssetId: string;
  /** The collateral coin's `starkExResolution` (10^6 for USD). */
  readonly collateralResolution: string | bigint;
  /** Fee rate the fee limit is computed with (`contract.defaultTakerFeeRate`). */
  readonly feeRate: DecimalInput;
}

/** The signed order fields to put into the createOrder body, with the integers that were signed. */
export interface EdgexV1SignedOrder {
  /** The StarkEx order hash that was signed. */
  readonly orderHash: bigint;
  /** 128 hex digits r ‖ s. */
  readonly l2Signature: string;
  /** Decimal nonce. */
  readonly l2Nonce: string;
  /** price × size, with the digits of both (`"1000.000"` for 100000.0 × 0.01), as the Python SDK writes it. */
  readonly l2Value: string;
  /** The size as sent. */
  readonly l2Size: string;
  /** Whole quote units. */
  readonly l2LimitFee: string;
  /** The signed expiry in ms, as sent. */
  readonly l2ExpireTime: string;
  /** size × synthetic resolution. */
  readonly amountSynthetic: bigint;
  /** price × size × collateral resolution. */
  readonly amountCollateral: bigint;
  /** l2LimitFee × collateral resolution. */
  readonly amountFee: bigint;
  /** floor(l2ExpireTime / 3 600 000). */
  readonly expirationHours: bigint;
}

/**
 * Reads a resolution: a bigint, `0x` hex text, or decimal text.
 * @throws InvalidFieldError if it is not a positive integer
 */
export function parseResolution(value: string | bigint, field: string): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (value.startsWith("0x") || value.startsWith("0X")) n = parseHexInteger(value, field);
  else if (/^[0-9]+$/.test(value)) n = BigInt(value);
  else throw new InvalidFieldError(field, showValue(value), "expected 0x hex or decimal digits");
  if (n <= 0n) throw new InvalidFieldError(field, showValue(value), "must be positive");
  return n;
}

function parseInteger(value: string | number | bigint, field: string): bigint {
  if (typeof value === "bigint" && value >= 0n) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return BigInt(value);
  throw new InvalidFieldError(field, showValue(value), "expected a non-negative integer");
}

function positive(value: ExactDecimal, field: string, shown: DecimalInput): ExactDecimal {
  if (value.units === 0n) throw new InvalidFieldError(field, showValue(shown), "must be greater than zero");
  return value;
}

/** Amounts shared by V1 and V2 orders: exact scaled size and value, and the ceiling fee. */
export interface EdgexOrderAmounts {
  /** The size, exactly. */
  readonly size: ExactDecimal;
  /** price × size, exactly. */
  readonly value: ExactDecimal;
  /** size × synthetic resolution. */
  readonly amountSynthetic: bigint;
  /** value × collateral resolution. */
  readonly amountCollateral: bigint;
  /** ceil(value × feeRate), whole quote units. */
  readonly limitFee: bigint;
  /** limitFee × collateral resolution. */
  readonly amountFee: bigint;
}

/**
 * Computes the signed amounts of an order.
 * @throws AmountPrecisionError if size or price × size is not a whole number of units at its resolution;
 * InvalidFieldError if price or size is zero or negative
 */
export function edgexOrderAmounts(
  price: DecimalInput,
  size: DecimalInput,
  feeRate: DecimalInput,
  syntheticResolution: bigint,
  collateralResolution: bigint,
): EdgexOrderAmounts {
  const exactSize = positive(parseDecimal(size, "size"), "size", size);
  const exactPrice = positive(parseDecimal(price, "price"), "price", price);
  const value = mulDecimal(exactPrice, exactSize);
  const limitFee = scaleToInteger(
    mulDecimal(value, parseDecimal(feeRate, "feeRate")),
    1n,
    "limitFee",
    "ceil",
  );
  return {
    size: exactSize,
    value,
    amountSynthetic: scaleToInteger(exactSize, syntheticResolution, "size"),
    amountCollateral: scaleToInteger(value, collateralResolution, "value (price × size)"),
    limitFee,
    amountFee: limitFee * collateralResolution,
  };
}

/** Signs V1 requests, the private WebSocket and limit orders with one account's Stark key. */
export class EdgexV1Signer {
  /** The Stark public key (x coordinate) of the account's key. */
  readonly publicKey: bigint;
  readonly #privateKey: bigint;

  /**
   * Parses the key and builds the hash and signing tables.
   * @param starkPrivateKey the account's L2 key as hex (the EdgeX UI exports it without `0x`)
   * @throws InvalidFieldError if the key is malformed (the key itself is never in the message)
   */
  constructor(starkPrivateKey: string | bigint) {
    this.#privateKey = parseStarkPrivateKey(starkPrivateKey, "starkPrivateKey");
    this.publicKey = starkPublicKey(this.#privateKey);
    // Build the hash and signing tables now, so that the first order is as fast as the others.
    warmPedersen();
    warmStarkSigning();
  }

  /** Signs a Stark hash (must be below 2^251) and returns the 128-hex-digit wire form. */
  signHash(hash: bigint): string {
    return formatEdgexStarkSignature(signStarkHash(hash, this.#privateKey));
  }

  /**
   * Signs a private REST request.
   * @throws FieldRangeError in the rare case (about 2^-55) that the hash is not below 2^251; retry with
   * another timestamp
   */
  signRequest(timestampMs: number | bigint, request: EdgexRequestToSign): EdgexV1SignedRequest {
    const content = edgexSignContent(timestampMs, request);
    const hash = edgexV1RequestHash(content);
    return {
      content,
      hash,
      headers: { "X-edgeX-Api-Timestamp": `${timestampMs}`, "X-edgeX-Api-Signature": this.signHash(hash) },
    };
  }

  /** Headers for `wss://…/api/v1/private/ws?accountId=<id>`: the signed text is `{ts}GET/api/v1/private/wsaccountId={id}`. */
  signPrivateWebSocket(timestampMs: number | bigint, accountId: string | bigint): EdgexV1SignedRequest {
    return this.signRequest(timestampMs, {
      method: "GET",
      path: "/api/v1/private/ws",
      query: { accountId: `${parseInteger(accountId, "accountId")}` },
    });
  }

  /**
   * Computes and signs a limit order (also used for market orders, with the worst price).
   * @throws AmountPrecisionError, FieldRangeError or InvalidFieldError naming the refused field
   */
  signLimitOrder(order: EdgexV1LimitOrderInput): EdgexV1SignedOrder {
    if (order.side !== "BUY" && order.side !== "SELL") {
      throw new InvalidFieldError("side", showValue(order.side), "expected BUY or SELL");
    }
    const synthetic = parseHexInteger(order.syntheticAssetId, "syntheticAssetId");
    const collateral = parseHexInteger(order.collateralAssetId, "collateralAssetId");
    const amounts = edgexOrderAmounts(
      order.price,
      order.size,
      order.feeRate,
      parseResolution(order.syntheticResolution, "syntheticResolution"),
      parseResolution(order.collateralResolution, "collateralResolution"),
    );
    const nonce = edgexClientOrderNonce(order.clientOrderId);
    const expireMs = parseInteger(order.l2ExpireTimeMs, "l2ExpireTimeMs");
    const expirationHours = expireMs / MS_PER_HOUR;
    const buy = order.side === "BUY";
    const orderHash = starkExLimitOrderHash({
      assetIdSell: buy ? collateral : synthetic,
      assetIdBuy: buy ? synthetic : collateral,
      assetIdFee: collateral,
      amountSell: buy ? amounts.amountCollateral : amounts.amountSynthetic,
      amountBuy: buy ? amounts.amountSynthetic : amounts.amountCollateral,
      amountFee: amounts.amountFee,
      nonce,
      positionId: parseInteger(order.accountId, "accountId"),
      expirationHours,
    });
    return {
      orderHash,
      l2Signature: this.signHash(orderHash),
      l2Nonce: nonce.toString(),
      l2Value: formatDecimal(amounts.value),
      l2Size: formatDecimal(amounts.size),
      l2LimitFee: amounts.limitFee.toString(),
      l2ExpireTime: expireMs.toString(),
      amountSynthetic: amounts.amountSynthetic,
      amountCollateral: amounts.amountCollateral,
      amountFee: amounts.amountFee,
      expirationHours,
    };
  }
}
