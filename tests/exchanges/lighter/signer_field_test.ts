/**
 * Property tests of the Goldilocks and GF(p^5) arithmetic against a plain bigint model, including inputs at the
 * limb bounds each function documents (where a float64 rounding error would first appear).
 */
import assert from "node:assert/strict";
import * as gl from "../../../exchanges/lighter/signer/goldilocks_field.ts";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";
import {
  fp5MulRef,
  fp5PowRef,
  fp5Value,
  limbValue,
  mod,
  P,
  randomBits,
  randomElement,
  randomFp5,
} from "./reference.ts";

const RADIX = 2 ** 22;
/** Documented bound of a reduced limb: |l| ≤ 2^22 + 2^14. */
const R = RADIX + 2 ** 14;

function assertReduced(a: Float64Array, off: number, what: string): void {
  const l0 = a[off]!, l1 = a[off + 1]!, l2 = a[off + 2]!;
  assert.ok(Number.isInteger(l0) && Number.isInteger(l1) && Number.isInteger(l2), `${what}: integer limbs`);
  assert.ok(
    l0 >= 0 && l0 < RADIX && l1 >= 0 && l1 < RADIX && Math.abs(l2) <= R,
    `${what}: reduced [${l0},${l1},${l2}]`,
  );
}

function randomInt(max: number): number {
  return Math.floor(Math.random() * (max + 1));
}

/** A limb triple with every limb at ±(multiple·R) or random within it, as a lazy sum of `multiple` reduced values. */
function extremeLimbs(o: Float64Array, off: number, multiple: number): void {
  for (let l = 0; l < 3; l++) {
    const bound = multiple * (l < 2 ? RADIX - 1 : R);
    const r = Math.random();
    o[off + l] = r < 0.4 ? bound : r < 0.8 ? -bound : randomInt(2 * bound) - bound;
  }
}

Deno.test("Goldilocks mul and square agree with bigint on random and edge values", () => {
  const a = new Float64Array(3), b = new Float64Array(3), o = new Float64Array(3);
  for (let i = 0; i < 2000; i++) {
    const x = randomElement(), y = randomElement();
    gl.setBigInt(a, 0, x);
    gl.setBigInt(b, 0, y);
    gl.mul(o, 0, a, 0, b, 0);
    assertReduced(o, 0, "mul");
    assert.equal(gl.canonicalBigInt(o, 0), mod(x * y));
    gl.square(o, 0, a, 0);
    assert.equal(gl.canonicalBigInt(o, 0), mod(x * x));
  }
});

Deno.test("Goldilocks mul is exact at its documented input bound (multiples 12 × 12 ≤ 160)", () => {
  const a = new Float64Array(3), b = new Float64Array(3), o = new Float64Array(3);
  for (let i = 0; i < 20000; i++) {
    extremeLimbs(a, 0, 12);
    extremeLimbs(b, 0, 12);
    gl.mul(o, 0, a, 0, b, 0);
    assertReduced(o, 0, "mul");
    assert.equal(limbValue(o, 0), mod(limbValue(a, 0) * limbValue(b, 0)));
  }
});

Deno.test("reduceColumns handles columns up to ±(2^53 − 2^34) exactly", () => {
  const o = new Float64Array(3);
  const max = 2 ** 53 - 2 ** 34;
  for (let i = 0; i < 20000; i++) {
    const c = [0, 1, 2, 3, 4].map(() => {
      const r = Math.random();
      return r < 0.3 ? max : r < 0.6 ? -max : Math.round((Math.random() * 2 - 1) * max);
    });
    gl.reduceColumns(o, 0, c[0]!, c[1]!, c[2]!, c[3]!, c[4]!);
    assertReduced(o, 0, "reduceColumns");
    const expected = mod(c.reduce((acc, x, m) => acc + (BigInt(x) << BigInt(22 * m)), 0n));
    assert.equal(limbValue(o, 0), expected);
  }
});

Deno.test("normalize reduces limbs up to ±(2^45 − 1) exactly", () => {
  const a = new Float64Array(3);
  const max = 2 ** 45 - 1;
  for (let i = 0; i < 3000; i++) {
    for (let l = 0; l < 3; l++) {
      a[l] = Math.random() < 0.5 ? (Math.random() < 0.5 ? max : -max) : randomInt(2 * max) - max;
    }
    const before = limbValue(a, 0);
    gl.normalize(a, 0);
    assertReduced(a, 0, "normalize");
    assert.equal(limbValue(a, 0), before);
  }
});

