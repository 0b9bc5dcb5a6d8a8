/**
 * Stark field elements ("felts"): the constants of the Stark curve and the strict conversions from the values
 * venues put in signed messages (integers, hex, decimal strings, Cairo short strings).
 * @module
 */
import { FieldRangeError, InvalidFieldError, showValue } from "./errors.ts";

/** The Stark field prime p = 2^251 + 17·2^192 + 1. Every felt is in [0, p). */
export const FIELD_PRIME: bigint = 2n ** 251n + 17n * 2n ** 192n + 1n;

/** Order n of the Stark curve's generator; private keys and ECDSA scalars live modulo n. */
export const CURVE_ORDER: bigint = 0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2fn;

/** Stark ECDSA only signs message hashes below 2^251 (the StarkWare reference refuses larger ones). */
export const SIGNABLE_HASH_BOUND: bigint = 2n ** 251n;

/** A value accepted where a felt is expected. Strings follow the SNIP-12 revision 0 rules of {@linkcode parseFelt}. */
export type FeltInput = bigint | number | string;

const HEX = /^0[xX][0-9a-fA-F]+$/;
const DECIMAL = /^[0-9]+$/;

/**
 * Converts a message value to a felt the way SNIP-12 revision 0 (starknet.js `getHex`) does, but strictly:
 * `0x…` is hex, a string of decimal digits is decimal, `""` is 0, and any other string is a Cairo short string
 * (ASCII, at most 31 characters). Negative values and values ≥ p are refused rather than wrapped. A string of
 * spaces is a short string, as in starknet-py (paradex-py); starknet.js's `BigInt()` would read it as 0.
 * @param value the value to convert
 * @param field the name reported if the value is refused
 */
export function parseFelt(value: FeltInput, field: string): bigint {
  if (typeof value === "bigint") return checkFelt(value, field);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new FieldRangeError(field, showValue(value), "is not a safe integer; pass a bigint or a string");
    }
    return checkFelt(BigInt(value), field);
  }
  if (typeof value !== "string") {
    throw new InvalidFieldError(field, showValue(value), "expected a bigint, a number or a string");
  }
  if (value === "") return 0n;
  if (HEX.test(value) || DECIMAL.test(value)) return checkFelt(BigInt(value), field);
  if (/^-[0-9]/.test(value)) throw new FieldRangeError(field, showValue(value), "felts cannot be negative");
  return encodeShortString(value, field);
}

/** Returns `value` if it is a felt (0 ≤ value < p); throws {@linkcode FieldRangeError} naming `field` otherwise. */
export function checkFelt(value: bigint, field: string): bigint {
  if (value < 0n || value >= FIELD_PRIME) {
    throw new FieldRangeError(field, showValue(value), "is outside the Stark field [0, p)");
  }
  return value;
}

/** Returns `value` if 0 ≤ value < 2^bits; throws {@linkcode FieldRangeError} naming `field` otherwise. */
export function checkBits(value: bigint, bits: number, field: string): bigint {
  if (value < 0n || value >= 1n << BigInt(bits)) {
    throw new FieldRangeError(field, showValue(value), `does not fit in ${bits} unsigned bits`);
  }
  return value;
}

/**
 * Encodes a Cairo short string: the ASCII bytes of `text` read as one big-endian integer.
 * @throws InvalidFieldError if `text` has a non-ASCII character or more than 31 characters
 */
export function encodeShortString(text: string, field: string): bigint {
  if (text.length > 31) {
    throw new InvalidFieldError(field, showValue(text), "a Cairo short string holds at most 31 characters");
  }
  let out = 0n;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      throw new InvalidFieldError(field, showValue(text), "a Cairo short string must be ASCII");
    }
    out = (out << 8n) | BigInt(code);
  }
  return out;
}

/**
 * Parses an integer written in hex, with or without `0x`, as venues send asset ids and resolutions.
 * @throws InvalidFieldError if `text` is not hex
 */
export function parseHexInteger(text: string, field: string): bigint {
  const digits = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]+$/.test(digits)) {
    throw new InvalidFieldError(field, showValue(text), "expected a hex integer");
  }
  return BigInt(`0x${digits}`);
}

/** Lowercase `0x` hex without padding, as starknet.js prints felts. */
export function feltToHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Lowercase hex left-padded to 64 digits, without `0x` (StarkEx signature halves, EdgeX headers). */
export function toHex64(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}
