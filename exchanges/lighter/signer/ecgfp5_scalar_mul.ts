/*
 * Copyright Elliot Technologies (elliottech/poseidon_crypto).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from poseidon_crypto curve/ecgfp5/point.go (`Mul`, `MakeWindowAffine`, `BatchToAffine`)
 * and affine_point.go (`Lookup`). Changed: multiples of the generator use a precomputed table per digit
 * position, so k·G needs no doublings.
 */

/**
 * Scalar multiplication on ECgFp5.
 *
 * - {@linkcode mulGenerator}: k·G for secret k (keys, nonces). The scalar is recoded into signed 5-bit digits
 *   and each digit selects (j·2^(5i))·G from a table built once on first use; the selection reads every entry
 *   of the row and masks, and the sign is applied by multiplying by ±1, so no branch or index depends on the
 *   secret. (JavaScript gives no hard constant-time guarantee; this avoids the obvious leaks.)
 * - {@linkcode mulPointVarTime}: k·P for public k and P (signature verification), upstream's 5-bit signed window
 *   with variable-time lookups.
 * @module
 */

import * as fp5 from "./quintic_extension.ts";
import { addAffine, copyPoint, generator, mdouble, Point, setNeutral } from "./ecgfp5_point.ts";
import * as pt from "./ecgfp5_point.ts";
import { recodeSigned } from "./scalar_field.ts";

const WINDOW = 5;
const ROW = 1 << (WINDOW - 1); // 16 multiples per digit position: digits lie in [−15, 16]
const DIGITS = Math.ceil(320 / WINDOW); // 64; the top digit is then non-negative for scalars < 2^319
const AFFINE = 2 * fp5.FP5_SIZE; // x and u of one affine point

/**
 * Converts projective points to affine (x, u) = (X/Z, U/T), writing them consecutively into `out` at `at`.
 * Montgomery's trick: one field inversion for all of them.
 */
export function batchToAffine(points: readonly Point[], out: Float64Array, at: number): void {
  const n = points.length;
  if (n === 0) return;
  const prefix: fp5.Fp5[] = [];
  let acc = fp5.create();
  fp5.copy(acc, points[0]!.z);
  prefix.push(acc);
  for (let i = 0; i < 2 * n; i++) {
    if (i === 0) continue;
    const p = points[i >> 1]!;
    const next = fp5.create();
    fp5.mul(next, acc, i & 1 ? p.t : p.z);
    prefix.push(next);
    acc = next;
  }
  const inv = fp5.create();
  fp5.inverseOrZero(inv, acc);
  const tmp = fp5.create();
  for (let i = 2 * n - 1; i >= 0; i--) {
    const p = points[i >> 1]!;
    const den = i & 1 ? p.t : p.z;
    if (i > 0) fp5.mul(tmp, inv, prefix[i - 1]!);
    else fp5.copy(tmp, inv);
    const target = out.subarray(at + (i >> 1) * AFFINE + (i & 1) * fp5.FP5_SIZE);
    fp5.mul(target, tmp, i & 1 ? p.u : p.x);
    fp5.mul(inv, inv, den);
  }
}

/** Writes the affine points P, 2P, …, 16P into `out` at `at` (upstream `MakeWindowAffine`). */
function windowAffine(p: Point, out: Float64Array, at: number): Point {
  const multiples: Point[] = [];
  for (let i = 0; i < ROW; i++) {
    const m = new Point();
    if (i === 0) copyPoint(m, p);
    else if ((i & 1) === 0) pt.add(m, multiples[i - 1]!, p);
    else pt.double(m, multiples[i >> 1]!);
    multiples.push(m);
  }
  batchToAffine(multiples, out, at);
  return multiples[ROW - 1]!;
}

let generatorTable: Float64Array | undefined;

/** Row i holds (j·2^(5i))·G for j = 1..16 in affine form; built once (≈ 1,000 points). */
function getGeneratorTable(): Float64Array {
  if (generatorTable) return generatorTable;
  const table = new Float64Array(DIGITS * ROW * AFFINE);
  const base = generator();
  const next = new Point();
  for (let i = 0; i < DIGITS; i++) {
    const top = windowAffine(base, table, i * ROW * AFFINE); // top = 16·base
    pt.double(next, top);
    copyPoint(base, next);
  }
  generatorTable = table;
  return table;
}

const selX = fp5.create();
const selU = fp5.create();
const masks = new Int32Array(ROW);

/**
 * Selects digit·(row base) from a table row without secret-dependent branches or indexes: a mask per entry is
 * −1 for the wanted entry and 0 otherwise, every entry is read and OR-ed in under its mask, and u is multiplied
 * by −1 or 1 for the sign. Digit 0 matches no entry and yields the affine neutral (0, 0).
 */
function selectConstantTime(table: Float64Array, row: number, digit: number): void {
  const sign = digit >> 31; // −1 or 0
  const wanted = ((digit ^ sign) - sign) - 1;
  for (let j = 0; j < ROW; j++) {
    const m = wanted - j;
    masks[j] = -(((m | -m) >>> 31) ^ 1); // −1 when m = 0, else 0
  }
  const base = row * ROW * AFFINE;
  const factor = 1 + 2 * sign;
  for (let l = 0; l < fp5.FP5_SIZE; l++) {
    // Table limbs are integers within int32, so the bitwise merge is exact.
    let x = 0, u = 0;
    for (let j = 0, at = base + l; j < ROW; j++, at += AFFINE) {
      const mask = masks[j]!;
      x |= table[at]! & mask;
      u |= table[at + fp5.FP5_SIZE]! & mask;
    }
    selX[l] = x;
    selU[l] = u * factor;
  }
}

/** o = k·G for a scalar 0 ≤ k < n (used with secret scalars). */
export function mulGenerator(o: Point, k: bigint): void {
  const table = getGeneratorTable();
  const digits = recodeSigned(k, WINDOW, DIGITS);
  setNeutral(o);
  for (let i = 0; i < DIGITS; i++) {
    selectConstantTime(table, i, digits[i]!);
    addAffine(o, o, selX, selU);
  }
  digits.fill(0);
  masks.fill(0);
  selX.fill(0);
  selU.fill(0);
}

const varWindow = new Float64Array(ROW * AFFINE);
const lookX = fp5.create();
const lookU = fp5.create();

function lookupVarTime(digit: number): void {
  if (digit === 0) {
    lookX.fill(0);
    lookU.fill(0);
    return;
  }
  const at = (Math.abs(digit) - 1) * AFFINE;
  lookX.set(varWindow.subarray(at, at + fp5.FP5_SIZE));
  lookU.set(varWindow.subarray(at + fp5.FP5_SIZE, at + AFFINE));
  if (digit < 0) fp5.neg(lookU, lookU);
}

/** o = k·p for a public scalar 0 ≤ k < 2^319, in variable time (upstream `Mul`). `o` may alias `p`. */
export function mulPointVarTime(o: Point, p: Point, k: bigint): void {
  windowAffine(p, varWindow, 0);
  const digits = recodeSigned(k, WINDOW, DIGITS);
  lookupVarTime(digits[DIGITS - 1]!);
  setNeutral(o);
  addAffine(o, o, lookX, lookU);
  for (let i = DIGITS - 2; i >= 0; i--) {
    mdouble(o, o, WINDOW);
    lookupVarTime(digits[i]!);
    addAffine(o, o, lookX, lookU);
  }
}
