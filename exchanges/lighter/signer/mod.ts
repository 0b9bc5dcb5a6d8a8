/**
 * Lighter transaction signer in pure TypeScript, with no I/O: API keys, Schnorr signatures over ECgFp5 with
 * Poseidon2 hashing, and the signed `tx_info` of CreateOrder, CancelOrder and CancelAllOrders, bit-exact with
 * lighter-go.
 *
 * ```ts ignore
 * const key = LighterPrivateKey.fromHex(Deno.env.get("LIGHTER_API_KEY")!);
 * const signed = signCreateOrder(key, LIGHTER_MAINNET_CHAIN_ID, {
 *   accountIndex: 12345, apiKeyIndex: 4, marketIndex: 0, clientOrderIndex: 1, baseAmount: 1000, price: 50000,
 *   isAsk: 0, type: OrderType.Limit, timeInForce: TimeInForce.PostOnly, reduceOnly: 0, triggerPrice: 0,
 *   orderExpiry: expiryMs, expiredAt: nowMs + 599_000, nonce,
 * });
 * // POST /api/v1/sendTx with tx_type = signed.txType and tx_info = signed.txInfo
 * ```
 *
 * Every signature draws a fresh nonce from `crypto.getRandomValues` (rejection-sampled, so unbiased). The
 * `unsafeFixedNonce` option exists for known-answer tests only.
 *
 * Where this module deliberately differs from lighter-go / poseidon_crypto:
 * - Verification is stricter: s or e ≥ n, and public keys or hashes with a coefficient ≥ p, are rejected
 *   (upstream reduces them). Signatures produced here are always canonical, so Lighter accepts them.
 * - A private key that is zero modulo the group order is refused; upstream would sign with it.
 * - Integer fields are checked against their Go types (uint8, int16, uint32, int64) before `Validate()`'s rules;
 *   numbers must be safe integers and larger values are passed as bigint.
 * - An auth token deadline must not be negative.
 *
 * Kept as upstream, although odd: `AccountIndex` −1 is accepted and hashed as the uint64 2^64 − 1; a
 * CancelAllOrders may use `ApiKeyIndex` 255; attributes given with their nil value (e.g. `cancelAllMarketIndex`
 * 255) appear in `tx_info` but leave the hash unchanged.
 * @module
 */

export { LighterPrivateKey } from "./keys.ts";
export { LighterEncodingError, LighterKeyError, LighterTxValidationError } from "./errors.ts";
export {
  CancelAllTimeInForce,
  LIGHTER_MAINNET_CHAIN_ID,
  LIGHTER_TESTNET_CHAIN_ID,
  NIL_MARKET_INDEX,
  OrderType,
  SelfTradeBehavior,
  SelfTradeEquality,
  TimeInForce,
  TX_TYPE_CANCEL_ALL_ORDERS,
  TX_TYPE_CANCEL_ORDER,
  TX_TYPE_CREATE_ORDER,
} from "./constants.ts";
export type { TxInt } from "./tx_fields.ts";
export type { TxAttributes } from "./tx_attributes.ts";
export type { SignedLighterTx, SignTxOptions } from "./tx_signing.ts";
export { type CreateOrderTx, hashCreateOrder, signCreateOrder, validateCreateOrder } from "./create_order.ts";
export { type CancelOrderTx, hashCancelOrder, signCancelOrder, validateCancelOrder } from "./cancel_order.ts";
export {
  type CancelAllOrdersTx,
  hashCancelAllOrders,
  signCancelAllOrders,
  validateCancelAllOrders,
} from "./cancel_all_orders.ts";
export {
  authTokenMessage,
  type AuthTokenRequest,
  createAuthToken,
  hashAuthTokenMessage,
  parseAuthToken,
  verifyAuthToken,
} from "./auth_token.ts";
export {
  MESSAGE_HASH_BYTES,
  PUBLIC_KEY_BYTES,
  type SchnorrSignOptions,
  SIGNATURE_BYTES,
  verifyHashedMessage,
} from "./schnorr.ts";
export type { RandomSource } from "./scalar_field.ts";
export { bytesToHex, hexToBytes } from "./hex.ts";
