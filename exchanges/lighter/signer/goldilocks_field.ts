/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto field/goldilocks/goldilocks_plonky2.go. Changed: elements are held
 * as three 22-bit limbs in float64 numbers instead of one uint64, so that limb products stay exact.
 */

/**
 * Goldilocks prime field GF(p), p = 2^64 − 2^32 + 1, in a limb form built for speed in JavaScript.
 *
 * An element is three integer limbs `l0 + l1·2^22 + l2·2^44` stored in a `Float64Array` at some offset. Limb
 * products are below 2^48, so sums of many of them stay exact in a double, and a whole product is reduced
 * once. Limbs may be negative and the value need not be canonical: only its residue mod p matters until it is
 * serialised with {@linkcode canonicalBigInt} or {@linkcode writeCanonicalLe}.
 *
 * A *reduced* element has `0 ≤ l0, l1 < 2^22` and `|l2| ≤ 2^22 + 2^14` (call that bound r). Every function here
 * returns reduced elements. Inputs may be sums of reduced elements; each function states how large.
 * @module
 */

/** The field order p = 2^64 − 2^32 + 1. */
export const GOLDILOCKS_ORDER = 0xffffffff00000001n;

/** Number of limbs per field element. */
export const LIMBS = 3;

const RADIX = 4194304; // 2^22
const INV_RADIX = 1 / RADIX;
const TWO_32 = 4294967296;
const INV_TWO_32 = 1 / TWO_32;

/**
 * Reduces `c0 + c1·2^22 + c2·2^44 + c3·2^66 + c4·2^88` modulo p into reduced limbs at `o[off..off+3)`.
 *
 * Each column must be an integer with |c| ≤ 2^53 − 2^34 so that adding a carry stays exact.
 * Output: `0 ≤ l0, l1 < 2^22`, `−1 ≤ l2 ≤ 2^22 + 4`.
 */
export function reduceColumns(
  o: Float64Array,
  off: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  c4: number,
): void {
  // Carry into seven 22-bit digits r0..r6 (r6 small and possibly negative); floor keeps digits non-negative.
  let q = Math.floor(c0 * INV_RADIX);
  const r0 = c0 - q * RADIX;
  let x = c1 + q;
  q = Math.floor(x * INV_RADIX);
  const r1 = x - q * RADIX;
  x = c2 + q;
  q = Math.floor(x * INV_RADIX);
  const r2 = x - q * RADIX;
  x = c3 + q;
  q = Math.floor(x * INV_RADIX);
  const r3 = x - q * RADIX;
  x = c4 + q;
  q = Math.floor(x * INV_RADIX);
  const r4 = x - q * RADIX;
  x = q;
  q = Math.floor(x * INV_RADIX);
  const r5 = x - q * RADIX;
  const r6 = q;
  // Fold the high digits with 2^64 ≡ 2^32 − 1 and 2^96 ≡ −1 (mod p):
  // 2^66 ≡ 2^12·2^22 − 4, 2^88 ≡ 2^12·2^44 − 4·2^22, 2^110 ≡ −2^14, 2^132 ≡ −2^14·2^22.
  let d0 = r0 - 4 * r3 - 16384 * r5;
  let d1 = r1 + 4096 * r3 - 4 * r4 - 16384 * r6;
  let d2 = r2 + 4096 * r4;
  q = Math.floor(d0 * INV_RADIX);
  d0 -= q * RADIX;
  d1 += q;
  q = Math.floor(d1 * INV_RADIX);
  d1 -= q * RADIX;
  d2 += q;
  q = Math.floor(d2 * INV_RADIX);
  d2 -= q * RADIX;
  // q is now at most 2^12 + 1 units of 2^66; fold once more and carry twice.
  d0 -= 4 * q;
  d1 += 4096 * q;
  q = Math.floor(d0 * INV_RADIX);
  o[off] = d0 - q * RADIX;
  d1 += q;
  q = Math.floor(d1 * INV_RADIX);
  o[off + 1] = d1 - q * RADIX;
  o[off + 2] = d2 + q;
}

/**
 * Brings an element whose limbs are integers below 2^45 in magnitude (for example a sum of a few reduced
 * elements) back to reduced form, in place.
 */
export function normalize(a: Float64Array, off: number): void {
  let l0 = a[off]!;
  let l1 = a[off + 1]!;
  let l2 = a[off + 2]!;
  let q = Math.floor(l0 * INV_RADIX);
  l0 -= q * RADIX;
  l1 += q;
  q = Math.floor(l1 * INV_RADIX);
  l1 -= q * RADIX;
  l2 += q;
  q = Math.floor(l2 * INV_RADIX);
  l2 -= q * RADIX;
  l0 -= 4 * q;
  l1 += 4096 * q;
  q = Math.floor(l0 * INV_RADIX);
  a[off] = l0 - q * RADIX;
  l1 += q;
  q = Math.floor(l1 * INV_RADIX);
  a[off + 1] = l1 - q * RADIX;
  a[off + 2] = l2 + q;
}

