/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/txtypes/tx_attributes.go and types/tx_request.go
 * (`ConstructL2TxAttributes`).
 */

/**
 * Optional transaction attributes (lighter-go `L2TxAttributes`): validation, their `tx_info` JSON and how they
 * are folded into the transaction hash.
 * @module
 */

import {
  FEE_TICK,
  MAX_ACCOUNT_INDEX,
  MAX_ATTRIBUTES_PER_TX,
  NIL_MARKET_INDEX,
  SelfTradeBehavior,
  SelfTradeEquality,
} from "./constants.ts";
import { type GoIntType, readInt, reject, type TxInt } from "./tx_fields.ts";

/** Optional attributes of a transaction; an absent or `undefined` attribute is not sent. */
export interface TxAttributes {
  /** Type 1: integrator account receiving the fees below (Go int64). */
  readonly integratorAccountIndex?: TxInt | undefined;
  /** Type 2: integrator taker fee, 0..1,000,000 (Go uint32). */
  readonly integratorTakerFee?: TxInt | undefined;
  /** Type 3: integrator maker fee, 0..1,000,000 (Go uint32). */
  readonly integratorMakerFee?: TxInt | undefined;
  /** Type 4: 1 lets the nonce skip ahead instead of being strictly consecutive (Go uint8). */
  readonly skipNonce?: TxInt | undefined;
  /** Type 5: restricts an immediate CancelAllOrders to one market, 255 = all (Go int16). */
  readonly cancelAllMarketIndex?: TxInt | undefined;
  /** Type 6: self-trade behaviour, see `SelfTradeBehavior` (Go uint8). */
  readonly selfTradeBehaviorMode?: TxInt | undefined;
  /** Type 7: self-trade equality, see `SelfTradeEquality` (Go uint8). */
  readonly selfTradeEqualityMode?: TxInt | undefined;
}

interface AttributeSpec {
  readonly type: number;
  readonly key: keyof TxAttributes;
  readonly goName: string;
  readonly goType: GoIntType;
  readonly min: bigint;
  readonly max: bigint;
  readonly nil: bigint;
  readonly reason: string;
}

const SPECS: readonly AttributeSpec[] = [
  {
    type: 1,
    key: "integratorAccountIndex",
    goName: "IntegratorAccountIndex",
    goType: "int64",
    min: 0n,
    max: MAX_ACCOUNT_INDEX,
    nil: 0n,
    reason: "IntegratorAccountIndex is in invalid range",
  },
  {
    type: 2,
    key: "integratorTakerFee",
    goName: "IntegratorTakerFee",
    goType: "uint32",
    min: 0n,
    max: FEE_TICK,
    nil: 0n,
    reason: "Integrator fees are in invalid range",
  },
  {
    type: 3,
    key: "integratorMakerFee",
    goName: "IntegratorMakerFee",
    goType: "uint32",
    min: 0n,
    max: FEE_TICK,
    nil: 0n,
    reason: "Integrator fees are in invalid range",
  },
  {
    type: 4,
    key: "skipNonce",
    goName: "SkipNonce",
    goType: "uint8",
    min: 1n,
    max: 1n,
    nil: 0n,
    reason: "Nonce skip attribute is invalid",
  },
  {
    type: 5,
    key: "cancelAllMarketIndex",
    goName: "CancelAllMarketIndex",
    goType: "int16",
    min: 0n,
    max: NIL_MARKET_INDEX,
    nil: NIL_MARKET_INDEX,
    reason: "Cancel all for market index attribute is in invalid range",
  },
  {
    type: 6,
    key: "selfTradeBehaviorMode",
    goName: "SelfTradeBehaviorMode",
    goType: "uint8",
    min: BigInt(SelfTradeBehavior.ExpireMaker),
    max: BigInt(SelfTradeBehavior.Reduce),
    nil: BigInt(SelfTradeBehavior.ExpireMaker),
    reason: "SelfTradeBehaviorMode is in invalid range",
  },
  {
    type: 7,
    key: "selfTradeEqualityMode",
    goName: "SelfTradeEqualityMode",
    goType: "uint8",
    min: BigInt(SelfTradeEquality.AccountIndex),
    max: BigInt(SelfTradeEquality.MasterAccountIndex),
    nil: BigInt(SelfTradeEquality.AccountIndex),
    reason: "SelfTradeEqualityMode is in invalid range",
  },
];

