/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto field/goldilocks_quintic_extension/goldilocks_quintic_extension.go.
 * Changed: coefficients use the limb form of goldilocks_field.ts and products are reduced once per coefficient.
 */

/**
 * The quintic extension GF(p^5) = GF(p)[X]/(X^5 − 3) of the Goldilocks field, the coordinate field of ECgFp5.
 *
 * An element is a `Float64Array` of 15 numbers: five Goldilocks coefficients `a0..a4` (of 1, X, …, X^4), each
 * in the three-limb form of `goldilocks_field.ts`. {@linkcode mul} and {@linkcode square} return reduced
 * elements. {@linkcode add}, {@linkcode sub}, {@linkcode neg} and {@linkcode double} are lazy: they add limbs
 * without reducing, so the result is a sum of several reduced elements; callers keep within the bound each
 * multiplication states, or call {@linkcode normalize}.
 * @module
 */

import * as gl from "./goldilocks_field.ts";

/** An element of GF(p^5): five coefficients × three limbs. */
export type Fp5 = Float64Array;

/** Number of numbers in one element. */
export const FP5_SIZE = 15;

/** Number of bytes in the canonical encoding (five little-endian u64). */
export const FP5_BYTES = 40;

/** A new zero element. */
export function create(): Fp5 {
  return new Float64Array(FP5_SIZE);
}

/** A new element from five coefficients given as bigints (reduced mod p). */
export function fromBigInts(values: readonly bigint[]): Fp5 {
  const o = create();
  setBigInts(o, values);
  return o;
}

/** Sets the five coefficients from bigints (reduced mod p). */
export function setBigInts(o: Fp5, values: readonly bigint[]): void {
  if (values.length !== 5) throw new RangeError(`GF(p^5) element needs 5 coefficients, got ${values.length}`);
  for (let i = 0; i < 5; i++) gl.setBigInt(o, 3 * i, values[i]!);
}

/** The five canonical coefficients in [0, p). */
export function toBigInts(a: Fp5): bigint[] {
  const r: bigint[] = [];
  for (let i = 0; i < 5; i++) r.push(gl.canonicalBigInt(a, 3 * i));
  return r;
}

/** o = a. */
export function copy(o: Fp5, a: Fp5): void {
  o.set(a);
}

/** o = 0. */
export function setZero(o: Fp5): void {
  o.fill(0);
}

/** o = 1. */
export function setOne(o: Fp5): void {
  o.fill(0);
  o[0] = 1;
}

/** o = a + b, lazy (not reduced). */
export function add(o: Fp5, a: Fp5, b: Fp5): void {
  for (let i = 0; i < FP5_SIZE; i++) o[i] = a[i]! + b[i]!;
}

/** o = a − b, lazy (not reduced). */
export function sub(o: Fp5, a: Fp5, b: Fp5): void {
  for (let i = 0; i < FP5_SIZE; i++) o[i] = a[i]! - b[i]!;
}

/** o = −a, lazy (limbs negated; same bound as a). */
export function neg(o: Fp5, a: Fp5): void {
  for (let i = 0; i < FP5_SIZE; i++) o[i] = -a[i]!;
}

/** o = 2a, lazy (not reduced). */
export function double(o: Fp5, a: Fp5): void {
  for (let i = 0; i < FP5_SIZE; i++) o[i] = 2 * a[i]!;
}

/** o = a reduced; the limbs of a must be integers below 2^45 in magnitude. */
export function normalize(o: Fp5, a: Fp5): void {
  if (o !== a) o.set(a);
  for (let i = 0; i < FP5_SIZE; i += 3) gl.normalize(o, i);
}

const reduceColumns = gl.reduceColumns;

/**
 * o = a·b. If a is at most α reduced elements summed and b at most β, α·β must be ≤ 12: the largest column of
 * a coefficient sums 39 limb products (weight 1 + 3·4 and three products per column), and 39·12·r² < 2^53.
 * `o` may alias `a` or `b`.
 */
