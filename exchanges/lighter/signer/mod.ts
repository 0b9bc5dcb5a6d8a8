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
