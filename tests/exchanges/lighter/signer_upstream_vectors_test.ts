/**
 * Further known-answer vectors from elliottech/poseidon_crypto's own tests (tests/testdata/lighter_upstream.json):
 * exact projective results of point addition and doubling, decoding of valid and invalid encodings, square
 * roots, Frobenius, sponge variants, signed recoding and all three Schnorr vectors.
 */
import assert from "node:assert/strict";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";
import * as pt from "../../../exchanges/lighter/signer/ecgfp5_point.ts";
import { mulPointVarTime } from "../../../exchanges/lighter/signer/ecgfp5_scalar_mul.ts";
import { hashNToMNoPad } from "../../../exchanges/lighter/signer/poseidon2.ts";
import {
  publicKeyFromSecret,
  signHashedMessage,
  verifyHashedMessage,
} from "../../../exchanges/lighter/signer/schnorr.ts";
import {
  leBytesToBigInt,
  recodeSigned,
  scalarFromWords,
} from "../../../exchanges/lighter/signer/scalar_field.ts";
import { fromLimbs, limbs, loadTestdata } from "./testdata.ts";

type Coords = [string, string, string, string];
interface Upstream {
  point_encode: { point: Coords; expected: string };
  point_add: { a: Coords; b: Coords; expected: Coords };
  point_double: { point: Coords; expected: Coords };
  point_mdouble_35: { point: Coords; n: number; expected: Coords };
  point_scalar_mul: { point: Coords; scalar_limbs: string; expected: Coords };
  encoded_points: { w: string[] };
  undecodable_encodings: string[];
  fp5_add_sub: { a: string; b: string; add: string; sub: string };
  fp5_frobenius: { a: string; expected: string };
  fp5_sqrt: { x: string; canonical_sqrt: string; sqrt: string };
  fp5_non_squares: string[];
  fp5_sgn0_true: string;
  hash_n_to_m_no_pad_12: { input: string; m: number; output: string };
  hash_n_to_hash_no_pad: { input: string; m: number; output: string };
  hash_two_to_one: { input: string; m: number; output: string };
  recode_signed: { scalar_limbs: string; w: number; count: number; nonzero: Record<string, number> };
  scalar_from_fp5_all_minus_one: { expected_limbs: string };
  schnorr_fixed_k: {
    sk_limbs: string;
    message_limbs: string;
    k_limbs: string;
    s_limbs: string;
    e_limbs: string;
  }[];
}

const u = loadTestdata<Upstream>("lighter_upstream.json");
const P = 0xffffffff00000001n;

function point(c: Coords): pt.Point {
  const p = new pt.Point();
  [p.x, p.z, p.u, p.t].forEach((e, i) => fp5.setBigInts(e, limbs(c[i]!)));
  return p;
}

function coords(p: pt.Point): string[] {
  return [p.x, p.z, p.u, p.t].map((e) => fp5.toBigInts(e).join(","));
}

function encoding(p: pt.Point): string {
  const w = fp5.create();
  pt.encode(w, p);
  return fp5.toBigInts(w).join(",");
}

function decoded(w: string): pt.Point {
  const p = new pt.Point();
  assert.ok(pt.decode(p, fp5.fromBigInts(limbs(w))), `decode ${w}`);
  return p;
}

Deno.test("point encode, add, double and 35-fold double give upstream's exact projective coordinates", () => {
  assert.equal(encoding(point(u.point_encode.point)), u.point_encode.expected);
  const o = new pt.Point();
  pt.add(o, point(u.point_add.a), point(u.point_add.b));
  assert.deepEqual(coords(o), u.point_add.expected);
  pt.double(o, point(u.point_double.point));
  assert.deepEqual(coords(o), u.point_double.expected);
  pt.mdouble(o, point(u.point_mdouble_35.point), u.point_mdouble_35.n);
  assert.deepEqual(coords(o), u.point_mdouble_35.expected);
  // Aliased output gives the same result.
  const q = point(u.point_add.a);
  pt.add(q, q, point(u.point_add.b));
  assert.deepEqual(coords(q), u.point_add.expected);
});

Deno.test("variable-base scalar multiplication equals upstream's point", () => {
  const o = new pt.Point();
  mulPointVarTime(o, point(u.point_scalar_mul.point), fromLimbs(limbs(u.point_scalar_mul.scalar_limbs)));
  assert.ok(pt.pointEquals(o, point(u.point_scalar_mul.expected)));
});