export function mul(o: Fp5, a: Fp5, b: Fp5): void {
  const a00 = a[0]!, a01 = a[1]!, a02 = a[2]!;
  const a10 = a[3]!, a11 = a[4]!, a12 = a[5]!;
  const a20 = a[6]!, a21 = a[7]!, a22 = a[8]!;
  const a30 = a[9]!, a31 = a[10]!, a32 = a[11]!;
  const a40 = a[12]!, a41 = a[13]!, a42 = a[14]!;
  const b00 = b[0]!, b01 = b[1]!, b02 = b[2]!;
  const b10 = b[3]!, b11 = b[4]!, b12 = b[5]!;
  const b20 = b[6]!, b21 = b[7]!, b22 = b[8]!;
  const b30 = b[9]!, b31 = b[10]!, b32 = b[11]!;
  const b40 = b[12]!, b41 = b[13]!, b42 = b[14]!;
  const t10 = 3 * b10, t11 = 3 * b11, t12 = 3 * b12;
  const t20 = 3 * b20, t21 = 3 * b21, t22 = 3 * b22;
  const t30 = 3 * b30, t31 = 3 * b31, t32 = 3 * b32;
  const t40 = 3 * b40, t41 = 3 * b41, t42 = 3 * b42;
  reduceColumns(
    o,
    0,
    a00 * b00 + a10 * t40 + a20 * t30 + a30 * t20 + a40 * t10,
    a00 * b01 + a01 * b00 + a10 * t41 + a11 * t40 + a20 * t31 + a21 * t30 + a30 * t21 + a31 * t20 +
      a40 * t11 + a41 * t10,
    a00 * b02 + a01 * b01 + a02 * b00 + a10 * t42 + a11 * t41 + a12 * t40 + a20 * t32 + a21 * t31 +
      a22 * t30 + a30 * t22 + a31 * t21 + a32 * t20 + a40 * t12 + a41 * t11 + a42 * t10,
    a01 * b02 + a02 * b01 + a11 * t42 + a12 * t41 + a21 * t32 + a22 * t31 + a31 * t22 + a32 * t21 +
      a41 * t12 + a42 * t11,
    a02 * b02 + a12 * t42 + a22 * t32 + a32 * t22 + a42 * t12,
  );
  reduceColumns(
    o,
    3,
    a00 * b10 + a10 * b00 + a20 * t40 + a30 * t30 + a40 * t20,
    a00 * b11 + a01 * b10 + a10 * b01 + a11 * b00 + a20 * t41 + a21 * t40 + a30 * t31 + a31 * t30 +
      a40 * t21 + a41 * t20,
    a00 * b12 + a01 * b11 + a02 * b10 + a10 * b02 + a11 * b01 + a12 * b00 + a20 * t42 + a21 * t41 +
      a22 * t40 + a30 * t32 + a31 * t31 + a32 * t30 + a40 * t22 + a41 * t21 + a42 * t20,
    a01 * b12 + a02 * b11 + a11 * b02 + a12 * b01 + a21 * t42 + a22 * t41 + a31 * t32 + a32 * t31 +
      a41 * t22 + a42 * t21,
    a02 * b12 + a12 * b02 + a22 * t42 + a32 * t32 + a42 * t22,
  );
  reduceColumns(
    o,
    6,
    a00 * b20 + a10 * b10 + a20 * b00 + a30 * t40 + a40 * t30,
    a00 * b21 + a01 * b20 + a10 * b11 + a11 * b10 + a20 * b01 + a21 * b00 + a30 * t41 + a31 * t40 +
      a40 * t31 + a41 * t30,
    a00 * b22 + a01 * b21 + a02 * b20 + a10 * b12 + a11 * b11 + a12 * b10 + a20 * b02 + a21 * b01 +
      a22 * b00 + a30 * t42 + a31 * t41 + a32 * t40 + a40 * t32 + a41 * t31 + a42 * t30,
    a01 * b22 + a02 * b21 + a11 * b12 + a12 * b11 + a21 * b02 + a22 * b01 + a31 * t42 + a32 * t41 +
      a41 * t32 + a42 * t31,
    a02 * b22 + a12 * b12 + a22 * b02 + a32 * t42 + a42 * t32,
  );
  reduceColumns(
    o,
    9,
    a00 * b30 + a10 * b20 + a20 * b10 + a30 * b00 + a40 * t40,
    a00 * b31 + a01 * b30 + a10 * b21 + a11 * b20 + a20 * b11 + a21 * b10 + a30 * b01 + a31 * b00 +
      a40 * t41 + a41 * t40,
    a00 * b32 + a01 * b31 + a02 * b30 + a10 * b22 + a11 * b21 + a12 * b20 + a20 * b12 + a21 * b11 +
      a22 * b10 + a30 * b02 + a31 * b01 + a32 * b00 + a40 * t42 + a41 * t41 + a42 * t40,
    a01 * b32 + a02 * b31 + a11 * b22 + a12 * b21 + a21 * b12 + a22 * b11 + a31 * b02 + a32 * b01 +
      a41 * t42 + a42 * t41,
    a02 * b32 + a12 * b22 + a22 * b12 + a32 * b02 + a42 * t42,
  );
  reduceColumns(
    o,
    12,
    a00 * b40 + a10 * b30 + a20 * b20 + a30 * b10 + a40 * b00,
    a00 * b41 + a01 * b40 + a10 * b31 + a11 * b30 + a20 * b21 + a21 * b20 + a30 * b11 + a31 * b10 +
      a40 * b01 + a41 * b00,
    a00 * b42 + a01 * b41 + a02 * b40 + a10 * b32 + a11 * b31 + a12 * b30 + a20 * b22 + a21 * b21 +
      a22 * b20 + a30 * b12 + a31 * b11 + a32 * b10 + a40 * b02 + a41 * b01 + a42 * b00,
    a01 * b42 + a02 * b41 + a11 * b32 + a12 * b31 + a21 * b22 + a22 * b21 + a31 * b12 + a32 * b11 +
      a41 * b02 + a42 * b01,
    a02 * b42 + a12 * b32 + a22 * b22 + a32 * b12 + a42 * b02,
  );
}

