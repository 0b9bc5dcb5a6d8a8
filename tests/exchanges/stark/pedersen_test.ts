/**
 * The windowed Pedersen hash against StarkWare's reference pair and, on random and edge inputs, against
 * `@scure/starknet` (which walks the bits one by one: an independent computation).
 */
import assert from "node:assert/strict";
import { computeHashOnElements, pedersen as scurePedersen } from "@scure/starknet";
import { FIELD_PRIME } from "../../../exchanges/stark/felt.ts";
import { FieldRangeError } from "../../../exchanges/stark/errors.ts";
import { pedersen, pedersenFold, pedersenHashOnElements } from "../../../exchanges/stark/pedersen.ts";
import { SEED, TestRandom } from "./testdata.ts";

Deno.test("pedersen matches StarkWare's reference test pair", () => {
  const a = 0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cbn;
  const b = 0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31an;
  assert.equal(pedersen(a, b), 0x30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662n);
});

Deno.test("pedersen equals scure on edge inputs (zero, p − 1, window and 248-bit boundaries)", () => {
  const edges = [
    0n,
    1n,
    255n,
    256n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 248n - 1n, // every low window at digit 255
    2n ** 248n, // only the high-bits point
    2n ** 251n,
    FIELD_PRIME - 1n,
  ];
  for (const a of edges) {
    for (const b of edges) {
      assert.equal(pedersen(a, b), BigInt(scurePedersen(a, b)), `pedersen(${a}, ${b})`);
    }
  }
});

Deno.test(`pedersen equals scure on random felts of every size (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED);
  for (let i = 0; i < 60; i++) {
    const a = rnd.below(FIELD_PRIME) >> BigInt(rnd.int(252));
    const b = rnd.below(FIELD_PRIME) >> BigInt(rnd.int(252));
    assert.equal(pedersen(a, b), BigInt(scurePedersen(a, b)), `pedersen(${a}, ${b})`);
  }
});

Deno.test("pedersen is not symmetric and depends on both inputs", () => {
  assert.notEqual(pedersen(1n, 2n), pedersen(2n, 1n));
  assert.notEqual(pedersen(1n, 2n), pedersen(1n, 3n));
});

Deno.test("pedersen refuses values outside [0, p)", () => {
  assert.throws(() => pedersen(FIELD_PRIME, 0n), FieldRangeError);
  assert.throws(() => pedersen(0n, -1n), FieldRangeError);
  assert.throws(() => pedersen(0n, FIELD_PRIME), /pedersen input b/);
});

Deno.test(`pedersenHashOnElements equals scure computeHashOnElements (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 1);
  for (const length of [0, 1, 2, 5]) {
    const values = Array.from({ length }, () => rnd.below(FIELD_PRIME));
    assert.equal(pedersenHashOnElements(values), BigInt(computeHashOnElements(values) as string));
  }
});

Deno.test("pedersenFold continues from a saved state", () => {
  const whole = pedersenFold(0n, [1n, 2n, 3n, 4n]);
  assert.equal(pedersenFold(pedersenFold(0n, [1n, 2n]), [3n, 4n]), whole);
  assert.equal(pedersenFold(7n, []), 7n);
});
