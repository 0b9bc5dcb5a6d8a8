/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/txtypes/cancel_order.go (`Validate`, `Hash`, JSON layout).
 */

/**
 * CancelOrder (tx type 15): validation mirroring lighter-go's `Validate()`, the message hash, and the signed
 * `tx_info`.
 * @module
 */

import { MAX_ORDER_INDEX, TX_TYPE_CANCEL_ORDER } from "./constants.ts";
import type { LighterPrivateKey } from "./keys.ts";
import { type AttributeMap, attributesJson, readAttributes, type TxAttributes } from "./tx_attributes.ts";
import { asFieldInput, readChainId, readInt, reject, type TxInt } from "./tx_fields.ts";
import { hashTransaction } from "./tx_hash.ts";
import {
  checkAccountIndex,
  checkApiKeyIndex,
  checkExpiredAt,
  checkMarketIndex,
  checkNonce,
} from "./tx_rules.ts";
import { type SignedLighterTx, signTx, type SignTxOptions } from "./tx_signing.ts";

const TX = "CancelOrder";

/** A CancelOrder transaction, as lighter-go's `L2CancelOrderTxInfo` (Go types in brackets). */
export interface CancelOrderTx {
  /** Account owning the order [int64]. */
  readonly accountIndex: TxInt;
  /** API key signing it, 0..254 [uint8]. */
  readonly apiKeyIndex: TxInt;
  /** Market of the order [int16]. */
  readonly marketIndex: TxInt;
  /** The client order index (1..2^48 − 1) or the exchange order index (2^48..2^60 − 1) [int64]. */
  readonly index: TxInt;
  /** Transaction deadline in ms [int64]. */
  readonly expiredAt: TxInt;
  /** The API key's next nonce [int64]. */
  readonly nonce: TxInt;
  /** Optional attributes. */
  readonly attributes?: TxAttributes | undefined;
}

interface CancelOrderFields {
  readonly accountIndex: bigint;
  readonly apiKeyIndex: bigint;
  readonly marketIndex: bigint;
  readonly index: bigint;
  readonly expiredAt: bigint;
  readonly nonce: bigint;
  readonly attributes: AttributeMap;
}

/**
 * Checks a CancelOrder the way lighter-go's `Validate()` does and returns its fields.
 * @throws {LighterTxValidationError} naming the first offending field.
 */
export function validateCancelOrder(tx: CancelOrderTx): CancelOrderFields {
  const f = {
    accountIndex: readInt(TX, "AccountIndex", tx.accountIndex, "int64"),
    apiKeyIndex: readInt(TX, "ApiKeyIndex", tx.apiKeyIndex, "uint8"),
    marketIndex: readInt(TX, "MarketIndex", tx.marketIndex, "int16"),
    index: readInt(TX, "Index", tx.index, "int64"),
    expiredAt: readInt(TX, "ExpiredAt", tx.expiredAt, "int64"),
    nonce: readInt(TX, "Nonce", tx.nonce, "int64"),
    attributes: readAttributes(TX, tx.attributes),
  };
  checkAccountIndex(TX, f.accountIndex);
  checkApiKeyIndex(TX, f.apiKeyIndex);
  checkMarketIndex(TX, f.marketIndex);
  if (f.index < 1n) reject(TX, "Index", f.index, "should not be less than 1");
  if (f.index > MAX_ORDER_INDEX) reject(TX, "Index", f.index, `should not be larger than ${MAX_ORDER_INDEX}`);
  checkNonce(TX, f.nonce);
  checkExpiredAt(TX, f.expiredAt);
  return f;
}

function hashFields(chainId: bigint, f: CancelOrderFields): Uint8Array {
  return hashTransaction(
    [
      chainId,
      BigInt(TX_TYPE_CANCEL_ORDER),
      f.nonce,
      f.expiredAt,
      f.accountIndex,
      f.apiKeyIndex,
      f.marketIndex,
      f.index,
    ]
      .map(asFieldInput),
    f.attributes,
  );
}

/**
 * The 40-byte message hash of a CancelOrder on `chainId`, after validation.
 * @throws {LighterTxValidationError} when a field is invalid.
 */
export function hashCancelOrder(chainId: TxInt, tx: CancelOrderTx): Uint8Array {
  const id = readChainId(TX, chainId);
  return hashFields(id, validateCancelOrder(tx));
}

/**
 * Validates, hashes and signs a CancelOrder with a fresh random nonce.
 * @throws {LighterTxValidationError} when a field is invalid; nothing is signed then.
 */
export function signCancelOrder(
  key: LighterPrivateKey,
  chainId: TxInt,
  tx: CancelOrderTx,
  options?: SignTxOptions,
): SignedLighterTx {
  const id = readChainId(TX, chainId);
  const f = validateCancelOrder(tx);
  return signTx(
    key,
    TX_TYPE_CANCEL_ORDER,
    hashFields(id, f),
    (sig) =>
      `{"AccountIndex":${f.accountIndex},"ApiKeyIndex":${f.apiKeyIndex},"MarketIndex":${f.marketIndex},` +
      `"Index":${f.index},"ExpiredAt":${f.expiredAt},"Nonce":${f.nonce},"Sig":"${sig}",` +
      `"L2TxAttributes":${attributesJson(f.attributes)}}`,
    options,
  );
}