/** o = a². a may be at most three reduced elements summed. `o` may alias `a`. */
export function square(o: Fp5, a: Fp5): void {
  const a00 = a[0]!, a01 = a[1]!, a02 = a[2]!;
  const a10 = a[3]!, a11 = a[4]!, a12 = a[5]!;
  const a20 = a[6]!, a21 = a[7]!, a22 = a[8]!;
  const a30 = a[9]!, a31 = a[10]!, a32 = a[11]!;
  const a40 = a[12]!, a41 = a[13]!, a42 = a[14]!;
  const d00 = 2 * a00, d01 = 2 * a01, d02 = 2 * a02;
  const d10 = 2 * a10, d11 = 2 * a11, d12 = 2 * a12;
  const s30 = 6 * a30, s31 = 6 * a31, s32 = 6 * a32;
  const s40 = 6 * a40, s41 = 6 * a41, s42 = 6 * a42;
  const h30 = 3 * a30, h31 = 3 * a31, h32 = 3 * a32;
  const h40 = 3 * a40, h41 = 3 * a41, h42 = 3 * a42;
  reduceColumns(
    o,
    0,
    a00 * a00 + a10 * s40 + a20 * s30,
    2 * a00 * a01 + a10 * s41 + a11 * s40 + a20 * s31 + a21 * s30,
    2 * a00 * a02 + a01 * a01 + a10 * s42 + a11 * s41 + a12 * s40 + a20 * s32 + a21 * s31 + a22 * s30,
    2 * a01 * a02 + a11 * s42 + a12 * s41 + a21 * s32 + a22 * s31,
    a02 * a02 + a12 * s42 + a22 * s32,
  );
  reduceColumns(
    o,
    3,
    d00 * a10 + a20 * s40 + a30 * h30,
    d00 * a11 + d01 * a10 + a20 * s41 + a21 * s40 + a30 * h31 + a31 * h30,
    d00 * a12 + d01 * a11 + d02 * a10 + a20 * s42 + a21 * s41 + a22 * s40 + a30 * h32 + a31 * h31 + a32 * h30,
    d01 * a12 + d02 * a11 + a21 * s42 + a22 * s41 + a31 * h32 + a32 * h31,
    d02 * a12 + a22 * s42 + a32 * h32,
  );
  reduceColumns(
    o,
    6,
    d00 * a20 + a10 * a10 + a30 * s40,
    d00 * a21 + d01 * a20 + 2 * a10 * a11 + a30 * s41 + a31 * s40,
    d00 * a22 + d01 * a21 + d02 * a20 + 2 * a10 * a12 + a11 * a11 + a30 * s42 + a31 * s41 + a32 * s40,
    d01 * a22 + d02 * a21 + 2 * a11 * a12 + a31 * s42 + a32 * s41,
    d02 * a22 + a12 * a12 + a32 * s42,
  );
  reduceColumns(
    o,
    9,
    d00 * a30 + d10 * a20 + a40 * h40,
    d00 * a31 + d01 * a30 + d10 * a21 + d11 * a20 + a40 * h41 + a41 * h40,
    d00 * a32 + d01 * a31 + d02 * a30 + d10 * a22 + d11 * a21 + d12 * a20 + a40 * h42 + a41 * h41 + a42 * h40,
    d01 * a32 + d02 * a31 + d11 * a22 + d12 * a21 + a41 * h42 + a42 * h41,
    d02 * a32 + d12 * a22 + a42 * h42,
  );
  reduceColumns(
    o,
    12,
    d00 * a40 + d10 * a30 + a20 * a20,
    d00 * a41 + d01 * a40 + d10 * a31 + d11 * a30 + 2 * a20 * a21,
    d00 * a42 + d01 * a41 + d02 * a40 + d10 * a32 + d11 * a31 + d12 * a30 + 2 * a20 * a22 + a21 * a21,
    d01 * a42 + d02 * a41 + d11 * a32 + d12 * a31 + 2 * a21 * a22,
    d02 * a42 + d12 * a32 + a22 * a22,
  );
}

