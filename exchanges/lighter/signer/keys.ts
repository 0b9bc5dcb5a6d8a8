/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go signer/key_manager.go and client/tx_client.go (`NewTxClient`).
 */

/**
 * Lighter API private keys: parsing the 40-byte little-endian hex form, lighter-go's seed derivation, random
 * generation, the public key, and signing with the key held privately so it does not leak into logs.
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { LighterKeyError } from "./errors.ts";
import { bytesToHex, hexToBytes } from "./hex.ts";
import {
  leBytesToBigInt,
  randomScalar,
  type RandomSource,
  SCALAR_BYTES,
  SCALAR_ORDER,
  scalarToLeBytes,
} from "./scalar_field.ts";
import { publicKeyFromSecret, type SchnorrSignOptions, signHashedMessage } from "./schnorr.ts";

function stripHexPrefix(text: string): string {
  return text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
}

function decodeHex(hex: string, what: string): Uint8Array {
  const bytes = hexToBytes(hex);
  if (bytes === undefined) {
    throw new LighterKeyError(
      `Invalid Lighter ${what}: not a whole number of bytes in hex (${hex.length} characters)`,
    );
  }
  return bytes;
}

/**
 * A Lighter API private key: a scalar 0 < sk < n of the ECgFp5 group. The scalar is kept in a private field;
 * `toString`, `toJSON` and console inspection print a redacted form, and only {@linkcode exportHex} reveals it.
 */
export class LighterPrivateKey {
  readonly #secret: bigint;
  #publicKey: Uint8Array | undefined;

  private constructor(secret: bigint) {
    if (secret === 0n) {
      throw new LighterKeyError("Invalid Lighter private key: the key is zero modulo the group order");
    }
    this.#secret = secret;
  }

  /**
   * Parses a private key as lighter-go does: 40 bytes of little-endian hex, with or without `0x`, reduced
   * modulo the group order. A key that reduces to zero is refused.
   * @throws {LighterKeyError} without echoing the key.
   */
  static fromHex(text: string): LighterPrivateKey {
    const hex = stripHexPrefix(text.trim());
    if (hex.length !== 2 * SCALAR_BYTES) {
      throw new LighterKeyError(
        `Invalid Lighter private key: expected ${
          2 * SCALAR_BYTES
        } hex digits (${SCALAR_BYTES} bytes), got ${hex.length}`,
      );
    }
    const bytes = decodeHex(hex, "private key");
    const secret = leBytesToBigInt(bytes) % SCALAR_ORDER;
    bytes.fill(0);
    return new LighterPrivateKey(secret);
  }

  /**
   * lighter-go `GetScalarFromSeed`: for a seed of at least 32 bytes (hex, optional `0x`), the 40 bytes
   * sha256(0x01 ‖ seed) ‖ sha256(0x02 ‖ seed)[0..8] read as a big-endian integer modulo the group order.
   * @throws {LighterKeyError} without echoing the seed.
   */
  static fromSeed(seedHex: string): LighterPrivateKey {
    const seed = decodeHex(stripHexPrefix(seedHex.trim()), "seed");
    if (seed.length < 32) {
      throw new LighterKeyError(`Invalid Lighter seed: at least 32 bytes required, got ${seed.length}`);
    }
    const input = new Uint8Array(seed.length + 1);
    input.set(seed, 1);
    input[0] = 1;
    const part1 = sha256(input);
    input[0] = 2;
    const part2 = sha256(input);
    let value = 0n;
    for (const byte of part1) value = (value << 8n) | BigInt(byte);
    for (const byte of part2.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
    seed.fill(0);
    input.fill(0);
    part1.fill(0);
    part2.fill(0);
    return new LighterPrivateKey(value % SCALAR_ORDER);
  }

  /** A new uniformly random key (lighter-go `GenerateAPIKey`), from `crypto.getRandomValues` by default. */
  static generate(random?: RandomSource): LighterPrivateKey {
    return new LighterPrivateKey(randomScalar(random));
  }

  /** The 40-byte public key, encode(sk·G), as registered with Lighter (computed once, returned as a copy). */
  publicKey(): Uint8Array {
    this.#publicKey ??= publicKeyFromSecret(this.#secret);
    return this.#publicKey.slice();
  }

  /** The public key as 80 lower-case hex digits without `0x`, the form Lighter's `apikeys` endpoint returns. */
  publicKeyHex(): string {
    return bytesToHex(this.publicKey());
  }

  /** Signs a 40-byte message hash with a fresh random nonce; returns the 80-byte signature. */
  signHashedMessage(messageHash: Uint8Array, options?: SchnorrSignOptions): Uint8Array {
    return signHashedMessage(this.#secret, messageHash, options);
  }

  /** Reveals the key as 80 lower-case little-endian hex digits without `0x`, e.g. to store a generated key. */
  exportHex(): string {
    return bytesToHex(scalarToLeBytes(this.#secret));
  }

  /** Redacted description. */
  toString(): string {
    return "LighterPrivateKey(<redacted>)";
  }

  /** Redacted JSON form. */
  toJSON(): string {
    return this.toString();
  }

  /** Redacted form for `Deno.inspect` and `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Redacted form for Node's `util.inspect`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
