/**
 * Stark-curve ECDSA: keys, signing and verification.
 *
 * Signing is RFC 6979 deterministic, bit for bit what `@scure/starknet` `sign` and starknet.js return
 * (including StarkWare's truncation quirks: a nonce block with a leading zero byte is not shifted), so
 * signatures are reproducible and the known-answer vectors hold. It is reimplemented here only for speed
 * (about 170 µs instead of 280 µs per signature on the 2-core build machine): the nonce times G comes from an
 * 8-bit window table over G, 33 mixed additions, instead of scure's generic blinded multiplication.
 *
 * The nonce is secret, so its multiplication runs the same operations for every nonce (one addition per
 * window, zero windows adding into a dummy point) and both inversions that involve it use Fermat's little
 * theorem, whose operation sequence depends only on the public modulus. Two limits, as for any bigint code in
 * JavaScript: bigint arithmetic is not guaranteed constant-time, and table rows are read at secret indexes,
 * which a process sharing the CPU cache could in principle observe. Key derivation and verification stay in
 * scure.
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hexToBytes } from "@noble/hashes/utils.js";
import { invert } from "@noble/curves/abstract/modular.js";
import { getStarkKey, Signature, verify } from "@scure/starknet";
import { FieldRangeError, InvalidFieldError, showValue } from "./errors.ts";
import { CURVE_ORDER, FIELD_PRIME, SIGNABLE_HASH_BOUND, toHex64 } from "./felt.ts";
import { type AffinePoint, FixedBaseTable } from "./fixed_base.ts";
import { addAffine, type JacobianPoint } from "./jacobian.ts";
import { PEDERSEN_SHIFT_POINT } from "./pedersen.ts";

/** The generator G of the Stark curve. */
export const STARK_GENERATOR: AffinePoint = {
  x: 874739451078007766457464989774322083649278607533249481151382481072868806602n,
  y: 152666792071518830868575557812948353041420400780739481342941381225525861407n,
};

/** A Stark ECDSA signature. */
export interface StarkSignature {
  /** The x coordinate of the nonce point, modulo n. */
  readonly r: bigint;
  /** The proof scalar. */
  readonly s: bigint;
}

/**
 * Parses a Stark private key given as hex (with or without `0x`, any length up to 64 digits) or a bigint.
 * The key never appears in an error message.
 * @param field name reported if the key is refused
 * @throws InvalidFieldError if it is not hex, or not in [1, n)
 */
export function parseStarkPrivateKey(key: string | bigint, field = "starkPrivateKey"): bigint {
  let value: bigint;
  if (typeof key === "bigint") {
    value = key;
  } else {
    const digits = key.startsWith("0x") || key.startsWith("0X") ? key.slice(2) : key;
    if (!/^[0-9a-fA-F]{1,64}$/.test(digits)) {
      throw new InvalidFieldError(
        field,
        "(hidden)",
        `expected up to 64 hex digits, got ${digits.length} characters`,
      );
    }
    value = BigInt(`0x${digits}`);
  }
  if (value <= 0n || value >= CURVE_ORDER) {
    throw new InvalidFieldError(
      field,
      "(hidden)",
      "a Stark private key must be in [1, n) for the curve order n",
    );
  }
  return value;
}

/** The Stark public key (the x coordinate of key·G), as venues register and show it. */
export function starkPublicKey(privateKey: bigint): bigint {
  return BigInt(getStarkKey(toHex64(privateKey)));
}

let generatorTable: FixedBaseTable | undefined;

/** Builds the generator's window table now instead of on the first signature (tens of milliseconds, once). */
export function warmStarkSigning(): void {
  generatorTable ??= new FixedBaseTable(STARK_GENERATOR, 32);
}

/**
 * base^exponent mod modulus with fixed 4-bit windows. The sequence of operations depends only on the
 * exponent, which is public (p − 2 or n − 2), never on the secret base.
 */
function powPublicExponent(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const powers = [1n, base % modulus];
  for (let i = 2; i < 16; i++) powers.push((powers[i - 1]! * powers[1]!) % modulus);
  const hex = exponent.toString(16);
  let result = powers[parseInt(hex[0]!, 16)]!;
  for (let i = 1; i < hex.length; i++) {
    for (let j = 0; j < 4; j++) result = (result * result) % modulus;
    result = (result * powers[parseInt(hex[i]!, 16)]!) % modulus;
  }
  return result;
}

function bytes32(value: bigint): Uint8Array {
  return hexToBytes(toHex64(value));
}

