/**
 * Jacobian mixed addition, doubling and batch normalisation against `@scure/starknet`'s point arithmetic,
 * including the special cases that the Pedersen and signing loops never meet on real inputs.
 */
import assert from "node:assert/strict";
import { Point } from "@scure/starknet";
import {
  addAffine,
  affineX,
  double,
  fromAffine,
  type JacobianPoint,
  toAffine,
  toAffineBatch,
} from "../../../exchanges/stark/jacobian.ts";
import { FixedBaseTable } from "../../../exchanges/stark/fixed_base.ts";
import { STARK_GENERATOR } from "../../../exchanges/stark/ecdsa.ts";
import { CURVE_ORDER, FIELD_PRIME } from "../../../exchanges/stark/felt.ts";
import { SEED, TestRandom } from "./testdata.ts";

function multiple(k: bigint): { x: bigint; y: bigint } {
  return Point.BASE.multiply(k).toAffine();
}

Deno.test(`addAffine equals scure point addition on random points (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 10);
  for (let i = 0; i < 20; i++) {
    const a = rnd.below(CURVE_ORDER - 1n) + 1n;
    const b = rnd.below(CURVE_ORDER - 1n) + 1n;
    const pa = multiple(a);
    const pb = multiple(b);
    const acc = fromAffine(pa.x, pa.y);
    double(acc); // a non-trivial z before the mixed addition
    addAffine(acc, pb.x, pb.y);
    assert.deepEqual(toAffine(acc), multiple((2n * a + b) % CURVE_ORDER));
  }
});

Deno.test("addAffine doubles when adding a point to itself", () => {
  const p = multiple(12345n);
  const acc = fromAffine(p.x, p.y);
  addAffine(acc, p.x, p.y);
  assert.deepEqual(toAffine(acc), multiple(24690n));
});

Deno.test("addAffine gives infinity for opposite points, and infinity + Q = Q", () => {
  const p = multiple(777n);
  const acc = fromAffine(p.x, p.y);
  addAffine(acc, p.x, FIELD_PRIME - p.y);
  assert.equal(acc.z, 0n);
  assert.equal(toAffine(acc), undefined);
  assert.throws(() => affineX(acc), RangeError);
  addAffine(acc, p.x, p.y);
  assert.deepEqual(toAffine(acc), p);
  const inf: JacobianPoint = { x: 1n, y: 1n, z: 0n };
  double(inf);
  assert.equal(inf.z, 0n);
});

Deno.test("toAffineBatch equals one inversion per point, and refuses infinity", () => {
  const points = [3n, 5n, 7n].map((k) => {
    const p = multiple(k);
    const acc = fromAffine(p.x, p.y);
    double(acc);
    return acc;
  });
  const batch = toAffineBatch(points);
  points.forEach((p, i) => assert.deepEqual({ x: batch.xs[i], y: batch.ys[i] }, toAffine(p)));
  assert.throws(() => toAffineBatch([{ x: 1n, y: 1n, z: 0n }]), RangeError);
});

Deno.test(`FixedBaseTable computes k·G for public and secret scalars (seed ${SEED})`, () => {
  const table = new FixedBaseTable(STARK_GENERATOR, 32);
  const rnd = new TestRandom(SEED + 11);
  const start = multiple(99n); // stands in for a point of unknown logarithm
  const scalars = [
    1n,
    255n,
    256n,
    2n ** 248n + 1n,
    CURVE_ORDER - 1n,
    ...Array.from({ length: 8 }, () => rnd.below(CURVE_ORDER)),
  ];
  for (const k of scalars) {
    const pub: JacobianPoint = { x: start.x, y: start.y, z: 1n };
    table.addPublicMultiple(pub, k);
    const secret: JacobianPoint = { x: start.x, y: start.y, z: 1n };
    const dummy: JacobianPoint = { x: start.x, y: start.y, z: 1n };
    table.addSecretMultiple(secret, dummy, k);
    const expected = multiple((k + 99n) % CURVE_ORDER);
    assert.deepEqual(toAffine(pub), expected, `public ${k}`);
    assert.deepEqual(toAffine(secret), expected, `secret ${k}`);
  }
  assert.throws(() => table.addPublicMultiple(fromAffine(start.x, start.y), 2n ** 256n), RangeError);
  assert.throws(() => table.addSecretMultiple(fromAffine(1n, 1n), fromAffine(1n, 1n), -1n), RangeError);
});
