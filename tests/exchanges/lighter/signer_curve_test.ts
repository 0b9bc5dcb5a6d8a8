/**
 * Property tests of the ECgFp5 group: group laws on random points, n·G = O, agreement of the three scalar
 * multiplication paths, encode/decode round trips and signed recoding.
 */
import assert from "node:assert/strict";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";
import * as pt from "../../../exchanges/lighter/signer/ecgfp5_point.ts";
import {
  batchToAffine,
  mulGenerator,
  mulPointVarTime,
} from "../../../exchanges/lighter/signer/ecgfp5_scalar_mul.ts";
import { randomScalar, recodeSigned, SCALAR_ORDER } from "../../../exchanges/lighter/signer/scalar_field.ts";
import { P, randomBits, randomFp5 } from "./reference.ts";

const n = SCALAR_ORDER;

function point(k: bigint): pt.Point {
  const o = new pt.Point();
  mulGenerator(o, k);
  return o;
}

function encoding(p: pt.Point): bigint[] {
  const w = fp5.create();
  pt.encode(w, p);
  return fp5.toBigInts(w);
}

function sum(a: pt.Point, b: pt.Point): pt.Point {
  const o = new pt.Point();
  pt.add(o, a, b);
  return o;
}

/** Plain double-and-add from the top bit, as an independent path. */
function doubleAndAdd(p: pt.Point, k: bigint): pt.Point {
  const acc = new pt.Point();
  for (let i = k.toString(2).length - 1; i >= 0; i--) {
    pt.double(acc, acc);
    if ((k >> BigInt(i)) & 1n) pt.add(acc, acc, p);
  }
  return acc;
}

Deno.test("the group order: n·G = O, (n − 1)·G = −G, and 1·G = G", () => {
  const g = pt.generator();
  assert.ok(pt.isNeutral(point(n)));
  const viaWindow = new pt.Point();
  mulPointVarTime(viaWindow, g, n);
  assert.ok(pt.isNeutral(viaWindow));
  assert.deepEqual(encoding(point(n - 1n)), [P - 4n, 0n, 0n, 0n, 0n], "encode(−G) = −encode(G) = −4");
  assert.ok(pt.pointEquals(point(1n), g));
  assert.ok(pt.isNeutral(point(0n)));
  assert.deepEqual(encoding(point(0n)), [0n, 0n, 0n, 0n, 0n]);
});

Deno.test("k·G agrees across the fixed-base table, the variable-base window and double-and-add", () => {
  const g = pt.generator();
  const ks = [2n, 15n, 16n, 17n, 31n, 32n, 33n, (1n << 318n) + 12345n, n - 2n];
  for (let i = 0; i < 6; i++) ks.push(randomScalar());
  for (const k of ks) {
    const a = point(k);
    const b = new pt.Point();
    mulPointVarTime(b, g, k);
    assert.ok(pt.pointEquals(a, b), `window ${k}`);
    if (ks.indexOf(k) < 12) assert.ok(pt.pointEquals(a, doubleAndAdd(g, k)), `double-and-add ${k}`);
  }
});

Deno.test("scalar multiplication is a homomorphism: aG + bG = (a + b)G, a(bG) = (ab)G", () => {
  for (let i = 0; i < 8; i++) {
    const a = randomScalar(), b = randomScalar();
    assert.ok(pt.pointEquals(sum(point(a), point(b)), point((a + b) % n)));
    const ab = new pt.Point();
    mulPointVarTime(ab, point(b), a);
    assert.ok(pt.pointEquals(ab, point((a * b) % n)));
  }
});

Deno.test("group laws on random points: associativity, commutativity, neutral, inverse, doubling", () => {
  const o = new pt.Point();
  for (let i = 0; i < 10; i++) {
    const p = point(randomScalar()), q = point(randomScalar()), r = point(randomScalar());
    assert.ok(pt.pointEquals(sum(sum(p, q), r), sum(p, sum(q, r))), "(P + Q) + R = P + (Q + R)");
    assert.ok(pt.pointEquals(sum(p, q), sum(q, p)), "P + Q = Q + P");
    assert.ok(pt.pointEquals(sum(p, o), p), "P + O = P");
    const minus = new pt.Point();
    pt.copyPoint(minus, p);
    fp5.neg(minus.u, minus.u);
    fp5.normalize(minus.u, minus.u);
    assert.ok(pt.isNeutral(sum(p, minus)), "P + (−P) = O");
    const d = new pt.Point();
    pt.double(d, p);
    assert.ok(pt.pointEquals(d, sum(p, p)), "2P = P + P");
    pt.mdouble(d, p, 5);
    assert.ok(pt.pointEquals(d, doubleAndAdd(p, 32n)), "32P");
    assert.ok(!pt.pointEquals(p, q));
  }
});

Deno.test("affine conversion and mixed addition", () => {
  const points = [0, 1, 2, 3, 4].map(() => point(randomScalar()));
  points.push(new pt.Point()); // the neutral converts to (0, 0)
  const table = new Float64Array(points.length * 30);
  batchToAffine(points, table, 0);
  const base = point(randomScalar());
  points.forEach((q, i) => {
    const x = table.slice(30 * i, 30 * i + 15), u = table.slice(30 * i + 15, 30 * i + 30);
    const o = new pt.Point();
    pt.addAffine(o, base, x, u);
    assert.ok(pt.pointEquals(o, sum(base, q)), `affine ${i}`);
  });
});

Deno.test("encode then decode is the identity on random points; decode(w) re-encodes to w", () => {
  const o = new pt.Point();
  for (let i = 0; i < 20; i++) {
    const p = point(randomScalar());
    const w = fp5.create();
    pt.encode(w, p);
    assert.ok(pt.decode(o, w));
    assert.ok(pt.pointEquals(o, p));
    assert.deepEqual(encoding(o), fp5.toBigInts(w));
  }
  let decodable = 0, rejected = 0;
  for (let i = 0; i < 40; i++) {
    const w = fp5.fromBigInts(randomFp5());
    if (pt.decode(o, w)) {
      decodable++;
      assert.deepEqual(encoding(o), fp5.toBigInts(w));
    } else {
      rejected++;
      assert.ok(pt.isNeutral(o));
    }
  }
  assert.ok(decodable > 5 && rejected > 5, `about half of random w decode (${decodable}/${rejected})`);
});

Deno.test("signed recoding reconstructs the scalar with digits in range", () => {
  for (const w of [4, 5, 6]) {
    const count = Math.ceil(320 / w);
    for (let i = 0; i < 200; i++) {
      const k = i === 0 ? (1n << 319n) - 1n : randomBits(319);
      const digits = recodeSigned(k, w, count);
      let v = 0n;
      for (let j = count - 1; j >= 0; j--) {
        const d = digits[j]!;
        assert.ok(d >= -(2 ** (w - 1) - 1) && d <= 2 ** (w - 1), `digit ${d}`);
        v = (v << BigInt(w)) + BigInt(d);
      }
      assert.equal(v, k);
      assert.ok(digits[count - 1]! >= 0);
    }
  }
});
