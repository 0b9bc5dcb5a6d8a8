/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/txtypes/cancel_all_orders.go (`Validate`, `Hash`, JSON layout).
 */

/**
 * CancelAllOrders (tx type 16): validation mirroring lighter-go's `Validate()`, the message hash, and the
 * signed `tx_info`.
 * @module
 */

import {
  CancelAllTimeInForce,
  MAX_ORDER_EXPIRY,
  NIL_MARKET_INDEX,
  TX_TYPE_CANCEL_ALL_ORDERS,
} from "./constants.ts";
import type { LighterPrivateKey } from "./keys.ts";
import { type AttributeMap, attributesJson, readAttributes, type TxAttributes } from "./tx_attributes.ts";
import { asFieldInput, readChainId, readInt, reject, type TxInt } from "./tx_fields.ts";
import { hashTransaction } from "./tx_hash.ts";
import { checkAccountIndex, checkExpiredAt, checkNonce } from "./tx_rules.ts";
import { type SignedLighterTx, signTx, type SignTxOptions } from "./tx_signing.ts";

const TX = "CancelAllOrders";

/** A CancelAllOrders transaction, as lighter-go's `L2CancelAllOrdersTxInfo` (Go types in brackets). */
export interface CancelAllOrdersTx {
  /** Account whose orders are cancelled [int64]. */
  readonly accountIndex: TxInt;
  /** API key signing it (255 = none is accepted, as upstream) [uint8]. */
  readonly apiKeyIndex: TxInt;
  /** 0 immediate, 1 scheduled at `time`, 2 abort a scheduled cancel, see `CancelAllTimeInForce` [uint8]. */
  readonly timeInForce: TxInt;
  /** 0 for immediate and abort; the ms timestamp for scheduled [int64]. */
  readonly time: TxInt;
  /** Transaction deadline in ms [int64]. */
  readonly expiredAt: TxInt;
  /** The API key's next nonce [int64]. */
  readonly nonce: TxInt;
  /** Optional attributes; `cancelAllMarketIndex` restricts an immediate cancel to one market. */
  readonly attributes?: TxAttributes | undefined;
}

interface CancelAllOrdersFields {
  readonly accountIndex: bigint;
  readonly apiKeyIndex: bigint;
  readonly timeInForce: bigint;
  readonly time: bigint;
  readonly expiredAt: bigint;
  readonly nonce: bigint;
  readonly attributes: AttributeMap;
}

/**
 * Checks a CancelAllOrders the way lighter-go's `Validate()` does and returns its fields.
 * @throws {LighterTxValidationError} naming the first offending field.
 */
export function validateCancelAllOrders(tx: CancelAllOrdersTx): CancelAllOrdersFields {
  const f = {
    accountIndex: readInt(TX, "AccountIndex", tx.accountIndex, "int64"),
    apiKeyIndex: readInt(TX, "ApiKeyIndex", tx.apiKeyIndex, "uint8"),
    timeInForce: readInt(TX, "TimeInForce", tx.timeInForce, "uint8"),
    time: readInt(TX, "Time", tx.time, "int64"),
    expiredAt: readInt(TX, "ExpiredAt", tx.expiredAt, "int64"),
    nonce: readInt(TX, "Nonce", tx.nonce, "int64"),
    attributes: readAttributes(TX, tx.attributes),
  };
  checkAccountIndex(TX, f.accountIndex);
  // Any uint8 passes upstream's ApiKeyIndex rule here: 0..254, or 255 meaning "no key".
  checkNonce(TX, f.nonce);
  checkExpiredAt(TX, f.expiredAt);
  const market = f.attributes?.get(5);
  if (
    market !== undefined && f.timeInForce !== BigInt(CancelAllTimeInForce.Immediate) &&
    market !== NIL_MARKET_INDEX
  ) {
    reject(
      TX,
      "L2TxAttributes.CancelAllMarketIndex",
      market,
      "a cancel-all for one market can't be scheduled",
    );
  }
  switch (f.timeInForce) {
    case BigInt(CancelAllTimeInForce.Immediate):
    case BigInt(CancelAllTimeInForce.AbortScheduled):
      if (f.time !== 0n) reject(TX, "Time", f.time, "should be 0 unless TimeInForce is 1 (scheduled)");
      break;
    case BigInt(CancelAllTimeInForce.Scheduled):
      if (f.time < 1n || f.time > MAX_ORDER_EXPIRY) {
        reject(TX, "Time", f.time, "a scheduled cancel-all needs a time > 0");
      }
      break;
    default:
      reject(
        TX,
        "TimeInForce",
        f.timeInForce,
        "should be 0 (immediate), 1 (scheduled) or 2 (abort scheduled)",
      );
  }
  return f;
}

function hashFields(chainId: bigint, f: CancelAllOrdersFields): Uint8Array {
  return hashTransaction(
    [
      chainId,
      BigInt(TX_TYPE_CANCEL_ALL_ORDERS),
      f.nonce,
      f.expiredAt,
      f.accountIndex,
      f.apiKeyIndex,
      f.timeInForce,
      f.time,
    ]
      .map(asFieldInput),
    f.attributes,
  );
}

/**
 * The 40-byte message hash of a CancelAllOrders on `chainId`, after validation.
 * @throws {LighterTxValidationError} when a field is invalid.
 */
export function hashCancelAllOrders(chainId: TxInt, tx: CancelAllOrdersTx): Uint8Array {
  const id = readChainId(TX, chainId);
  return hashFields(id, validateCancelAllOrders(tx));
}

/**
 * Validates, hashes and signs a CancelAllOrders with a fresh random nonce.
 * @throws {LighterTxValidationError} when a field is invalid; nothing is signed then.
 */
export function signCancelAllOrders(
  key: LighterPrivateKey,
  chainId: TxInt,
  tx: CancelAllOrdersTx,
  options?: SignTxOptions,
): SignedLighterTx {
  const id = readChainId(TX, chainId);
  const f = validateCancelAllOrders(tx);
  return signTx(
    key,
    TX_TYPE_CANCEL_ALL_ORDERS,
    hashFields(id, f),
    (sig) =>
      `{"AccountIndex":${f.accountIndex},"ApiKeyIndex":${f.apiKeyIndex},"TimeInForce":${f.timeInForce},` +
      `"Time":${f.time},"ExpiredAt":${f.expiredAt},"Nonce":${f.nonce},"Sig":"${sig}",` +
      `"L2TxAttributes":${attributesJson(f.attributes)}}`,
    options,
  );
}
