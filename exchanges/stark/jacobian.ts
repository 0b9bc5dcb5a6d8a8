/**
 * Stark-curve point arithmetic in Jacobian coordinates, specialised for summing many affine points into one
 * accumulator (the inner loop of the Pedersen hash).
 *
 * The curve is y² = x³ + x + β over the Stark prime. A Jacobian point (X, Y, Z) stands for the affine point
 * (X/Z², Y/Z³); Z = 0 is the point at infinity. Adding an affine point costs 8 multiplications and 3 squarings
 * and needs no inversion; one inversion at the end recovers the affine x. Every case is handled (doubling,
 * opposite points, infinity), so a sum is exact whatever the inputs.
 * @module
 */
import { invert } from "@noble/curves/abstract/modular.js";
import { FIELD_PRIME } from "./felt.ts";

const P = FIELD_PRIME;

/** A mutable Jacobian point: affine (x/z², y/z³), or infinity when z = 0. Coordinates are kept in [0, p). */
export interface JacobianPoint {
  /** X (affine x = X/Z²). */
  x: bigint;
  /** Y (affine y = Y/Z³). */
  y: bigint;
  /** Z; 0 for the point at infinity. */
  z: bigint;
}

/** A Jacobian point equal to the affine point (x, y). */
export function fromAffine(x: bigint, y: bigint): JacobianPoint {
  return { x, y, z: 1n };
}

/** Adds the affine point (qx, qy) to `acc` in place. */
export function addAffine(acc: JacobianPoint, qx: bigint, qy: bigint): void {
  const x1 = acc.x;
  const y1 = acc.y;
  const z1 = acc.z;
  if (z1 === 0n) {
    acc.x = qx;
    acc.y = qy;
    acc.z = 1n;
    return;
  }
  const z1z1 = (z1 * z1) % P;
  let h = ((qx * z1z1) % P) - x1;
  if (h < 0n) h += P;
  let r = ((((qy * z1) % P) * z1z1) % P) - y1;
  if (r < 0n) r += P;
  if (h === 0n) {
    // Same x: either the same point (double it) or its opposite (the sum is infinity).
    if (r === 0n) double(acc);
    else acc.z = 0n;
    return;
  }
  const hh = (h * h) % P;
  const hhh = (hh * h) % P;
  const v = (x1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (r * (v - x3) - y1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  acc.x = x3;
  acc.y = y3;
  acc.z = (z1 * h) % P;
}

/** Doubles `acc` in place (curve coefficient a = 1). */
export function double(acc: JacobianPoint): void {
  const { x, y, z } = acc;
  if (z === 0n || y === 0n) {
    acc.z = 0n;
    return;
  }
  const xx = (x * x) % P;
  const yy = (y * y) % P;
  const zz = (z * z) % P;
  const s = (4n * x * yy) % P;
  const m = (3n * xx + zz * zz) % P;
  let x3 = (m * m - 2n * s) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (m * (s - x3) - 8n * yy * yy) % P;
  if (y3 < 0n) y3 += P;
  acc.x = x3;
  acc.y = y3;
  acc.z = (2n * y * z) % P;
}

/** The affine x of `acc`; throws if `acc` is the point at infinity, which has none. */
export function affineX(acc: JacobianPoint): bigint {
  if (acc.z === 0n) throw new RangeError("The point at infinity has no affine x coordinate");
  return (acc.x * invert((acc.z * acc.z) % P, P)) % P;
}

/**
 * Affine coordinates of many points with a single inversion (Montgomery's trick).
 * @throws RangeError if a point is at infinity
 */
export function toAffineBatch(points: readonly JacobianPoint[]): { xs: bigint[]; ys: bigint[] } {
  const n = points.length;
  const prefix = new Array<bigint>(n);
  let running = 1n;
  for (let i = 0; i < n; i++) {
    const z = points[i]!.z;
    if (z === 0n) throw new RangeError(`Point ${i} is at infinity and has no affine coordinates`);
    prefix[i] = running;
    running = (running * z) % P;
  }
  let inv = invert(running, P);
  const xs = new Array<bigint>(n);
  const ys = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    const p = points[i]!;
    const zInv = (inv * prefix[i]!) % P;
    inv = (inv * p.z) % P;
    const zInv2 = (zInv * zInv) % P;
    xs[i] = (p.x * zInv2) % P;
    ys[i] = (((p.y * zInv2) % P) * zInv) % P;
  }
  return { xs, ys };
}

/** The affine coordinates of `acc`, or `undefined` for the point at infinity. */
export function toAffine(acc: JacobianPoint): { x: bigint; y: bigint } | undefined {
  if (acc.z === 0n) return undefined;
  const zInv = invert(acc.z, P);
  const zInv2 = (zInv * zInv) % P;
  return { x: (acc.x * zInv2) % P, y: (((acc.y * zInv2) % P) * zInv) % P };
}
