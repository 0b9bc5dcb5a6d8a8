/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto hash/poseidon2_goldilocks_plonky2/poseidon2.go. Changed: the state is
 * held in the limb form of goldilocks_field.ts and linear layers are summed lazily before one reduction.
 */

/**
 * Poseidon2 permutation over Goldilocks (width 12, S-box x^7, 4 + 4 full rounds and 22 partial rounds), the
 * no-padding sponge `HashNToMNoPad` and `HashToQuinticExtension`, which Lighter uses for every message hash.
 * @module
 */

import * as gl from "./goldilocks_field.ts";
import * as fp5 from "./quintic_extension.ts";
import {
  EXTERNAL_CONSTANTS,
  INTERNAL_CONSTANTS,
  MATRIX_DIAG_12,
  RATE,
  ROUNDS_F,
  ROUNDS_P,
  WIDTH,
} from "./poseidon2_constants.ts";

const STATE_SIZE = WIDTH * gl.LIMBS;
const HALF_F = ROUNDS_F / 2;

function limbsOf(values: readonly bigint[]): Float64Array {
  const o = new Float64Array(values.length * gl.LIMBS);
  values.forEach((v, i) => gl.setBigInt(o, i * gl.LIMBS, v));
  return o;
}

const EXTERNAL = limbsOf(EXTERNAL_CONSTANTS.flat());
const INTERNAL = limbsOf(INTERNAL_CONSTANTS);
const DIAG = limbsOf(MATRIX_DIAG_12);

// External layer: circulant M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] on each block of four lanes, then add
// to lane i the sum of lanes i mod 4 across the three blocks. Input lanes of at most 3 reduced elements grow to
// 28·3 of them, well inside what normalize accepts, so the layer runs on raw limbs and reduces once at the end.
function externalLayer(s: Float64Array): void {
  for (let l = 0; l < gl.LIMBS; l++) {
    for (let b = 0; b < WIDTH; b += 4) {
      const i0 = b * 3 + l, i1 = i0 + 3, i2 = i0 + 6, i3 = i0 + 9;
      const x0 = s[i0]!, x1 = s[i1]!, x2 = s[i2]!, x3 = s[i3]!;
      const t01 = x0 + x1, t23 = x2 + x3, t0123 = t01 + t23;
      s[i0] = t0123 + t01 + x1;
      s[i1] = t0123 + x1 + 2 * x2;
      s[i2] = t0123 + t23 + x3;
      s[i3] = t0123 + x3 + 2 * x0;
    }
    for (let i = 0; i < 4; i++) {
      const j = i * 3 + l;
      const sum = s[j]! + s[j + 12]! + s[j + 24]!;
      s[j] = s[j]! + sum;
      s[j + 12] = s[j + 12]! + sum;
      s[j + 24] = s[j + 24]! + sum;
    }
  }
  for (let i = 0; i < STATE_SIZE; i += 3) gl.normalize(s, i);
}

const sboxTmp = new Float64Array(6);

function sbox(s: Float64Array, i: number): void {
  gl.square(sboxTmp, 0, s, i); // x^2
  gl.mul(sboxTmp, 0, sboxTmp, 0, s, i); // x^3
  gl.square(sboxTmp, 3, sboxTmp, 0); // x^6
  gl.mul(s, i, sboxTmp, 3, s, i); // x^7
}

const sum = new Float64Array(3);

// Internal layer: s_i ← s_i·DIAG[i] + Σ s. The sum is reduced once; each lane leaves as at most two reduced
// elements summed, which the next round's S-box and products accept.
function internalLayer(s: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0;
  for (let i = 0; i < STATE_SIZE; i += 3) {
    s0 += s[i]!;
    s1 += s[i + 1]!;
    s2 += s[i + 2]!;
  }
  sum[0] = s0;
  sum[1] = s1;
  sum[2] = s2;
  gl.normalize(sum, 0);
  for (let i = 0; i < STATE_SIZE; i += 3) {
    gl.mul(s, i, s, i, DIAG, i);
    s[i] = s[i]! + sum[0]!;
    s[i + 1] = s[i + 1]! + sum[1]!;
    s[i + 2] = s[i + 2]! + sum[2]!;
  }
}