/** StarkWare's bits2int: leading zero bytes are dropped first, then the value is cut to 252 bits. */
function bits2int(bytes: Uint8Array): bigint {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const rest = bytes.subarray(start);
  const value = rest.length === 0 ? 0n : BigInt(`0x${toHexString(rest)}`);
  const excess = rest.length * 8 - 252;
  return excess > 0 ? value >> BigInt(excess) : value;
}

function toHexString(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

// Both accumulators start at the Pedersen shift point, whose discrete logarithm is unknown, so no partial sum
// of nonce windows can meet a special case of the addition formula.
const START = PEDERSEN_SHIFT_POINT;
const MINUS_START_Y = FIELD_PRIME - START.y;

/** r and s for one nonce, or undefined if either is zero (RFC 6979 then draws another nonce). */
function signWithNonce(k: bigint, m: bigint, d: bigint): StarkSignature | undefined {
  const acc: JacobianPoint = { x: START.x, y: START.y, z: 1n };
  const dummy: JacobianPoint = { x: START.x, y: START.y, z: 1n };
  generatorTable!.addSecretMultiple(acc, dummy, k);
  addAffine(acc, START.x, MINUS_START_Y);
  const zz = (acc.z * acc.z) % FIELD_PRIME;
  const x = (acc.x * powPublicExponent(zz, FIELD_PRIME - 2n, FIELD_PRIME)) % FIELD_PRIME;
  const r = x % CURVE_ORDER;
  if (r === 0n) return undefined;
  const kInverse = powPublicExponent(k, CURVE_ORDER - 2n, CURVE_ORDER);
  const s = (kInverse * ((m + r * d) % CURVE_ORDER)) % CURVE_ORDER;
  if (s === 0n) return undefined;
  return { r, s };
}

/**
 * Signs a message hash with a Stark private key (RFC 6979 nonce, HMAC-SHA256 DRBG).
 * @throws FieldRangeError if the hash is not below 2^251, which Stark ECDSA cannot sign; RangeError in the
 * rare case (about 2^-54) that r or 1/s is not below 2^251, as scure does: sign a new message then
 */
export function signStarkHash(hash: bigint, privateKey: bigint): StarkSignature {
  if (hash < 0n || hash >= SIGNABLE_HASH_BOUND) {
    throw new FieldRangeError("message hash", showValue(hash), "Stark ECDSA signs only hashes below 2^251");
  }
  if (privateKey <= 0n || privateKey >= CURVE_ORDER) {
    throw new InvalidFieldError("privateKey", "(hidden)", "a Stark private key must be in [1, n)");
  }
  warmStarkSigning();
  // A hash below 2^251 is its own bits2int_modN under StarkWare's rules, so it is both m and the seed's h1.
  const seed = concatBytes(bytes32(privateKey), bytes32(hash));
  let key = new Uint8Array(32);
  let v = new Uint8Array(32).fill(1);
  key = hmac(sha256, key, concatBytes(v, Uint8Array.of(0), seed));
  v = hmac(sha256, key, v);
  key = hmac(sha256, key, concatBytes(v, Uint8Array.of(1), seed));
  v = hmac(sha256, key, v);
  for (let attempt = 0; attempt < 1000; attempt++) {
    v = hmac(sha256, key, v);
    const k = bits2int(v);
    if (k >= 1n && k < CURVE_ORDER) {
      const signature = signWithNonce(k, hash, privateKey);
      if (signature !== undefined) {
        if (signature.r >= SIGNABLE_HASH_BOUND || invert(signature.s, CURVE_ORDER) >= SIGNABLE_HASH_BOUND) {
          throw new RangeError(
            "Stark signature out of StarkWare's range for this message; sign a new message",
          );
        }
        return signature;
      }
    }
    key = hmac(sha256, key, concatBytes(v, Uint8Array.of(0)));
    v = hmac(sha256, key, v);
  }
  throw new RangeError("RFC 6979 found no valid nonce in 1000 attempts");
}

/**
 * Verifies a signature against a message hash and a Stark public key given by its x coordinate only, as
 * StarkEx and Paradex do: either of the two points with that x is accepted.
 */
export function verifyStarkSignature(signature: StarkSignature, hash: bigint, publicKeyX: bigint): boolean {
  if (hash < 0n || hash >= SIGNABLE_HASH_BOUND) return false;
  let sig: InstanceType<typeof Signature>;
  try {
    sig = new Signature(signature.r, signature.s);
  } catch {
    return false;
  }
  for (const prefix of ["02", "03"]) {
    try {
      if (verify(sig, toHex64(hash), prefix + toHex64(publicKeyX))) return true;
    } catch {
      // Not a curve point, or r/s outside the ranges StarkWare allows: not a valid signature.
      return false;
    }
  }
  return false;
}
