/**
 * The result of signing a Lighter transaction, and the step shared by all transaction types: sign the message
 * hash, then render `tx_info` with the signature.
 * @module
 */

import { bytesToBase64, bytesToHex } from "./hex.ts";
import type { LighterPrivateKey } from "./keys.ts";
import type { SchnorrSignOptions } from "./schnorr.ts";

/** A signed transaction, ready for `POST /api/v1/sendTx` (`tx_type`, `tx_info`). */
export interface SignedLighterTx {
  /** `tx_type`: 14 CreateOrder, 15 CancelOrder, 16 CancelAllOrders. */
  readonly txType: number;
  /** `tx_info`: the JSON lighter-go's `json.Marshal` produces, with `Sig` in base64. */
  readonly txInfo: string;
  /** Lower-case hex of the signed 40-byte message hash; equals the `tx_hash` Lighter reports. */
  readonly txHash: string;
  /** The 40-byte message hash. */
  readonly messageHash: Uint8Array;
  /** The 80-byte Schnorr signature. */
  readonly signature: Uint8Array;
}

/** Options for signing; leave `unsafeFixedNonce` unset outside known-answer tests. */
export type SignTxOptions = SchnorrSignOptions;

/** Signs `messageHash` and renders tx_info through `render(sigBase64)`. */
export function signTx(
  key: LighterPrivateKey,
  txType: number,
  messageHash: Uint8Array,
  render: (sigBase64: string) => string,
  options?: SignTxOptions,
): SignedLighterTx {
  const signature = key.signHashedMessage(messageHash, options);
  return {
    txType,
    txInfo: render(bytesToBase64(signature)),
    txHash: bytesToHex(messageHash),
    messageHash,
    signature,
  };
}