/**
 * o = a·b. Inputs may be sums of reduced elements as long as (multiple of r in a)·(multiple in b) ≤ 160.
 * `o` may alias `a` or `b`.
 */
export function mul(
  o: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): void {
  const a0 = a[aOff]!, a1 = a[aOff + 1]!, a2 = a[aOff + 2]!;
  const b0 = b[bOff]!, b1 = b[bOff + 1]!, b2 = b[bOff + 2]!;
  reduceColumns(o, oOff, a0 * b0, a0 * b1 + a1 * b0, a0 * b2 + a1 * b1 + a2 * b0, a1 * b2 + a2 * b1, a2 * b2);
}

/** o = a². Same input bound as {@linkcode mul} (a multiple of r up to 12). */
export function square(o: Float64Array, oOff: number, a: Float64Array, aOff: number): void {
  const a0 = a[aOff]!, a1 = a[aOff + 1]!, a2 = a[aOff + 2]!;
  const d0 = 2 * a0;
  reduceColumns(o, oOff, a0 * a0, d0 * a1, d0 * a2 + a1 * a1, 2 * a1 * a2, a2 * a2);
}

/** o = a^(2^n) by n squarings. */
export function expPowerOf2(o: Float64Array, oOff: number, a: Float64Array, aOff: number, n: number): void {
  o[oOff] = a[aOff]!;
  o[oOff + 1] = a[aOff + 1]!;
  o[oOff + 2] = a[aOff + 2]!;
  for (let i = 0; i < n; i++) square(o, oOff, o, oOff);
}

/** Copies one element. */
export function copy(o: Float64Array, oOff: number, a: Float64Array, aOff: number): void {
  o[oOff] = a[aOff]!;
  o[oOff + 1] = a[aOff + 1]!;
  o[oOff + 2] = a[aOff + 2]!;
}

/** Writes the residue of an arbitrary bigint as canonical limbs. */
export function setBigInt(o: Float64Array, oOff: number, value: bigint): void {
  let v = value % GOLDILOCKS_ORDER;
  if (v < 0n) v += GOLDILOCKS_ORDER;
  o[oOff] = Number(v & 0x3fffffn);
  o[oOff + 1] = Number((v >> 22n) & 0x3fffffn);
  o[oOff + 2] = Number(v >> 44n);
}

/** Writes the canonical value of a reduced element as two 32-bit words into `words[0]` (low) and `words[1]`. */
function canonicalWords(a: Float64Array, aOff: number, words: Float64Array): void {
  const l0 = a[aOff]!, l1 = a[aOff + 1]!, l2 = a[aOff + 2]!;
  let lo = l0 + (l1 % 1024) * RADIX;
  let hi = Math.floor(l1 / 1024) + l2 * 4096;
  // value = lo + hi·2^32 with small overflows; fold hi with 2^64 ≡ 2^32 − 1 until both words are in range.
  while (hi < 0 || hi >= TWO_32 || lo < 0 || lo >= TWO_32) {
    let q = Math.floor(hi * INV_TWO_32);
    hi -= q * TWO_32;
    hi += q;
    lo -= q;
    q = Math.floor(lo * INV_TWO_32);
    lo -= q * TWO_32;
    hi += q;
  }
  if (hi === 0xffffffff && lo >= 1) {
    hi = 0;
    lo -= 1;
  }
  words[0] = lo;
  words[1] = hi;
}

const scratchWords = new Float64Array(2);

/** Canonical value in [0, p) of a reduced element. */
export function canonicalBigInt(a: Float64Array, aOff: number): bigint {
  canonicalWords(a, aOff, scratchWords);
  return BigInt(scratchWords[0]!) + (BigInt(scratchWords[1]!) << 32n);
}

/** Rewrites a reduced element in place as the canonical limbs of its value in [0, p). */
export function canonicalize(a: Float64Array, aOff: number): void {
  canonicalWords(a, aOff, scratchWords);
  const lo = scratchWords[0]!, hi = scratchWords[1]!;
  a[aOff] = lo % RADIX;
  a[aOff + 1] = Math.floor(lo * INV_RADIX) + (hi % 4096) * 1024;
  a[aOff + 2] = Math.floor(hi / 4096);
}