Deno.test("canonical bytes round-trip and non-canonical bytes are refused", () => {
  const a = new Float64Array(3);
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 2000; i++) {
    const x = randomElement();
    // Every other time write x + p, a non-canonical representation within the reduced bound.
    const repr = i % 2 === 0 ? x + P : x;
    a[0] = Number(repr & 0x3fffffn);
    a[1] = Number((repr >> 22n) & 0x3fffffn);
    a[2] = Number(repr >> 44n);
    gl.writeCanonicalLe(bytes, 0, a, 0);
    let v = 0n;
    for (let j = 7; j >= 0; j--) v = (v << 8n) | BigInt(bytes[j]!);
    assert.equal(v, x);
    const back = new Float64Array(3);
    assert.ok(gl.readCanonicalLe(back, 0, bytes, 0));
    assertReduced(back, 0, "readCanonicalLe");
    assert.equal(gl.canonicalBigInt(back, 0), x);
    gl.canonicalize(back, 0);
    assert.equal(limbValue(back, 0), x);
  }
  // Values whose limbs put the element at or above p, or below 0, canonicalise correctly.
  const odd = new Float64Array(3);
  for (
    const [l0, l1, l2, value] of [
      [1, 0, 2 ** 20, mod((1n << 64n) + 1n)],
      [0, 0, 2 ** 22 + 4, mod((2n ** 22n + 4n) << 44n)],
      [0, 0, -1, mod(-(1n << 44n))],
      [RADIX - 1, RADIX - 1, -(2 ** 13), mod(BigInt(RADIX - 1) + (BigInt(RADIX - 1) << 22n) - (1n << 57n))],
    ] as const
  ) {
    odd[0] = l0;
    odd[1] = l1;
    odd[2] = l2;
    assert.equal(gl.canonicalBigInt(odd, 0), value);
  }
  for (const bad of [P, P + 1n, (1n << 64n) - 1n]) {
    let v = bad;
    for (let j = 0; j < 8; j++) {
      bytes[j] = Number(v & 0xffn);
      v >>= 8n;
    }
    assert.equal(gl.readCanonicalLe(a, 0, bytes, 0), false, `reject ${bad}`);
  }
  let v = P - 1n;
  for (let j = 0; j < 8; j++) {
    bytes[j] = Number(v & 0xffn);
    v >>= 8n;
  }
  assert.ok(gl.readCanonicalLe(a, 0, bytes, 0));
  assert.equal(gl.canonicalBigInt(a, 0), P - 1n);
});

Deno.test("Goldilocks inverse and square root", () => {
  const a = new Float64Array(3), o = new Float64Array(3);
  for (let i = 0; i < 200; i++) {
    const x = randomElement();
    gl.setBigInt(a, 0, x);
    gl.inverseOrZero(o, 0, a, 0);
    assert.equal(mod(gl.canonicalBigInt(o, 0) * x), x === 0n ? 0n : 1n);
    const root = gl.sqrtBigInt(mod(x * x));
    assert.ok(root !== undefined);
    assert.equal(mod(root * root), mod(x * x));
  }
  assert.equal(gl.sqrtBigInt(7n), undefined, "7 generates the multiplicative group, so it is not a square");
});

Deno.test("GF(p^5) mul and square agree with the schoolbook model", () => {
  const o = fp5.create();
  for (let i = 0; i < 500; i++) {
    const x = randomFp5(), y = randomFp5();
    const a = fp5.fromBigInts(x), b = fp5.fromBigInts(y);
    fp5.mul(o, a, b);
    for (let c = 0; c < 15; c += 3) assertReduced(o, c, "fp5 mul");
    assert.deepEqual(fp5.toBigInts(o), fp5MulRef(x, y));
    fp5.square(o, a);
    assert.deepEqual(fp5.toBigInts(o), fp5MulRef(x, x));
    fp5.mul(a, a, b); // aliasing
    assert.deepEqual(fp5.toBigInts(a), fp5MulRef(x, y));
  }
});

