/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto signature/schnorr/schnorr.go. Changed: verification uses the
 * fractional-coordinate group law instead of the Weierstrass form (same group, same encodings) and rejects
 * non-canonical s and e instead of reducing them.
 */

/**
 * Schnorr signatures over ECgFp5 with Poseidon2 challenges, as Lighter uses them.
 *
 * For a 40-byte message hash m (an element of GF(p^5)) and secret key sk: k ←$ [1, n), r = encode(k·G),
 * e = HashToQuinticExtension(r ‖ m) read as a 320-bit little-endian integer mod n, s = k − e·sk mod n.
 * The signature is LE40(s) ‖ LE40(e). It verifies when e = H(encode(s·G + e·pk) ‖ m).
 * @module
 */

import * as fp5 from "./quintic_extension.ts";
import * as gl from "./goldilocks_field.ts";
import { decode, encode, Point } from "./ecgfp5_point.ts";
import * as pt from "./ecgfp5_point.ts";
import { mulGenerator, mulPointVarTime } from "./ecgfp5_scalar_mul.ts";
import { hashLimbsToQuinticExtension } from "./poseidon2.ts";
import {
  leBytesToBigInt,
  randomScalar,
  type RandomSource,
  SCALAR_BYTES,
  SCALAR_ORDER,
  scalarFromWords,
  scalarMul,
  scalarSub,
  writeScalarLe,
} from "./scalar_field.ts";
import { LighterEncodingError } from "./errors.ts";

/** Bytes in a signature: s then e, each 40 bytes little-endian. */
export const SIGNATURE_BYTES = 80;
/** Bytes in a public key (the encoding of sk·G). */
export const PUBLIC_KEY_BYTES = fp5.FP5_BYTES;
/** Bytes in a message hash (an element of GF(p^5)). */
export const MESSAGE_HASH_BYTES = fp5.FP5_BYTES;

/** Options of {@linkcode signHashedMessage}. */
export interface SchnorrSignOptions {
  /** Source of randomness for the nonce; defaults to `crypto.getRandomValues`. */
  readonly random?: RandomSource | undefined;
  /**
   * A fixed nonce k in [1, n), for known-answer tests only. Signing two different messages with the same k
   * reveals the private key; production code must leave this unset.
   */
  readonly unsafeFixedNonce?: bigint | undefined;
}

const challengeInput = new Float64Array(10 * gl.LIMBS);
const challengeHash = fp5.create();

/** e = H(r ‖ m) as a scalar; r and m are reduced GF(p^5) elements. */
function challenge(r: fp5.Fp5, m: fp5.Fp5): bigint {
  challengeInput.set(r, 0);
  challengeInput.set(m, fp5.FP5_SIZE);
  hashLimbsToQuinticExtension(challengeHash, challengeInput, 10);
  return scalarFromWords(fp5.toBigInts(challengeHash));
}

function checkSecret(secret: bigint): void {
  if (secret <= 0n || secret >= SCALAR_ORDER) throw new RangeError("Schnorr secret key must be in [1, n)");
}

const keyPoint = new Point();
const keyEncoding = fp5.create();

/** The 40-byte public key encode(sk·G) of a secret scalar 0 < sk < n. */
export function publicKeyFromSecret(secret: bigint): Uint8Array {
  checkSecret(secret);
  mulGenerator(keyPoint, secret);
  encode(keyEncoding, keyPoint);
  return fp5.toBytes(keyEncoding);
}

const message = fp5.create();
const noncePoint = new Point();
const nonceEncoding = fp5.create();

/**
 * Signs a 40-byte message hash (five canonical little-endian Goldilocks elements) with a secret scalar
 * 0 < sk < n, using a fresh random nonce. Returns the 80-byte signature.
 * @throws {LighterEncodingError} when the hash has the wrong length or a coefficient ≥ p.
 */
export function signHashedMessage(
  secret: bigint,
  messageHash: Uint8Array,
  options: SchnorrSignOptions = {},
): Uint8Array {
  checkSecret(secret);
  if (messageHash.length !== MESSAGE_HASH_BYTES || !fp5.readCanonicalBytes(message, messageHash, 0)) {
    throw new LighterEncodingError(
      `Cannot sign message hash: expected ${MESSAGE_HASH_BYTES} bytes of canonical field elements, got ${messageHash.length} bytes`,
    );
  }
  const fixed = options.unsafeFixedNonce;
  if (fixed !== undefined && (fixed <= 0n || fixed >= SCALAR_ORDER)) {
    throw new RangeError("Schnorr nonce must be in [1, n)");
  }
  const k = fixed ?? randomScalar(options.random);
  mulGenerator(noncePoint, k);
  encode(nonceEncoding, noncePoint);
  const e = challenge(nonceEncoding, message);
  const s = scalarSub(k, scalarMul(e, secret));
  const signature = new Uint8Array(SIGNATURE_BYTES);
  writeScalarLe(signature, 0, s);
  writeScalarLe(signature, SCALAR_BYTES, e);
  return signature;
}

const pubW = fp5.create();
const pubPoint = new Point();
const sumPoint = new Point();
const termPoint = new Point();
const sumEncoding = fp5.create();

/**
 * Verifies an 80-byte signature on a 40-byte message hash under a 40-byte public key. Returns false for any
 * malformed input: wrong lengths, s or e not below n, a public key or hash with a coefficient ≥ p, or a public
 * key that encodes no group element.
 */
export function verifyHashedMessage(
  publicKey: Uint8Array,
  messageHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (
    publicKey.length !== PUBLIC_KEY_BYTES || messageHash.length !== MESSAGE_HASH_BYTES ||
    signature.length !== SIGNATURE_BYTES
  ) {
    return false;
  }
  const s = leBytesToBigInt(signature, 0, SCALAR_BYTES);
  const e = leBytesToBigInt(signature, SCALAR_BYTES, SCALAR_BYTES);
  if (s >= SCALAR_ORDER || e >= SCALAR_ORDER) return false;
  if (!fp5.readCanonicalBytes(pubW, publicKey, 0) || !decode(pubPoint, pubW)) return false;
  if (!fp5.readCanonicalBytes(message, messageHash, 0)) return false;
  mulGenerator(sumPoint, s);
  mulPointVarTime(termPoint, pubPoint, e);
  pt.add(sumPoint, sumPoint, termPoint);
  encode(sumEncoding, sumPoint);
  return challenge(sumEncoding, message) === e;
}
