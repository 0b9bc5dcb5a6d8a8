/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto curve/ecgfp5/point.go and affine_point.go (Pornin's ecgfp5).
 * Changed: points are mutable and written into caller-provided outputs; the limb bounds of each lazy sum are noted.
 */

/**
 * Points of the ECgFp5 group: the curve y² = x(x² + 2x + 263·X) over GF(p^5), a prime-order group with the
 * group law P ⊕ Q = P + Q + N (N = (0, 0)), in fractional (x, u) = (X/Z, U/T) coordinates with u = x/y.
 *
 * Formulas are upstream's complete ones (no special case for the neutral element or for P = Q). Every point
 * stored in a {@linkcode Point} has reduced coordinates; comments give the size of each lazy sum in units of
 * reduced elements to show that each product stays exact (see `quintic_extension.ts`).
 * @module
 */

import * as gl from "./goldilocks_field.ts";
import * as fp5 from "./quintic_extension.ts";
import type { Fp5 } from "./quintic_extension.ts";

/** A group element in projective fractional coordinates (X : Z : U : T). */
export class Point {
  /** X. */
  readonly x: Fp5 = fp5.create();
  /** Z. */
  readonly z: Fp5 = fp5.create();
  /** U. */
  readonly u: Fp5 = fp5.create();
  /** T. */
  readonly t: Fp5 = fp5.create();

  /** A new point, the neutral element unless coordinates are copied in. */
  constructor() {
    setNeutral(this);
  }
}

/** An affine point (x, u) with Z = T = 1, as stored in precomputed windows. */
export interface AffinePoint {
  /** x. */
  readonly x: Fp5;
  /** u. */
  readonly u: Fp5;
}

/** x coordinate of the generator (upstream `GENERATOR_ECgFp5Point`); Z = U = 1, T = 4. */
const GENERATOR_X = [
  12883135586176881569n,
  4356519642755055268n,
  5248930565894896907n,
  2165973894480315022n,
  2448410071095648785n,
];

/** o = the neutral element (0 : 1 : 0 : 1). */
export function setNeutral(o: Point): void {
  fp5.setZero(o.x);
  fp5.setOne(o.z);
  fp5.setZero(o.u);
  fp5.setOne(o.t);
}

/** o = the conventional generator G. */
export function setGenerator(o: Point): void {
  fp5.setBigInts(o.x, GENERATOR_X);
  fp5.setOne(o.z);
  fp5.setOne(o.u);
  fp5.setBigInts(o.t, [4n, 0n, 0n, 0n, 0n]);
}

/** A new point holding the generator. */
export function generator(): Point {
  const g = new Point();
  setGenerator(g);
  return g;
}

/** o = p. */
export function copyPoint(o: Point, p: Point): void {
  o.x.set(p.x);
  o.z.set(p.z);
  o.u.set(p.u);
  o.t.set(p.t);
}

/** o = a·(c·X) for 0 < c ≤ 16·263, reduced; a may be up to 4 reduced elements summed (limbs stay below 2^45). */
function mulSmallX(o: Fp5, a: Fp5, c: number): void {
  // a·X = (3·a4, a0, a1, a2, a3) since X^5 = 3.
  const c3 = 3 * c;
  const a40 = a[12]!, a41 = a[13]!, a42 = a[14]!;
  for (let i = 14; i >= 3; i--) o[i] = c * a[i - 3]!;
  o[0] = c3 * a40;
  o[1] = c3 * a41;
  o[2] = c3 * a42;
  fp5.normalize(o, o);
}

const B = 263;

/** True when p is the neutral element (u = 0). */
export function isNeutral(p: Point): boolean {
  return fp5.isZero(p.u);
}

const eqA = fp5.create();
const eqB = fp5.create();

/** True when p and q are the same group element (u1·t2 = u2·t1). */
export function pointEquals(p: Point, q: Point): boolean {
  fp5.mul(eqA, p.u, q.t);
  fp5.mul(eqB, q.u, p.t);
  return fp5.equals(eqA, eqB);
}

const encInv = fp5.create();

/** o = encoding w = T/U of p (0 for the neutral element). */
export function encode(o: Fp5, p: Point): void {
  fp5.inverseOrZero(encInv, p.u);
  fp5.mul(o, p.t, encInv);
}

const A_CURVE = fp5.fromBigInts([2n, 0n, 0n, 0n, 0n]);
const B_MUL4 = fp5.fromBigInts([0n, 4n * 263n, 0n, 0n, 0n]);
const INV_TWO = new Float64Array(3);
gl.setBigInt(INV_TWO, 0, (gl.GOLDILOCKS_ORDER + 1n) / 2n);

const dcE = fp5.create();
const dcDelta = fp5.create();
const dcR = fp5.create();
const dcX1 = fp5.create();
const dcX2 = fp5.create();

/**
 * Decodes an encoding w into o and returns true, or returns false (o set to neutral) when w encodes no group
 * element. With w = y/x the curve equation becomes x² − (w² − a)x + b = 0; of its two roots exactly one is not
 * a square, and that one is the point (upstream `Decode`). Each group element has exactly one encoding, and w
 * must be reduced (canonical byte parsing is the caller's job).
 */
export function decode(o: Point, w: Fp5): boolean {
  fp5.square(dcE, w);
  fp5.sub(dcE, dcE, A_CURVE);
  fp5.normalize(dcE, dcE); // e = w² − a
  fp5.square(dcDelta, dcE);
  fp5.sub(dcDelta, dcDelta, B_MUL4);
  fp5.normalize(dcDelta, dcDelta); // delta = e² − 4b
  const hasRoot = fp5.canonicalSqrt(dcR, dcDelta);
  if (!hasRoot) {
    setNeutral(o);
    return fp5.isZero(w);
  }
  fp5.add(dcX1, dcE, dcR);
  fp5.mulBase(dcX1, dcX1, INV_TWO, 0); // (e + r)/2
  fp5.sub(dcX2, dcE, dcR);
  fp5.mulBase(dcX2, dcX2, INV_TWO, 0); // (e − r)/2
  o.x.set(fp5.legendre(dcX1) === 1 ? dcX2 : dcX1);
  fp5.setOne(o.z);
  fp5.setOne(o.u);
  o.t.set(w);
  return true;
}

const t1 = fp5.create();
const t2 = fp5.create();
const t3 = fp5.create();
const t4 = fp5.create();
const t5 = fp5.create();
const t6 = fp5.create();
const t7 = fp5.create();
const t8 = fp5.create();
const t9 = fp5.create();
const t10 = fp5.create();
const s1 = fp5.create();
const s2 = fp5.create();

/** o = p ⊕ q (upstream `Add`, 10 multiplications). `o` may alias `p` or `q`. */
export function add(o: Point, p: Point, q: Point): void {
  fp5.mul(t1, p.x, q.x);
  fp5.mul(t2, p.z, q.z);
  fp5.mul(t3, p.u, q.u);
  fp5.mul(t4, p.t, q.t);
  fp5.add(s1, p.x, p.z);
  fp5.add(s2, q.x, q.z);
  fp5.mul(t5, s1, s2); // (2)·(2)
  fp5.sub(t5, t5, t1);
  fp5.sub(t5, t5, t2);
  fp5.normalize(t5, t5); // t5 = (x1 + z1)(x2 + z2) − t1 − t2
  fp5.add(s1, p.u, p.t);
  fp5.add(s2, q.u, q.t);
  fp5.mul(t6, s1, s2);
  fp5.sub(t6, t6, t3);
  fp5.sub(t6, t6, t4); // t6 = (u1 + t1)(u2 + t2) − t3 − t4: 3
  mulSmallX(s1, t2, B); // t2·b
  fp5.add(t7, t1, s1); // t7 = t1 + t2·b: 2
  fp5.mul(t8, t4, t7); // (1)·(2)
  mulSmallX(t9, t5, 2 * B);
  fp5.double(s2, t7);
  fp5.add(t9, t9, s2); // t5·2b + 2·t7: 5
  fp5.mul(t9, t3, t9); // (1)·(5)
  fp5.double(t10, t3);
  fp5.add(t10, t10, t4); // t4 + 2·t3: 3
  fp5.add(s2, t5, t7); // t5 + t7: 3
  fp5.mul(t10, t10, s2); // (3)·(3)
  fp5.sub(s1, s1, t1); // t2·b − t1: 2
  fp5.mul(o.u, t6, s1); // (3)·(2)
  fp5.sub(t10, t10, t8);
  mulSmallX(o.x, t10, B); // (t10 − t8)·b
  fp5.sub(o.z, t8, t9);
  fp5.normalize(o.z, o.z);
  fp5.add(o.t, t8, t9);
  fp5.normalize(o.t, o.t);
}

/**
 * o = p ⊕ (x2, u2) for an affine point (upstream `AddAffine`, 8 multiplications). `o` may alias `p`. The affine
 * point may be the neutral (0, 0).
 */
export function addAffine(o: Point, p: Point, x2: Fp5, u2: Fp5): void {
  fp5.mul(t1, p.x, x2);
  fp5.mul(t3, p.u, u2);
  fp5.mul(t5, x2, p.z);
  fp5.add(t5, t5, p.x); // t5 = x1 + x2·z1: 2
  fp5.mul(t6, u2, p.t);
  fp5.add(t6, t6, p.u); // t6 = u1 + u2·t1: 2
  mulSmallX(s1, p.z, B); // z1·b
  fp5.add(t7, t1, s1); // t7 = t1 + z1·b: 2
  fp5.mul(t8, p.t, t7); // (1)·(2)
  mulSmallX(t9, t5, 2 * B);
  fp5.double(s2, t7);
  fp5.add(t9, t9, s2); // 5
  fp5.mul(t9, t3, t9); // (1)·(5)
  fp5.double(t10, t3);
  fp5.add(t10, t10, p.t); // t4 + 2·t3: 3
  fp5.add(s2, t5, t7); // 4
  fp5.mul(t10, t10, s2); // (3)·(4)
  fp5.sub(s1, s1, t1); // 2
  fp5.mul(o.u, t6, s1); // (2)·(2)
  fp5.sub(t10, t10, t8);
  mulSmallX(o.x, t10, B);
  fp5.sub(o.z, t8, t9);
  fp5.normalize(o.z, o.z);
  fp5.add(o.t, t8, t9);
  fp5.normalize(o.t, o.t);
}

/** o = 2p (upstream `SetDouble`, 4M + 5S). `o` may alias `p`. */
export function double(o: Point, p: Point): void {
  fp5.mul(t1, p.z, p.t);
  fp5.mul(t2, t1, p.t);
  fp5.square(t5, t2); // x1 = t2²
  fp5.mul(t6, t1, p.u); // z1 = t1·u
  fp5.square(t3, p.u);
  fp5.add(s1, p.x, p.z);
  fp5.double(s1, s1); // 2(x + z): 4
  fp5.mul(s1, t3, s1); // (1)·(4)
  fp5.sub(t7, t2, s1); // w1 = t2 − t3·2(x + z): 2
  fp5.square(t4, t6); // t4 = z1²
  mulSmallX(o.x, t4, 4 * B);
  fp5.square(o.z, t7); // w1²: (2)
  fp5.add(s1, t7, t6); // w1 + z1: 3
  fp5.square(s1, s1);
  fp5.sub(s1, s1, t4);
  fp5.sub(o.u, s1, o.z);
  fp5.normalize(o.u, o.u);
  fp5.double(s1, t5);
  fp5.sub(s1, s1, o.z);
  fp5.double(s2, t4);
  fp5.double(s2, s2);
  fp5.sub(o.t, s1, s2); // 2·x1 − (4·t4 + Z): 7
  fp5.normalize(o.t, o.t);
}

const B4_MINUS_4 = fp5.fromBigInts([gl.GOLDILOCKS_ORDER - 4n, 4n * 263n, 0n, 0n, 0n]);
const mdX = fp5.create();
const mdW = fp5.create();
const mdZ = fp5.create();

/** o = 2^n·p (upstream `SetMDouble`, n·(2M + 5S) + 2M + 1S). `o` may alias `p`. */
export function mdouble(o: Point, p: Point, n: number): void {
  if (n === 0) {
    if (o !== p) copyPoint(o, p);
    return;
  }
  if (n === 1) {
    double(o, p);
    return;
  }
  fp5.mul(t1, p.z, p.t);
  fp5.mul(t2, t1, p.t);
  fp5.square(t8, t2); // x1
  fp5.mul(t9, t1, p.u); // z1
  fp5.square(t3, p.u);
  fp5.add(s1, p.x, p.z);
  fp5.double(s1, s1);
  fp5.mul(s1, s1, t3); // (4)·(1)
  fp5.sub(t10, t2, s1); // w1: 2
  fp5.square(t4, t10); // (2)
  fp5.square(t5, t9);
  fp5.square(mdX, t5);
  mulSmallX(mdX, mdX, 16 * B);
  fp5.double(s1, t8);
  fp5.double(s2, t5);
  fp5.double(s2, s2);
  fp5.sub(s1, s1, s2);
  fp5.sub(mdW, s1, t4); // 2·x1 − (4·t5 + t4): 7
  fp5.normalize(mdW, mdW);
  fp5.add(s1, t10, t9); // 3
  fp5.square(s1, s1);
  fp5.sub(s1, s1, t4);
  fp5.sub(mdZ, s1, t5);
  fp5.normalize(mdZ, mdZ);
  for (let i = 2; i < n; i++) {
    fp5.square(t1, mdZ);
    fp5.square(t2, t1);
    fp5.square(t3, mdW);
    fp5.square(t4, t3);
    fp5.add(s1, mdW, mdZ); // 2
    fp5.square(s1, s1);
    fp5.sub(s1, s1, t1);
    fp5.sub(t5, s1, t3);
    fp5.normalize(t5, t5);
    fp5.add(s1, mdX, t1);
    fp5.double(s1, s1);
    fp5.sub(s1, s1, t3); // 2(x + t1) − t3: 5
    fp5.mul(mdZ, t5, s1); // (1)·(5)
    fp5.mul(s1, t2, t4);
    mulSmallX(mdX, s1, 16 * B);
    fp5.mul(s1, t2, B4_MINUS_4);
    fp5.add(s1, s1, t4);
    fp5.neg(mdW, s1);
    fp5.normalize(mdW, mdW);
  }
  fp5.square(t1, mdW);
  fp5.square(t2, mdZ);
  fp5.add(s1, mdW, mdZ);
  fp5.square(s1, s1);
  fp5.sub(s1, s1, t1);
  fp5.sub(t3, s1, t2); // 3
  fp5.add(s1, mdX, t2);
  fp5.double(s1, s1);
  fp5.sub(s2, t1, s1);
  fp5.normalize(s2, s2); // w1 = t1 − 2(x + t2)
  fp5.square(s1, t3); // (3)
  mulSmallX(o.x, s1, B);
  fp5.square(o.z, s2);
  fp5.mul(o.u, t3, s2); // (3)·(1)
  fp5.double(s1, t2);
  fp5.sub(s1, t1, s1); // t1 − 2·t2: 3
  fp5.double(t4, t1); // 2
  fp5.mul(t4, t4, s1); // (2)·(3)
  fp5.sub(o.t, t4, o.z);
  fp5.normalize(o.t, o.t);
}