Deno.test("GF(p^5) mul is exact at its documented bound (α·β = 12) and square at α = 3", () => {
  const a = fp5.create(), b = fp5.create(), o = fp5.create();
  for (let i = 0; i < 5000; i++) {
    const [ma, mb] = i % 2 ? [3, 4] : [1, 12];
    for (let c = 0; c < 15; c += 3) {
      extremeLimbs(a, c, ma);
      extremeLimbs(b, c, mb);
    }
    fp5.mul(o, a, b);
    assert.deepEqual(fp5Value(o), fp5MulRef(fp5Value(a), fp5Value(b)));
    fp5.square(o, a.map((x) => (ma === 3 ? x : x * 3)));
    const a3 = fp5Value(a.map((x) => (ma === 3 ? x : x * 3)));
    assert.deepEqual(fp5Value(o), fp5MulRef(a3, a3));
  }
});

Deno.test("GF(p^5) field laws: associativity, distributivity, inverse, Frobenius = x^p", () => {
  const t = fp5.create(), u = fp5.create(), w = fp5.create();
  for (let i = 0; i < 100; i++) {
    const x = fp5.fromBigInts(randomFp5()),
      y = fp5.fromBigInts(randomFp5()),
      z = fp5.fromBigInts(randomFp5());
    fp5.mul(t, x, y);
    fp5.mul(t, t, z);
    fp5.mul(u, y, z);
    fp5.mul(u, x, u);
    assert.ok(fp5.equals(t, u), "(xy)z = x(yz)");
    fp5.add(w, y, z);
    fp5.mul(t, x, w);
    fp5.mul(u, x, y);
    fp5.mul(w, x, z);
    fp5.add(u, u, w);
    fp5.normalize(u, u);
    assert.ok(fp5.equals(t, u), "x(y + z) = xy + xz");
    fp5.inverseOrZero(t, x);
    fp5.mul(u, t, x);
    assert.deepEqual(fp5.toBigInts(u), fp5.isZero(x) ? [0n, 0n, 0n, 0n, 0n] : [1n, 0n, 0n, 0n, 0n]);
    if (i < 10) {
      fp5.frobenius(t, x, 1);
      assert.deepEqual(fp5.toBigInts(t), fp5PowRef(fp5.toBigInts(x), P), "φ(x) = x^p");
    }
    fp5.frobenius(t, x, 2);
    fp5.frobenius(t, t, 3);
    assert.ok(fp5.equals(t, x), "φ^5 = id");
  }
  fp5.inverseOrZero(t, fp5.create());
  assert.ok(fp5.isZero(t));
});

Deno.test("GF(p^5) square roots and Legendre symbol are consistent", () => {
  const sq = fp5.create(), r = fp5.create(), rr = fp5.create();
  let nonSquares = 0;
  for (let i = 0; i < 60; i++) {
    const x = fp5.fromBigInts(randomFp5());
    fp5.square(sq, x);
    assert.ok(fp5.sqrt(r, sq));
    fp5.square(rr, r);
    assert.ok(fp5.equals(rr, sq), "sqrt(x²)² = x²");
    assert.ok(fp5.canonicalSqrt(r, sq));
    if (fp5.sgn0(r)) assert.equal(fp5.toBigInts(r)[0], 0n, "the canonical root has an odd a0 unless a0 = 0");
    assert.equal(fp5.legendre(sq), fp5.isZero(x) ? 0 : 1);
    const hasRoot = fp5.sqrt(r, x);
    assert.equal(fp5.legendre(x), fp5.isZero(x) ? 0 : hasRoot ? 1 : -1);
    if (!hasRoot) nonSquares++;
  }
  assert.ok(nonSquares > 5, "about half of random elements are non-squares");
});

Deno.test("GF(p^5) bytes round-trip; a coefficient ≥ p is refused", () => {
  const o = fp5.create();
  for (let i = 0; i < 200; i++) {
    const x = randomFp5();
    const bytes = fp5.toBytes(fp5.fromBigInts(x));
    assert.ok(fp5.readCanonicalBytes(o, bytes, 0));
    assert.deepEqual(fp5.toBigInts(o), x);
    const c = randomInt(4);
    let bad = P + randomBits(31);
    for (let j = 0; j < 8; j++) {
      bytes[8 * c + j] = Number(bad & 0xffn);
      bad >>= 8n;
    }
    assert.equal(fp5.readCanonicalBytes(o, bytes, 0), false);
  }
});
