/**
 * Reading transaction fields: each must be an integer that fits the Go type lighter-go declares for it, so
 * that hashing and JSON see exactly the value Go would. Numbers must be safe integers; larger values (order
 * indexes up to 2^60, expiries up to 2^63) are passed as bigint.
 * @module
 */

import { LighterTxValidationError } from "./errors.ts";

/** An integer field value: a safe-integer `number` or a `bigint`. */
export type TxInt = number | bigint;

/** The Go integer types of Lighter transaction fields. */
export type GoIntType = "int64" | "uint8" | "int16" | "uint32";

const GO_RANGES: Record<GoIntType, readonly [bigint, bigint]> = {
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint32: [0n, (1n << 32n) - 1n],
};

/** Throws a {@linkcode LighterTxValidationError} for `field` of `tx`. */
export function reject(tx: string, field: string, value: unknown, reason: string): never {
  throw new LighterTxValidationError(tx, field, value, reason);
}

/** Reads an integer field and checks it fits its Go type; returns it as a bigint. */
export function readInt(tx: string, field: string, value: unknown, type: GoIntType): bigint {
  let v: bigint;
  if (typeof value === "bigint") {
    v = value;
  } else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      reject(tx, field, value, "must be a safe integer; pass a bigint for values beyond 2^53");
    }
    v = BigInt(value);
  } else {
    return reject(tx, field, value, "must be an integer (number or bigint)");
  }
  const [min, max] = GO_RANGES[type];
  if (v < min || v > max) reject(tx, field, value, `does not fit Go ${type} [${min}, ${max}]`);
  return v;
}

/** Reads a chain id (Go uint32). */
export function readChainId(tx: string, chainId: unknown): bigint {
  return readInt(tx, "chainId", chainId, "uint32");
}

/** The Goldilocks input Go produces with `GoldilocksField(x)`: the int64 reinterpreted as a uint64. */
export function asFieldInput(value: bigint): bigint {
  return value < 0n ? value + (1n << 64n) : value;
}