Deno.test("encoded test points decode, re-encode, and satisfy the stated sums", () => {
  const w = u.encoded_points.w;
  const p = w.map(decoded);
  assert.ok(pt.isNeutral(p[0]!));
  p.forEach((q, i) => {
    assert.equal(encoding(q), w[i], `re-encode w${i}`);
    if (i > 0) assert.ok(!pt.isNeutral(q));
  });
  const o = new pt.Point();
  pt.add(o, p[1]!, p[2]!);
  assert.equal(encoding(o), w[3]);
  pt.add(o, p[1]!, p[1]!);
  assert.equal(encoding(o), w[4]);
  pt.double(o, p[2]!);
  assert.equal(encoding(o), w[5]);
  pt.double(o, p[1]!);
  pt.add(o, o, p[2]!);
  assert.equal(encoding(o), w[6]);
  pt.add(o, p[1]!, p[2]!);
  pt.add(o, o, p[2]!);
  assert.equal(encoding(o), w[7]);
  pt.addAffine(o, p[1]!, fp5.create(), fp5.create());
  assert.equal(encoding(o), w[1], "adding the affine neutral");
  for (let n = 0; n < 10; n++) {
    const a = new pt.Point();
    const b = new pt.Point();
    pt.mdouble(a, p[1]!, n);
    pt.copyPoint(b, p[1]!);
    for (let i = 0; i < n; i++) pt.double(b, b);
    assert.ok(pt.pointEquals(a, b), `mdouble ${n}`);
  }
});

Deno.test("undecodable encodings are rejected", () => {
  for (const w of u.undecodable_encodings) {
    const o = new pt.Point();
    assert.equal(pt.decode(o, fp5.fromBigInts(limbs(w))), false, w);
    assert.ok(pt.isNeutral(o));
  }
});

Deno.test("GF(p^5) add/sub, Frobenius, square roots, sgn0 and non-squares", () => {
  const a = fp5.fromBigInts(limbs(u.fp5_add_sub.a));
  const b = fp5.fromBigInts(limbs(u.fp5_add_sub.b));
  const o = fp5.create();
  fp5.add(o, a, b);
  fp5.normalize(o, o);
  assert.equal(fp5.toBigInts(o).join(","), u.fp5_add_sub.add);
  fp5.sub(o, a, b);
  fp5.normalize(o, o);
  assert.equal(fp5.toBigInts(o).join(","), u.fp5_add_sub.sub);
  fp5.frobenius(o, fp5.fromBigInts(limbs(u.fp5_frobenius.a)), 1);
  assert.equal(fp5.toBigInts(o).join(","), u.fp5_frobenius.expected);
  const x = fp5.fromBigInts(limbs(u.fp5_sqrt.x));
  assert.ok(fp5.sqrt(o, x));
  assert.equal(fp5.toBigInts(o).join(","), u.fp5_sqrt.sqrt);
  assert.ok(fp5.canonicalSqrt(o, x));
  assert.equal(fp5.toBigInts(o).join(","), u.fp5_sqrt.canonical_sqrt);
  for (const ns of u.fp5_non_squares) {
    assert.equal(fp5.sqrt(o, fp5.fromBigInts(limbs(ns))), false, ns);
    assert.equal(fp5.legendre(fp5.fromBigInts(limbs(ns))), -1, ns);
  }
  assert.equal(fp5.legendre(x), 1);
  assert.equal(fp5.legendre(fp5.create()), 0);
  assert.ok(fp5.sgn0(fp5.fromBigInts(limbs(u.fp5_sgn0_true))));
});

Deno.test("sponge variants: 12 outputs, 4 outputs, two-to-one", () => {
  for (const h of [u.hash_n_to_m_no_pad_12, u.hash_n_to_hash_no_pad, u.hash_two_to_one]) {
    assert.equal(hashNToMNoPad(limbs(h.input), h.m).join(","), h.output);
  }
});

Deno.test("signed recoding and Fp5-to-scalar conversion match upstream", () => {
  const r = u.recode_signed;
  const digits = recodeSigned(fromLimbs(limbs(r.scalar_limbs)), r.w, r.count);
  digits.forEach((d, i) => assert.equal(d, r.nonzero[String(i)] ?? 0, `digit ${i}`));
  assert.equal(
    scalarFromWords([P - 1n, P - 1n, P - 1n, P - 1n, P - 1n]),
    fromLimbs(limbs(u.scalar_from_fp5_all_minus_one.expected_limbs)),
  );
});

Deno.test("all three Schnorr vectors: s and e exact, and they verify", () => {
  for (const s of u.schnorr_fixed_k) {
    const sk = fromLimbs(limbs(s.sk_limbs));
    const message = fp5.toBytes(fp5.fromBigInts(limbs(s.message_limbs)));
    const sig = signHashedMessage(sk, message, { unsafeFixedNonce: fromLimbs(limbs(s.k_limbs)) });
    assert.equal(leBytesToBigInt(sig, 0, 40), fromLimbs(limbs(s.s_limbs)));
    assert.equal(leBytesToBigInt(sig, 40, 40), fromLimbs(limbs(s.e_limbs)));
    assert.ok(verifyHashedMessage(publicKeyFromSecret(sk), message, sig));
  }
});
