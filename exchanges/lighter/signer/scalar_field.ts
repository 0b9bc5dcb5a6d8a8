/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto curve/ecgfp5/scalar_field.go and int/signed161.go. Changed: scalars
 * are bigints (the few scalar operations per signature are not worth Montgomery limbs), and nonces are sampled
 * by rejection from crypto.getRandomValues.
 */

/**
 * Scalars of the ECgFp5 group: integers modulo the prime group order n (≈ 2^319), their 40-byte little-endian
 * encoding, unbiased random sampling and the signed-window recoding used by scalar multiplication.
 * @module
 */

/** The prime order n of the ECgFp5 group. */
export const SCALAR_ORDER =
  1067993516717146951041484916571792702745057740581727230159139685185762082554198619328292418486241n;

/** Bytes in an encoded scalar. */
export const SCALAR_BYTES = 40;

/** Fills a byte array with cryptographically secure random bytes (injected in tests). */
export type RandomSource = (bytes: Uint8Array) => void;

/** The default random source: `crypto.getRandomValues`. */
export const systemRandom: RandomSource = (bytes) => {
  crypto.getRandomValues(bytes);
};

/** Reads `length` little-endian bytes as a non-negative integer, without reduction. */
export function leBytesToBigInt(bytes: Uint8Array, at = 0, length = bytes.length - at): bigint {
  let v = 0n;
  for (let i = at + length - 1; i >= at; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Writes a scalar (0 ≤ s < 2^320) as 40 little-endian bytes at `bytes[at..at+40)`. */
export function writeScalarLe(bytes: Uint8Array, at: number, scalar: bigint): void {
  if (scalar < 0n || scalar >> 320n !== 0n) throw new RangeError("Scalar does not fit in 40 bytes");
  let v = scalar;
  for (let i = 0; i < SCALAR_BYTES; i++) {
    bytes[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The 40-byte little-endian encoding of a scalar. */
export function scalarToLeBytes(scalar: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_BYTES);
  writeScalarLe(out, 0, scalar);
  return out;
}

/** Reads 40 little-endian bytes as a scalar reduced mod n, like upstream `ScalarElementFromLittleEndianBytes`. */
export function scalarFromLeBytes(bytes: Uint8Array, at = 0): bigint {
  return leBytesToBigInt(bytes, at, SCALAR_BYTES) % SCALAR_ORDER;
}

/** (a − b) mod n for a, b already in [0, n). */
export function scalarSub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + SCALAR_ORDER : d;
}

/** (a · b) mod n. */
export function scalarMul(a: bigint, b: bigint): bigint {
  return (a * b) % SCALAR_ORDER;
}

/** Five canonical u64 words read as one 320-bit little-endian integer, reduced mod n (upstream `FromGfp5`). */
export function scalarFromWords(words: readonly bigint[]): bigint {
  let v = 0n;
  for (let i = words.length - 1; i >= 0; i--) v = (v << 64n) | words[i]!;
  return v % SCALAR_ORDER;
}

/** Top-bit mask for sampling: n < 2^319, so a 319-bit draw is accepted with probability n/2^319 > 1 − 2^−30. */
const SAMPLE_MASK = (1n << 319n) - 1n;

/**
 * A uniformly random scalar in [1, n): 40 random bytes masked to 319 bits and rejected unless in range, so
 * there is no modular bias.
 */
export function randomScalar(random: RandomSource = systemRandom): bigint {
  const buf = new Uint8Array(SCALAR_BYTES);
  for (;;) {
    random(buf);
    const candidate = leBytesToBigInt(buf) & SAMPLE_MASK;
    buf.fill(0);
    if (candidate !== 0n && candidate < SCALAR_ORDER) return candidate;
  }
}

/**
 * Recodes a scalar (0 ≤ s < 2^319) into `count` signed digits of `w` bits: s = Σ d_i·2^(w·i) with
 * d_i ∈ [−(2^(w−1) − 1), 2^(w−1)]; when w·count ≥ 320 the top digit is non-negative. Same arithmetic as upstream
 * `RecodeSignedFromLimbs`: which bits are read depends only on the digit index, and the carry is computed
 * without a branch on the scalar's bits.
 */
export function recodeSigned(scalar: bigint, w: number, count: number): Int32Array {
  const words = new Uint32Array(11);
  let v = scalar;
  for (let i = 0; i < 10; i++) {
    words[i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  const digits = new Int32Array(count);
  const mask = (1 << w) - 1;
  const half = 1 << (w - 1);
  let carry = 0;
  for (let i = 0; i < count; i++) {
    const bit = w * i;
    const word = bit >>> 5;
    const shift = bit & 31;
    let chunk = word < 11 ? words[word]! >>> shift : 0;
    if (shift + w > 32 && word + 1 < 11) chunk |= words[word + 1]! << (32 - shift);
    chunk = (chunk & mask) + carry;
    carry = (half - chunk) >>> 31;
    digits[i] = chunk - (carry << w);
  }
  words.fill(0);
  return digits;
}