/** o = a·s where s is a Goldilocks element at `s[sOff..sOff+3)`; a up to 12 reduced elements summed. */
export function mulBase(o: Fp5, a: Fp5, s: Float64Array, sOff: number): void {
  for (let i = 0; i < FP5_SIZE; i += 3) gl.mul(o, i, a, i, s, sOff);
}

/** o = a^(2^n) by n squarings. */
export function expPowerOf2(o: Fp5, a: Fp5, n: number): void {
  if (o !== a) o.set(a);
  for (let i = 0; i < n; i++) square(o, o);
}

// φ^c(x)_i = x_i · DTH_ROOT^(c·i), with DTH_ROOT a primitive 5th root of unity.
const DTH_ROOT = 1041288259238279555n;
const FROBENIUS = (() => {
  const table = new Float64Array(5 * FP5_SIZE);
  for (let c = 0; c < 5; c++) {
    const z0 = gl.powBigInt(DTH_ROOT, BigInt(c));
    for (let i = 0; i < 5; i++) gl.setBigInt(table, c * FP5_SIZE + 3 * i, gl.powBigInt(z0, BigInt(i)));
  }
  return table;
})();

/** o = φ^count(a), the Frobenius map a ↦ a^p applied `count` times. a up to 160 reduced elements summed. */
export function frobenius(o: Fp5, a: Fp5, count: number): void {
  const c = ((count % 5) + 5) % 5;
  if (c === 0) {
    if (o !== a) o.set(a);
    return;
  }
  const base = c * FP5_SIZE;
  gl.copy(o, 0, a, 0);
  gl.normalize(o, 0);
  for (let i = 3; i < FP5_SIZE; i += 3) gl.mul(o, i, a, i, FROBENIUS, base + i);
}

const invD = create();
const invE = create();
const invF = create();
const invG = create();

/**
 * o = a^(−1), or 0 when a = 0, through the norm: with d = φ(a), e = d·φ(d), f = e·φ²(e), the product a·f
 * lies in GF(p) and a^(−1) = f·(a·f)^(−1). `o` may alias `a`; a must be reduced.
 */
export function inverseOrZero(o: Fp5, a: Fp5): void {
  frobenius(invD, a, 1);
  frobenius(invE, invD, 1);
  mul(invE, invD, invE);
  frobenius(invF, invE, 2);
  mul(invF, invE, invF);
  mul(invG, a, invF); // only coefficient 0 is non-zero
  gl.inverseOrZero(invG, 0, invG, 0);
  mulBase(o, invF, invG, 0);
}

const sqV = create();
const sqD = create();
const sqE = create();
const sqT = create();

/**
 * Writes a square root of a into o and returns true, or returns false when a is not a square. Follows
 * upstream `Sqrt` step by step so that the same root is returned. a must be reduced.
 */
