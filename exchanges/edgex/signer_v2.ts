/**
 * EdgeX V2 signing: HMAC-SHA256 request authentication and EIP-712 `LimitOrderParams` order signatures
 * (official SDK ≥ 2.0, `main` branch).
 *
 * - Requests: `HMAC_SHA256(key = utf8(base64(utf8(apiSecret))), timestamp + METHOD + path + payload)` in hex,
 *   with the API key, passphrase and timestamp headers. The key is the base64 *text* of the secret.
 * - Orders: EIP-712 over `LimitOrderParams(OrderBase base, …)` in the domain {EdgeX, 1, chainId,
 *   contractAddress} from `getMetaData.global`, signed with the account's secp256k1 signer key; the body's
 *   `l2Signature` is the 130 hex digits r ‖ s ‖ v without `0x`.
 *
 * Amount rules are the V1 ones (see `signer.ts`), with the signed expiry `floor(expireTime / 1000)` in
 * seconds taken from `expireTime`, and `l2ExpireTime = expireTime + 8 days` as the SDK sets it.
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import {
  addressFromPrivateKey,
  hashTypedData,
  parseEvmPrivateKey,
  signDigest,
  type TypedData,
  type TypedDataField,
  type TypedDataTypes,
} from "../evm/eip712.ts";
import { InvalidFieldError, showValue } from "../stark/errors.ts";
import { formatDecimal } from "../stark/fixed_point.ts";
import { edgexClientOrderNonce, edgexOrderAmounts, type EdgexSide, parseResolution } from "./signer.ts";
import { type EdgexRequestToSign, edgexSignContent } from "./signer_content.ts";
import type { DecimalInput } from "../stark/fixed_point.ts";

/** Headers of a V2 authenticated request (the SDK's names, without `Api-` except on the key). */
export interface EdgexV2AuthHeaders {
  /** The API key. */
  readonly "X-edgeX-Api-Key": string;
  /** The API passphrase. */
  readonly "X-edgeX-Passphrase": string;
  /** Hex HMAC-SHA256 of the signed text. */
  readonly "X-edgeX-Signature": string;
  /** Milliseconds since the epoch. */
  readonly "X-edgeX-Timestamp": string;
}

/** A signed V2 request: the exact text that was signed and the headers to send. */
export interface EdgexV2SignedRequest {
  /** The exact text that was signed. */
  readonly content: string;
  /** Headers to send. */
  readonly headers: EdgexV2AuthHeaders;
}

/** The V2 private WebSocket handshake: headers, plus the same headers as a subprotocol for clients without headers. */
export interface EdgexV2SignedWebSocket extends EdgexV2SignedRequest {
  /** The query to append to the socket URL: `accountId=<id>&timestamp=<ms>`. */
  readonly query: string;
  /** base64 of the headers' JSON with `=` padding removed (SDK `ws/client.py`). */
  readonly subprotocol: string;
}

/** API credentials of a V2 account (API Management → Perps V2). */
export interface EdgexV2Credentials {
  /** API key. */
  readonly apiKey: string;
  /** API secret; never shown in errors. */
  readonly apiSecret: string;
  /** API passphrase. */
  readonly passphrase: string;
}

/** The HMAC key: the UTF-8 bytes of the base64 encoding of the secret's UTF-8 bytes. */
export function edgexV2HmacKey(apiSecret: string): Uint8Array {
  const bytes = new TextEncoder().encode(apiSecret);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return new TextEncoder().encode(btoa(binary));
}

/** Lowercase hex HMAC-SHA256 of `content` under {@linkcode edgexV2HmacKey}. */
export function edgexV2HmacSignature(apiSecret: string, content: string): string {
  return bytesToHex(hmac(sha256, edgexV2HmacKey(apiSecret), new TextEncoder().encode(content)));
}

/** Signs V2 REST requests and the private WebSocket with HMAC credentials. */
export class EdgexV2RequestSigner {
  readonly #apiKey: string;
  readonly #passphrase: string;
  readonly #key: Uint8Array;

  /**
   * Keeps the key and passphrase and derives the HMAC key; the secret itself is not kept.
   * @throws InvalidFieldError if a credential is empty (its value is never in the message)
   */
  constructor(credentials: EdgexV2Credentials) {
    for (const field of ["apiKey", "apiSecret", "passphrase"] as const) {
      if (credentials[field] === "") {
        throw new InvalidFieldError(field, "(empty)", "is required for EdgeX V2");
      }
    }
    this.#apiKey = credentials.apiKey;
    this.#passphrase = credentials.passphrase;
    this.#key = edgexV2HmacKey(credentials.apiSecret);
  }