/** Writes the canonical value of a reduced element as 8 little-endian bytes at `bytes[at..at+8)`. */
export function writeCanonicalLe(bytes: Uint8Array, at: number, a: Float64Array, aOff: number): void {
  canonicalWords(a, aOff, scratchWords);
  const lo = scratchWords[0]!, hi = scratchWords[1]!;
  bytes[at] = lo & 0xff;
  bytes[at + 1] = (lo >>> 8) & 0xff;
  bytes[at + 2] = (lo >>> 16) & 0xff;
  bytes[at + 3] = lo >>> 24;
  bytes[at + 4] = hi & 0xff;
  bytes[at + 5] = (hi >>> 8) & 0xff;
  bytes[at + 6] = (hi >>> 16) & 0xff;
  bytes[at + 7] = hi >>> 24;
}

/**
 * Reads 8 little-endian bytes as canonical limbs. Returns false, writing nothing, when the value is not below p
 * (a non-canonical encoding).
 */
export function readCanonicalLe(o: Float64Array, oOff: number, bytes: Uint8Array, at: number): boolean {
  const lo = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const hi = (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
  if (hi === 0xffffffff && lo !== 0) return false;
  o[oOff] = lo % RADIX;
  o[oOff + 1] = Math.floor(lo * INV_RADIX) + (hi % 4096) * 1024;
  o[oOff + 2] = Math.floor(hi / 4096);
  return true;
}

/** True when the element is ≡ 0 (mod p). */
export function isZero(a: Float64Array, aOff: number): boolean {
  canonicalWords(a, aOff, scratchWords);
  return scratchWords[0] === 0 && scratchWords[1] === 0;
}

const inv = new Float64Array(9 * LIMBS);

/**
 * o = a^(p−2), the inverse of a, or 0 when a ≡ 0. Same addition chain as upstream `InverseOrZero`
 * (p − 2 = 2^64 − 2^32 − 1).
 */
export function inverseOrZero(o: Float64Array, oOff: number, a: Float64Array, aOff: number): void {
  const X = 0, T2 = 3, T3 = 6, T6 = 9, T12 = 12, T24 = 15, T30 = 18, T31 = 21, T = 24;
  copy(inv, X, a, aOff);
  square(inv, T2, inv, X);
  mul(inv, T2, inv, T2, inv, X); // x^3
  square(inv, T3, inv, T2);
  mul(inv, T3, inv, T3, inv, X); // x^7
  expPowerOf2(inv, T, inv, T3, 3);
  mul(inv, T6, inv, T, inv, T3); // x^(2^6−1)
  expPowerOf2(inv, T, inv, T6, 6);
  mul(inv, T12, inv, T, inv, T6);
  expPowerOf2(inv, T, inv, T12, 12);
  mul(inv, T24, inv, T, inv, T12);
  expPowerOf2(inv, T, inv, T24, 6);
  mul(inv, T30, inv, T, inv, T6);
  square(inv, T, inv, T30);
  mul(inv, T31, inv, T, inv, X); // x^(2^31−1)
  expPowerOf2(inv, T, inv, T31, 32);
  mul(inv, T, inv, T, inv, T31); // x^(2^63 − 2^32 + 2^31 − 1)
  square(inv, T, inv, T);
  mul(o, oOff, inv, T, inv, X); // x^(2^64 − 2^32 − 1) = x^(p − 2)
}

/** a^e mod p for bigint values (used off the hot path). */
export function powBigInt(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % GOLDILOCKS_ORDER) + GOLDILOCKS_ORDER) % GOLDILOCKS_ORDER;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % GOLDILOCKS_ORDER;
    b = (b * b) % GOLDILOCKS_ORDER;
    e >>= 1n;
  }
  return result;
}

const TWO_ADICITY = 32;
const POWER_OF_TWO_GENERATOR = 7277203076849721926n;

/**
 * Square root of a canonical value (Tonelli–Shanks exactly as upstream `SqrtF`, so the same root is returned),
 * or `undefined` when the value is not a square.
 */
export function sqrtBigInt(value: bigint): bigint | undefined {
  const p = GOLDILOCKS_ORDER;
  const x = ((value % p) + p) % p;
  if (x === 0n) return 0n;
  if (powBigInt(x, (p - 1n) >> 1n) !== 1n) return undefined;
  const t = (p - 1n) >> BigInt(TWO_ADICITY);
  let z = POWER_OF_TWO_GENERATOR;
  let w = powBigInt(x, (t - 1n) / 2n);
  let root = (x * w) % p;
  let b = (root * w) % p;
  let v = TWO_ADICITY;
  while (b !== 1n) {
    let k = 0;
    let b2k = b;
    while (b2k !== 1n) {
      b2k = (b2k * b2k) % p;
      k++;
    }
    const j = v - k - 1;
    w = z;
    for (let n = 0; n < j; n++) w = (w * w) % p;
    z = (w * w) % p;
    b = (b * z) % p;
    root = (root * w) % p;
    v = k;
  }
  return root;
}