export function sqrt(o: Fp5, a: Fp5): boolean {
  expPowerOf2(sqV, a, 31);
  expPowerOf2(sqD, sqV, 32);
  mul(sqD, sqD, a);
  inverseOrZero(sqT, sqV);
  mul(sqD, sqD, sqT);
  frobenius(sqT, sqD, 2);
  mul(sqT, sqD, sqT);
  frobenius(sqE, sqT, 1);
  square(sqT, sqE);
  mul(sqT, a, sqT); // coefficient 0 = a0 f0 + 3(a1 f4 + a2 f3 + a3 f2 + a4 f1), an element of GF(p)
  const root = gl.sqrtBigInt(gl.canonicalBigInt(sqT, 0));
  if (root === undefined) return false;
  inverseOrZero(sqT, sqE);
  gl.setBigInt(sqV, 0, root);
  mulBase(o, sqT, sqV, 0);
  return true;
}

/**
 * Upstream `Sgn0`: true when the canonical coefficient a0 is even (zero counts as even). Kept as upstream
 * defines it, because it selects which square root {@linkcode canonicalSqrt} returns.
 */
export function sgn0(a: Fp5): boolean {
  return (gl.canonicalBigInt(a, 0) & 1n) === 0n;
}

/** Like {@linkcode sqrt}, but returns the root upstream calls canonical (negated when {@linkcode sgn0} holds). */
export function canonicalSqrt(o: Fp5, a: Fp5): boolean {
  if (!sqrt(o, a)) return false;
  if (sgn0(o)) {
    neg(o, o);
    normalize(o, o);
  }
  return true;
}

const lgF1 = create();
const lgF2 = create();
const lgX = create();
const lgS = new Float64Array(6);

/**
 * Legendre symbol of a: 0 for zero, 1 for a non-zero square, −1 otherwise. Computes the norm
 * a·φ(a)·φ²(a)·φ³(a)·φ⁴(a) ∈ GF(p) and raises it to (p − 1)/2 = 2^63 − 2^31 as upstream does.
 */
export function legendre(a: Fp5): -1 | 0 | 1 {
  frobenius(lgF1, a, 1);
  frobenius(lgF2, lgF1, 1);
  mul(lgF1, lgF1, lgF2);
  frobenius(lgF2, lgF1, 2);
  mul(lgX, a, lgF1);
  mul(lgX, lgX, lgF2);
  gl.expPowerOf2(lgS, 0, lgX, 0, 31);
  gl.expPowerOf2(lgS, 3, lgS, 0, 32);
  gl.inverseOrZero(lgS, 0, lgS, 0);
  gl.mul(lgS, 0, lgS, 3, lgS, 0);
  const symbol = gl.canonicalBigInt(lgS, 0);
  if (symbol === 0n) return 0;
  if (symbol === 1n) return 1;
  if (symbol === gl.GOLDILOCKS_ORDER - 1n) return -1;
  throw new Error("GF(p^5) Legendre symbol out of range: the field arithmetic is broken");
}

/** True when a ≡ 0. a must be reduced. */
export function isZero(a: Fp5): boolean {
  for (let i = 0; i < FP5_SIZE; i += 3) if (!gl.isZero(a, i)) return false;
  return true;
}

const eqT = create();

/** True when a ≡ b. Both must be reduced. */
export function equals(a: Fp5, b: Fp5): boolean {
  sub(eqT, a, b);
  normalize(eqT, eqT);
  return isZero(eqT);
}

/** Writes the canonical 40-byte little-endian encoding of a (reduced) at `bytes[at..at+40)`. */
export function writeBytes(bytes: Uint8Array, at: number, a: Fp5): void {
  for (let i = 0; i < 5; i++) gl.writeCanonicalLe(bytes, at + 8 * i, a, 3 * i);
}

/** The canonical 40-byte little-endian encoding of a (reduced). */
export function toBytes(a: Fp5): Uint8Array {
  const bytes = new Uint8Array(FP5_BYTES);
  writeBytes(bytes, 0, a);
  return bytes;
}

/**
 * Reads a 40-byte little-endian encoding at `bytes[at..at+40)`. Returns false when a coefficient is not below p
 * (non-canonical); o is then left unspecified.
 */
export function readCanonicalBytes(o: Fp5, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 5; i++) if (!gl.readCanonicalLe(o, 3 * i, bytes, at + 8 * i)) return false;
  return true;
}