  #headers(timestampMs: number | bigint, content: string): EdgexV2AuthHeaders {
    return {
      "X-edgeX-Api-Key": this.#apiKey,
      "X-edgeX-Passphrase": this.#passphrase,
      "X-edgeX-Signature": bytesToHex(hmac(sha256, this.#key, new TextEncoder().encode(content))),
      "X-edgeX-Timestamp": `${timestampMs}`,
    };
  }

  /** Signs a REST request; the path is the one sent (the SDK rewrites `/api/v1/` to `/api/v2/` first). */
  signRequest(timestampMs: number | bigint, request: EdgexRequestToSign): EdgexV2SignedRequest {
    const content = edgexSignContent(timestampMs, request);
    return { content, headers: this.#headers(timestampMs, content) };
  }

  /**
   * Signs the private WebSocket handshake: the text is
   * `{ts}GET{path}accountId={id}&timestamp={ts}`, and the URL gets the same query.
   */
  signPrivateWebSocket(
    timestampMs: number | bigint,
    accountId: string | bigint,
    path = "/api/v1/private/ws",
  ): EdgexV2SignedWebSocket {
    if (!/^[0-9]+$/.test(`${accountId}`)) {
      throw new InvalidFieldError("accountId", showValue(accountId), "expected decimal digits");
    }
    const query = `accountId=${accountId}&timestamp=${timestampMs}`;
    const { content, headers } = this.signRequest(timestampMs, {
      method: "GET",
      path,
      query: { accountId: `${accountId}`, timestamp: `${timestampMs}` },
    });
    // Python's json.dumps separators (", " and ": "), so the subprotocol is byte-identical to the SDK's.
    const json = "{" + Object.entries(headers).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(", ") +
      "}";
    return { content, headers, query, subprotocol: btoa(json).replace(/=+$/, "") };
  }
}

const ORDER_BASE: readonly TypedDataField[] = [
  { name: "nonce", type: "uint256" },
  { name: "signer", type: "address" },
  { name: "accountId", type: "uint64" },
  { name: "expirationTimestamp", type: "uint256" },
];

const LIMIT_ORDER_PARAMS: readonly TypedDataField[] = [
  { name: "base", type: "OrderBase" },
  { name: "amountSynthetic", type: "int256" },
  { name: "amountCollateral", type: "int256" },
  { name: "amountFee", type: "uint256" },
  { name: "assetIdSynthetic", type: "uint64" },
  { name: "assetIdCollateral", type: "uint64" },
  { name: "isBuyingSynthetic", type: "bool" },
  { name: "parentOrderHash", type: "bytes32" },
  { name: "subOrderIndex", type: "uint256" },
];

/** The EIP-712 struct types of a V2 limit order. */
export const EDGEX_V2_ORDER_TYPES: TypedDataTypes = {
  OrderBase: ORDER_BASE,
  LimitOrderParams: LIMIT_ORDER_PARAMS,
};

/** The V2 domain parameters from `getMetaData.global` (`nativeChainId` or `chainId`, `contractAddress`). */
export interface EdgexV2Domain {
  /** `global.nativeChainId` (or `chainId`). */
  readonly chainId: bigint | number | string;
  /** `global.contractAddress`. */
  readonly verifyingContract: string;
}

/** A V2 limit order and its market parameters. */
export interface EdgexV2LimitOrderInput {
  /** BUY or SELL. */
  readonly side: EdgexSide;
  /** Limit price, or the worst acceptable price of a market order. */
  readonly price: DecimalInput;
  /** Order size; must be exact at the contract resolution. */
  readonly size: DecimalInput;
  /** Unique per order; seeds the nonce. */
  readonly clientOrderId: string;
  /** The account id (uint64). */
  readonly accountId: string | bigint;
  /** The body's `expireTime` in ms; the signature carries it in whole seconds. */
  readonly expireTimeMs: number | bigint;
  /** `contract.contractId`, signed as `assetIdSynthetic`. */
  readonly contractId: string | bigint;
  /** The quote coin's `coinId`, signed as `assetIdCollateral`. */
  readonly collateralCoinId: string | bigint;
  /** `contract.resolution` (decimal or `0x` hex). */
  readonly contractResolution: string | bigint;
  /** The quote coin's `resolution`. */
  readonly quoteResolution: string | bigint;
  /** max(defaultTakerFeeRate, defaultMakerFeeRate); the SDK uses 0.001 for a missing rate. */
  readonly feeRate: DecimalInput;
}

/** The signed order fields for the createOrder body. */
export interface EdgexV2SignedOrder {
  /** The EIP-712 digest, `0x` hex. */
  readonly digest: string;
  /** 130 hex digits r ‖ s ‖ v, without `0x`. */
  readonly l2Signature: string;
  /** Decimal nonce. */
  readonly l2Nonce: string;
  /** price × size, with the digits of both. */
  readonly l2Value: string;
  /** The size as sent. */
  readonly l2Size: string;
  /** ceil(price × size × feeRate), whole quote units. */
  readonly l2LimitFee: string;
  /** The body's `expireTime` in ms. */
  readonly expireTime: string;
  /** expireTime + 8 days, in ms (the SDK's rule). */
  readonly l2ExpireTime: string;
  /** The typed data that was signed. */
  readonly typedData: TypedData;
}

const EIGHT_DAYS_MS = 8n * 24n * 3_600_000n;
const ZERO_HASH = `0x${"00".repeat(32)}`;

function nonNegativeInteger(value: string | number | bigint, field: string): bigint {
  const text = `${value}`;
  if (!/^[0-9]+$/.test(text)) {
    throw new InvalidFieldError(field, showValue(value), "expected a non-negative integer");
  }
  return BigInt(text);
}

/** Signs V2 limit orders with the account's secp256k1 signer key. */
export class EdgexV2OrderSigner {
  /** The signer key's checksummed address, signed as `base.signer`. */
  readonly address: string;
  readonly #privateKey: Uint8Array;
  readonly #domain: {
    name: string;
    version: string;
    chainId: bigint | number | string;
    verifyingContract: string;
  };

  /**
   * Parses the key and derives its address.
   * @param signerPrivateKey the SDK signer key (64 hex digits, with or without `0x`)
   * @param domain chain id and contract address from metadata
   */
  constructor(signerPrivateKey: string, domain: EdgexV2Domain) {
    this.#privateKey = parseEvmPrivateKey(signerPrivateKey, "signerPrivateKey");
    this.address = addressFromPrivateKey(this.#privateKey);
    this.#domain = {
      name: "EdgeX",
      version: "1",
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    };
  }

  /**
   * Computes and signs a limit order.
   * @throws AmountPrecisionError, InvalidFieldError or TypedDataError naming the refused field
   */
  signLimitOrder(order: EdgexV2LimitOrderInput): EdgexV2SignedOrder {
    if (order.side !== "BUY" && order.side !== "SELL") {
      throw new InvalidFieldError("side", showValue(order.side), "expected BUY or SELL");
    }
    const amounts = edgexOrderAmounts(
      order.price,
      order.size,
      order.feeRate,
      parseResolution(order.contractResolution, "contractResolution"),
      parseResolution(order.quoteResolution, "quoteResolution"),
    );
    const nonce = edgexClientOrderNonce(order.clientOrderId);
    const expireTime = nonNegativeInteger(order.expireTimeMs, "expireTimeMs");
    const typedData: TypedData = {
      domain: this.#domain,
      types: EDGEX_V2_ORDER_TYPES,
      primaryType: "LimitOrderParams",
      message: {
        base: {
          nonce,
          signer: this.address,
          accountId: nonNegativeInteger(order.accountId, "accountId"),
          expirationTimestamp: expireTime / 1000n,
        },
        amountSynthetic: amounts.amountSynthetic,
        amountCollateral: amounts.amountCollateral,
        amountFee: amounts.amountFee,
        assetIdSynthetic: nonNegativeInteger(order.contractId, "contractId"),
        assetIdCollateral: nonNegativeInteger(order.collateralCoinId, "collateralCoinId"),
        isBuyingSynthetic: order.side === "BUY",
        parentOrderHash: ZERO_HASH,
        subOrderIndex: 0n,
      },
    };
    const digest = hashTypedData(typedData);
    return {
      digest: `0x${bytesToHex(digest)}`,
      l2Signature: signDigest(digest, this.#privateKey).slice(2),
      l2Nonce: nonce.toString(),
      l2Value: formatDecimal(amounts.value),
      l2Size: formatDecimal(amounts.size),
      l2LimitFee: amounts.limitFee.toString(),
      expireTime: expireTime.toString(),
      l2ExpireTime: (expireTime + EIGHT_DAYS_MS).toString(),
      typedData,
    };
  }
}
