/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/tx_request.go (`ConstructAuthToken`) and poseidon_crypto
 * field/goldilocks/goldilocks_gnark.go (`ArrayFromCanonicalLittleEndianBytes`).
 */

/**
 * Lighter auth tokens for private REST endpoints and WebSocket account channels:
 * `"<deadline>:<account>:<api key>:" + hex(signature)`, where the signature covers the Poseidon2 hash of the
 * message bytes taken as 8-byte little-endian field elements.
 * @module
 */

import { LighterEncodingError } from "./errors.ts";
import { bytesToHex, hexToBytes } from "./hex.ts";
import type { LighterPrivateKey } from "./keys.ts";
import * as gl from "./goldilocks_field.ts";
import * as fp5 from "./quintic_extension.ts";
import { hashLimbsToQuinticExtension } from "./poseidon2.ts";
import { SIGNATURE_BYTES, verifyHashedMessage } from "./schnorr.ts";
import { readInt, reject, type TxInt } from "./tx_fields.ts";
import type { SignTxOptions } from "./tx_signing.ts";

/** What an auth token grants: account and API key, until `deadline`. */
export interface AuthTokenRequest {
  /** Expiry as Unix time in seconds (Lighter accepts at most 8 hours ahead) [int64, not negative]. */
  readonly deadline: TxInt;
  /** Account index [int64]. */
  readonly accountIndex: TxInt;
  /** API key index [uint8]. */
  readonly apiKeyIndex: TxInt;
}

const TX = "AuthToken";

/** The signed message `"<deadline>:<account>:<api key>"`. */
export function authTokenMessage(request: AuthTokenRequest): string {
  const deadline = readInt(TX, "deadline", request.deadline, "int64");
  if (deadline < 0n) reject(TX, "deadline", deadline, "should be Unix seconds, not negative");
  const account = readInt(TX, "accountIndex", request.accountIndex, "int64");
  const apiKey = readInt(TX, "apiKeyIndex", request.apiKeyIndex, "uint8");
  return `${deadline}:${account}:${apiKey}`;
}

/**
 * The 40-byte hash of an auth message: its UTF-8 bytes as 8-byte little-endian field elements (the last one
 * zero-padded), hashed with `HashToQuinticExtension`.
 * @throws {LighterEncodingError} when a chunk is not below p (impossible for the ASCII messages built here).
 */
export function hashAuthTokenMessage(message: string): Uint8Array {
  const bytes = new TextEncoder().encode(message);
  const count = Math.ceil(bytes.length / 8);
  const padded = new Uint8Array(count * 8);
  padded.set(bytes);
  const limbs = new Float64Array(count * gl.LIMBS);
  for (let i = 0; i < count; i++) {
    if (!gl.readCanonicalLe(limbs, i * gl.LIMBS, padded, i * 8)) {
      throw new LighterEncodingError(
        `Cannot hash auth message ${JSON.stringify(message)}: chunk ${i} is not below p`,
      );
    }
  }
  const hash = fp5.create();
  hashLimbsToQuinticExtension(hash, limbs, count);
  return fp5.toBytes(hash);
}

/** Signs an auth token with a fresh random nonce: `message + ":" + 160 lower-case hex digits`. */
export function createAuthToken(
  key: LighterPrivateKey,
  request: AuthTokenRequest,
  options?: SignTxOptions,
): string {
  const message = authTokenMessage(request);
  const signature = key.signHashedMessage(hashAuthTokenMessage(message), options);
  return `${message}:${bytesToHex(signature)}`;
}

/** The parts of an auth token, or `undefined` when it does not have the `deadline:account:key:signature` form. */
export function parseAuthToken(
  token: string,
): {
  readonly message: string;
  readonly deadline: bigint;
  readonly accountIndex: bigint;
  readonly apiKeyIndex: bigint;
  readonly signature: Uint8Array;
} | undefined {
  const match = /^(-?\d+):(-?\d+):(\d+):([0-9a-fA-F]+)$/.exec(token);
  if (!match) return undefined;
  const signature = hexToBytes(match[4]!);
  if (signature === undefined || signature.length !== SIGNATURE_BYTES) return undefined;
  return {
    message: `${match[1]}:${match[2]}:${match[3]}`,
    deadline: BigInt(match[1]!),
    accountIndex: BigInt(match[2]!),
    apiKeyIndex: BigInt(match[3]!),
    signature,
  };
}

/** True when `token` is well formed and signed by `publicKey` (expiry is not checked: no clock here). */
export function verifyAuthToken(publicKey: Uint8Array, token: string): boolean {
  const parts = parseAuthToken(token);
  if (parts === undefined) return false;
  return verifyHashedMessage(publicKey, hashAuthTokenMessage(parts.message), parts.signature);
}
