/**
 * Schnorr signing with fresh nonces and verification: random-nonce signatures verify, and any flipped bit in
 * the message, the public key or the signature makes verification fail.
 */
import assert from "node:assert/strict";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";
import {
  publicKeyFromSecret,
  signHashedMessage,
  verifyHashedMessage,
} from "../../../exchanges/lighter/signer/schnorr.ts";
import {
  leBytesToBigInt,
  randomScalar,
  SCALAR_ORDER,
  writeScalarLe,
} from "../../../exchanges/lighter/signer/scalar_field.ts";
import { LighterEncodingError } from "../../../exchanges/lighter/signer/errors.ts";
import { P, randomFp5 } from "./reference.ts";

function randomMessage(): Uint8Array {
  return fp5.toBytes(fp5.fromBigInts(randomFp5()));
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3] = copy[bit >> 3]! ^ (1 << (bit & 7));
  return copy;
}

function randomBit(bytes: number): number {
  return Math.floor(Math.random() * bytes * 8);
}

Deno.test("random-nonce signatures verify, and two signatures of one message differ", () => {
  for (let i = 0; i < 12; i++) {
    const sk = randomScalar();
    const pk = publicKeyFromSecret(sk);
    const m = randomMessage();
    const a = signHashedMessage(sk, m);
    const b = signHashedMessage(sk, m);
    assert.ok(verifyHashedMessage(pk, m, a));
    assert.ok(verifyHashedMessage(pk, m, b));
    assert.notDeepEqual(a, b, "each signature draws a fresh nonce");
  }
});

Deno.test("a flipped bit in the message, the public key or the signature fails verification", () => {
  const sk = randomScalar();
  const pk = publicKeyFromSecret(sk);
  const m = randomMessage();
  const sig = signHashedMessage(sk, m);
  assert.ok(verifyHashedMessage(pk, m, sig));
  for (let i = 0; i < 12; i++) {
    assert.equal(verifyHashedMessage(pk, flipBit(m, randomBit(40)), sig), false, "message bit");
    assert.equal(verifyHashedMessage(flipBit(pk, randomBit(40)), m, sig), false, "public key bit");
    assert.equal(verifyHashedMessage(pk, m, flipBit(sig, randomBit(80))), false, "signature bit");
  }
  // The lowest and highest bits of every part, deterministically.
  for (const bit of [0, 63, 64, 318, 319]) {
    assert.equal(verifyHashedMessage(pk, m, flipBit(sig, bit)), false, `s bit ${bit}`);
    assert.equal(verifyHashedMessage(pk, m, flipBit(sig, 320 + bit)), false, `e bit ${bit}`);
    assert.equal(verifyHashedMessage(pk, flipBit(m, bit), sig), false, `message bit ${bit}`);
    assert.equal(verifyHashedMessage(flipBit(pk, bit), m, sig), false, `key bit ${bit}`);
  }
  assert.equal(verifyHashedMessage(publicKeyFromSecret(sk + 1n), m, sig), false, "another key");
});

Deno.test("verification rejects non-canonical s or e, malformed keys and wrong lengths", () => {
  const sk = randomScalar();
  const pk = publicKeyFromSecret(sk);
  const m = randomMessage();
  const sig = signHashedMessage(sk, m);
  const s = leBytesToBigInt(sig, 0, 40), e = leBytesToBigInt(sig, 40, 40);
  const sPlusN = sig.slice();
  writeScalarLe(sPlusN, 0, s + SCALAR_ORDER); // same value mod n: upstream reduces and accepts, we refuse
  assert.equal(verifyHashedMessage(pk, m, sPlusN), false);
  const ePlusN = sig.slice();
  writeScalarLe(ePlusN, 40, e + SCALAR_ORDER);
  assert.equal(verifyHashedMessage(pk, m, ePlusN), false);
  const nonCanonicalKey = pk.slice();
  // Add p to coefficient 0 when it fits in 64 bits: the same field element, a different (refused) encoding.
  const c0 = leBytesToBigInt(pk, 0, 8);
  if (c0 + P < 1n << 64n) {
    let v = c0 + P;
    for (let j = 0; j < 8; j++) {
      nonCanonicalKey[j] = Number(v & 0xffn);
      v >>= 8n;
    }
    assert.equal(verifyHashedMessage(nonCanonicalKey, m, sig), false);
  }
  assert.equal(verifyHashedMessage(pk.subarray(1), m, sig), false);
  assert.equal(verifyHashedMessage(pk, m.subarray(1), sig), false);
  assert.equal(verifyHashedMessage(pk, m, sig.subarray(1)), false);
  assert.equal(verifyHashedMessage(new Uint8Array(40).fill(0xff), m, sig), false);
});

Deno.test("the nonce comes from the random source, by rejection sampling without bias", () => {
  const sk = randomScalar();
  const m = randomMessage();
  const fixedSource = (bytes: Uint8Array) => bytes.fill(7);
  assert.deepEqual(
    signHashedMessage(sk, m, { random: fixedSource }),
    signHashedMessage(sk, m, { random: fixedSource }),
    "same random bytes, same nonce",
  );
  // Draws: zero (rejected), 2^319 − 1 after masking (≥ n, rejected), then 5.
  const draws = [new Uint8Array(40), new Uint8Array(40).fill(0xff), Uint8Array.of(5, ...new Uint8Array(39))];
  let calls = 0;
  const k = randomScalar((bytes) => bytes.set(draws[calls++]!));
  assert.equal(k, 5n);
  assert.equal(calls, 3);
  assert.deepEqual(
    signHashedMessage(sk, m, { unsafeFixedNonce: 5n }),
    signHashedMessage(sk, m, { random: (b) => b.set(draws[2]!) }),
  );
});

Deno.test("signing refuses a bad secret, nonce or message hash", () => {
  const m = randomMessage();
  assert.throws(() => signHashedMessage(0n, m), RangeError);
  assert.throws(() => signHashedMessage(SCALAR_ORDER, m), RangeError);
  assert.throws(() => publicKeyFromSecret(0n), RangeError);
  assert.throws(() => signHashedMessage(1n, m, { unsafeFixedNonce: 0n }), RangeError);
  assert.throws(() => signHashedMessage(1n, m, { unsafeFixedNonce: SCALAR_ORDER }), RangeError);
  assert.throws(() => signHashedMessage(1n, m.subarray(0, 39)), LighterEncodingError);
  assert.throws(() => signHashedMessage(1n, new Uint8Array(40).fill(0xff)), LighterEncodingError);
});
