/**
 * Cairo `ByteArray` serialisation and its Poseidon hash, which Paradex full-node RPC authentication signs
 * (the hash of the JSON-RPC request body).
 * @module
 */
import { poseidonHashMany } from "@scure/starknet";

/** A Cairo ByteArray: full 31-byte words, then the last partial word and its length in bytes. */
export interface CairoByteArray {
  /** Full 31-byte words, big-endian. */
  readonly data: readonly bigint[];
  /** The last, partial word (may be 0). */
  readonly pendingWord: bigint;
  /** Bytes in the pending word, 0 to 30. */
  readonly pendingWordLength: number;
}

function wordOf(bytes: Uint8Array): bigint {
  let out = 0n;
  for (const b of bytes) out = (out << 8n) | BigInt(b);
  return out;
}

/**
 * Splits the UTF-8 bytes of `text` into a Cairo ByteArray. For ASCII text this equals starknet.js
 * `byteArray.byteArrayFromString` (which only accepts ASCII).
 */
export function byteArrayFromString(text: string): CairoByteArray {
  const bytes = new TextEncoder().encode(text);
  const full = Math.floor(bytes.length / 31);
  const data: bigint[] = [];
  for (let i = 0; i < full; i++) data.push(wordOf(bytes.subarray(i * 31, i * 31 + 31)));
  const rest = bytes.subarray(full * 31);
  return { data, pendingWord: wordOf(rest), pendingWordLength: rest.length };
}

/** The serialised form: [data.length, ...data, pendingWord, pendingWordLength]. */
export function serializeByteArray(array: CairoByteArray): bigint[] {
  return [BigInt(array.data.length), ...array.data, array.pendingWord, BigInt(array.pendingWordLength)];
}

/** Poseidon over the serialised ByteArray of `text` (starknet.js `computePoseidonHashOnElements`). */
export function byteArrayPoseidonHash(text: string): bigint {
  return poseidonHashMany(serializeByteArray(byteArrayFromString(text)));
}