/** Validated attributes: type → value, in ascending type order. `null` when none were given (JSON `null`). */
export type AttributeMap = ReadonlyMap<number, bigint> | null;

/**
 * Reads and validates attributes as lighter-go does (`ConstructL2TxAttributes`, then `L2TxAttributes.Validate`).
 * @throws {LighterTxValidationError} naming the attribute.
 */
export function readAttributes(tx: string, attributes: TxAttributes | undefined): AttributeMap {
  if (attributes === undefined) return null;
  const map = new Map<number, bigint>();
  for (const spec of SPECS) {
    const raw = attributes[spec.key];
    if (raw === undefined) continue;
    map.set(spec.type, readInt(tx, `L2TxAttributes.${spec.goName}`, raw, spec.goType));
  }
  if (map.size === 0) return null;
  if (map.size > MAX_ATTRIBUTES_PER_TX) {
    reject(
      tx,
      "L2TxAttributes",
      map.size,
      `Too many attributes, should not be larger than ${MAX_ATTRIBUTES_PER_TX}`,
    );
  }
  for (const spec of SPECS) {
    const value = map.get(spec.type);
    if (value !== undefined && (value < spec.min || value > spec.max)) {
      reject(tx, `L2TxAttributes.${spec.goName}`, value, spec.reason);
    }
  }
  const isNil = (type: number): boolean => {
    const spec = SPECS[type - 1]!;
    return (map.get(type) ?? spec.nil) === spec.nil;
  };
  const hasFees = !isNil(2) || !isNil(3);
  if (hasFees && isNil(1)) {
    reject(
      tx,
      "L2TxAttributes.IntegratorAccountIndex",
      map.get(1) ?? 0n,
      "IntegratorAccountIndex should be non-zero when integrator taker fee or maker fee is non-zero",
    );
  }
  if ((!isNil(6) || !isNil(7)) && hasFees) {
    reject(
      tx,
      "L2TxAttributes.SelfTradeBehaviorMode",
      map.get(6) ?? 0n,
      "Self-trade specification isn't allowed with integrator fees",
    );
  }
  if (
    map.get(7) === BigInt(SelfTradeEquality.MasterAccountIndex) &&
    map.get(6) === BigInt(SelfTradeBehavior.Reduce)
  ) {
    reject(
      tx,
      "L2TxAttributes.SelfTradeBehaviorMode",
      map.get(6),
      "Reduce self-trade behavior mode isn't allowed with master account index equality mode",
    );
  }
  return map;
}

/**
 * The attributes that change the hash: non-nil ones as `[type, value]` pairs sorted by type and padded with
 * `[0, 0]` to four pairs (upstream `getNormalizedTypes`), or `undefined` when every value is nil, in which case
 * the transaction hash is used unchanged.
 */
export function attributeHashInput(attributes: AttributeMap): bigint[] | undefined {
  if (attributes === null) return undefined;
  const elems: bigint[] = [];
  for (const spec of SPECS) {
    const value = attributes.get(spec.type);
    if (value === undefined || value === spec.nil) continue;
    elems.push(BigInt(spec.type), value < 0n ? value + (1n << 64n) : value);
  }
  if (elems.length === 0) return undefined;
  while (elems.length < 2 * MAX_ATTRIBUTES_PER_TX) elems.push(0n);
  return elems;
}

/** The `L2TxAttributes` JSON value as Go's `json.Marshal` writes the map: `null` or `{"4":1,...}`. */
export function attributesJson(attributes: AttributeMap): string {
  if (attributes === null) return "null";
  const parts: string[] = [];
  for (const [type, value] of attributes) parts.push(`"${type}":${value}`);
  return `{${parts.join(",")}}`;
}