function fullRounds(s: Float64Array, start: number): void {
  for (let r = start; r < start + HALF_F; r++) {
    const base = r * STATE_SIZE;
    for (let i = 0; i < STATE_SIZE; i++) s[i] = s[i]! + EXTERNAL[base + i]!;
    for (let i = 0; i < STATE_SIZE; i += 3) sbox(s, i);
    externalLayer(s);
  }
}

/**
 * Applies the permutation in place to a 36-number limb state (12 lanes; each lane at most two reduced elements
 * summed). Leaves every lane reduced.
 */
export function permuteLimbs(s: Float64Array): void {
  externalLayer(s);
  fullRounds(s, 0);
  for (let r = 0; r < ROUNDS_P; r++) {
    s[0] = s[0]! + INTERNAL[3 * r]!;
    s[1] = s[1]! + INTERNAL[3 * r + 1]!;
    s[2] = s[2]! + INTERNAL[3 * r + 2]!;
    sbox(s, 0);
    internalLayer(s);
  }
  fullRounds(s, HALF_F);
}

/** Poseidon2 permutation of 12 field elements given as u64 values (reduced mod p); returns canonical values. */
export function permute(state: readonly bigint[]): bigint[] {
  if (state.length !== WIDTH) {
    throw new RangeError(`Poseidon2 state needs ${WIDTH} elements, got ${state.length}`);
  }
  const s = limbsOf(state);
  permuteLimbs(s);
  const out: bigint[] = [];
  for (let i = 0; i < WIDTH; i++) out.push(gl.canonicalBigInt(s, 3 * i));
  return out;
}

const sponge = new Float64Array(STATE_SIZE);

/**
 * Absorbs `count` reduced limb elements from `input` without padding (each chunk of up to 8 overwrites the first
 * lanes, then permutes) and leaves the squeezed state in the module sponge. Empty input permutes nothing.
 */
function absorb(input: Float64Array, count: number): Float64Array {
  sponge.fill(0);
  for (let i = 0; i < count; i += RATE) {
    const chunk = Math.min(RATE, count - i);
    sponge.set(input.subarray(i * 3, (i + chunk) * 3), 0);
    permuteLimbs(sponge);
  }
  return sponge;
}

/**
 * `HashNToMNoPad`: hashes u64 values (reduced mod p, so non-canonical inputs ≥ p are accepted as upstream does)
 * to `numOutputs` canonical field elements.
 */
export function hashNToMNoPad(input: readonly bigint[], numOutputs: number): bigint[] {
  if (!Number.isInteger(numOutputs) || numOutputs < 1) {
    throw new RangeError(`Poseidon2 sponge needs a positive output count, got ${numOutputs}`);
  }
  const s = absorb(limbsOf(input), input.length);
  const out: bigint[] = [];
  for (;;) {
    for (let i = 0; i < RATE; i++) {
      out.push(gl.canonicalBigInt(s, 3 * i));
      if (out.length === numOutputs) return out;
    }
    permuteLimbs(s);
  }
}

/** `HashToQuinticExtension` of u64 values: the first five sponge outputs as canonical field elements. */
export function hashToQuinticExtension(input: readonly bigint[]): bigint[] {
  return hashNToMNoPad(input, 5);
}

/**
 * `HashToQuinticExtension` on the fast path: hashes `count` reduced limb elements from `input` and writes the
 * result (reduced, not canonical) into `o`.
 */
export function hashLimbsToQuinticExtension(o: fp5.Fp5, input: Float64Array, count: number): void {
  const s = absorb(input, count);
  o.set(s.subarray(0, fp5.FP5_SIZE));
}
