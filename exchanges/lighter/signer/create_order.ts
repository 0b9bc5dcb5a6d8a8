/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/txtypes/create_order.go (`Validate`, `Hash`, JSON layout).
 */

/**
 * CreateOrder (tx type 14): validation mirroring lighter-go's `Validate()`, the message hash, and the signed
 * `tx_info`.
 * @module
 */

import {
  MAX_CLIENT_ORDER_INDEX,
  MAX_ORDER_BASE_AMOUNT,
  OrderType,
  TimeInForce,
  TX_TYPE_CREATE_ORDER,
} from "./constants.ts";
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

const TX = "CreateOrder";

/** A CreateOrder transaction, field for field as lighter-go's `L2CreateOrderTxInfo` (Go types in brackets). */
export interface CreateOrderTx {
  /** Account placing the order [int64]. */
  readonly accountIndex: TxInt;
  /** API key signing it, 0..254 [uint8]. */
  readonly apiKeyIndex: TxInt;
  /** Market: perps 0..254, spot 2048..4094 [int16]. */
  readonly marketIndex: TxInt;
  /** Your order id, 1..2^48 − 1, or 0 for none [int64]. */
  readonly clientOrderIndex: TxInt;
  /** Size in base units (size × 10^size_decimals), 1..2^48 − 1 [int64]. */
  readonly baseAmount: TxInt;
  /** Price in ticks (price × 10^price_decimals), 1..2^32 − 1 [uint32]. */
  readonly price: TxInt;
  /** 0 buy, 1 sell [uint8]. */
  readonly isAsk: TxInt;
  /** Order type, see `OrderType` [uint8]. */
  readonly type: TxInt;
  /** 0 IOC, 1 good-till-time, 2 post-only, see `TimeInForce` [uint8]. */
  readonly timeInForce: TxInt;
  /** 0 or 1 (perps only) [uint8]. */
  readonly reduceOnly: TxInt;
  /** Trigger price for stop/take-profit orders, else 0 [uint32]. */
  readonly triggerPrice: TxInt;
  /** Order expiry in ms; 0 for IOC/market orders, non-zero otherwise [int64]. */
  readonly orderExpiry: TxInt;
  /** Transaction deadline in ms, 0..2^48 − 1 [int64]. */
  readonly expiredAt: TxInt;
  /** The API key's next nonce [int64]. */
  readonly nonce: TxInt;
  /** Optional attributes. */
  readonly attributes?: TxAttributes | undefined;
}

interface CreateOrderFields {
  readonly accountIndex: bigint;
  readonly apiKeyIndex: bigint;
  readonly marketIndex: bigint;
  readonly clientOrderIndex: bigint;
  readonly baseAmount: bigint;
  readonly price: bigint;
  readonly isAsk: bigint;
  readonly type: bigint;
  readonly timeInForce: bigint;
  readonly reduceOnly: bigint;
  readonly triggerPrice: bigint;
  readonly orderExpiry: bigint;
  readonly expiredAt: bigint;
  readonly nonce: bigint;
  readonly attributes: AttributeMap;
}

const IOC = BigInt(TimeInForce.ImmediateOrCancel);
const GTT = BigInt(TimeInForce.GoodTillTime);
const POST_ONLY = BigInt(TimeInForce.PostOnly);

/**
 * Checks a CreateOrder the way lighter-go's `Validate()` does, in the same order, and returns its fields.
 * @throws {LighterTxValidationError} naming the first offending field.
 */
export function validateCreateOrder(tx: CreateOrderTx): CreateOrderFields {
  const f = {
    accountIndex: readInt(TX, "AccountIndex", tx.accountIndex, "int64"),
    apiKeyIndex: readInt(TX, "ApiKeyIndex", tx.apiKeyIndex, "uint8"),
    marketIndex: readInt(TX, "MarketIndex", tx.marketIndex, "int16"),
    clientOrderIndex: readInt(TX, "ClientOrderIndex", tx.clientOrderIndex, "int64"),
    baseAmount: readInt(TX, "BaseAmount", tx.baseAmount, "int64"),
    price: readInt(TX, "Price", tx.price, "uint32"),
    isAsk: readInt(TX, "IsAsk", tx.isAsk, "uint8"),
    type: readInt(TX, "Type", tx.type, "uint8"),
    timeInForce: readInt(TX, "TimeInForce", tx.timeInForce, "uint8"),
    reduceOnly: readInt(TX, "ReduceOnly", tx.reduceOnly, "uint8"),
    triggerPrice: readInt(TX, "TriggerPrice", tx.triggerPrice, "uint32"),
    orderExpiry: readInt(TX, "OrderExpiry", tx.orderExpiry, "int64"),
    expiredAt: readInt(TX, "ExpiredAt", tx.expiredAt, "int64"),
    nonce: readInt(TX, "Nonce", tx.nonce, "int64"),
    attributes: readAttributes(TX, tx.attributes),
  };
  checkAccountIndex(TX, f.accountIndex);
  checkApiKeyIndex(TX, f.apiKeyIndex);
  const { isPerps } = checkMarketIndex(TX, f.marketIndex);
  if (f.clientOrderIndex !== 0n) {
    if (f.clientOrderIndex < 1n) {
      reject(TX, "ClientOrderIndex", f.clientOrderIndex, "should not be less than 1");
    }
    if (f.clientOrderIndex > MAX_CLIENT_ORDER_INDEX) {
      reject(
        TX,
        "ClientOrderIndex",
        f.clientOrderIndex,
        `should not be larger than ${MAX_CLIENT_ORDER_INDEX}`,
      );
    }
  }
  if (f.reduceOnly !== 1n && f.baseAmount === 0n) {
    reject(
      TX,
      "BaseAmount",
      f.baseAmount,
      "should not be less than 1 (0 is allowed only for reduce-only orders)",
    );
  }
  if (f.baseAmount !== 0n && f.baseAmount < 1n) {
    reject(TX, "BaseAmount", f.baseAmount, "should not be less than 1");
  }
  if (f.baseAmount > MAX_ORDER_BASE_AMOUNT) {
    reject(TX, "BaseAmount", f.baseAmount, `should not be larger than ${MAX_ORDER_BASE_AMOUNT}`);
  }
  if (f.price < 1n) reject(TX, "Price", f.price, "should not be less than 1");
  if (f.isAsk !== 0n && f.isAsk !== 1n) reject(TX, "IsAsk", f.isAsk, "should be 0 or 1");
  if (f.timeInForce !== IOC && f.timeInForce !== GTT && f.timeInForce !== POST_ONLY) {
    reject(TX, "TimeInForce", f.timeInForce, "should be 0 (IOC), 1 (good till time) or 2 (post-only)");
  }
  if ((f.reduceOnly !== 0n && f.reduceOnly !== 1n) || (!isPerps && f.reduceOnly === 1n)) {
    reject(TX, "ReduceOnly", f.reduceOnly, "should be 0 or 1, and 0 on spot markets");
  }
  if (f.orderExpiry < 0n) reject(TX, "OrderExpiry", f.orderExpiry, "should not be negative");
  checkOrderType(f, isPerps);
  checkNonce(TX, f.nonce);
  checkExpiredAt(TX, f.expiredAt);
  return f;
}

function checkOrderType(f: CreateOrderFields, isPerps: boolean): void {
  const tif = f.timeInForce, trigger = f.triggerPrice, expiry = f.orderExpiry;
  switch (f.type) {
    case BigInt(OrderType.Market):
      if (tif !== IOC) reject(TX, "TimeInForce", tif, "a market order must be IOC (0)");
      if (expiry !== 0n) reject(TX, "OrderExpiry", expiry, "a market order must have OrderExpiry 0");
      if (trigger !== 0n) reject(TX, "TriggerPrice", trigger, "a market order must have TriggerPrice 0");
      return;
    case BigInt(OrderType.Limit):
      if (trigger !== 0n) reject(TX, "TriggerPrice", trigger, "a limit order must have TriggerPrice 0");
      if (tif === IOC && expiry !== 0n) {
        reject(TX, "OrderExpiry", expiry, "an IOC limit order must have OrderExpiry 0");
      }
      if (tif !== IOC && expiry === 0n) {
        reject(TX, "OrderExpiry", expiry, "a good-till-time or post-only order needs a non-zero OrderExpiry");
      }
      return;
    case BigInt(OrderType.StopLoss):
    case BigInt(OrderType.TakeProfit):
      if (!isPerps) {
        reject(TX, "Type", f.type, "stop-loss and take-profit orders exist only on perps markets");
      }
      if (tif !== IOC) {
        reject(TX, "TimeInForce", tif, "a stop-loss or take-profit market order must be IOC (0)");
      }
      if (trigger === 0n) {
        reject(TX, "TriggerPrice", trigger, "a stop-loss or take-profit order needs a TriggerPrice");
      }
      if (expiry === 0n) {
        reject(TX, "OrderExpiry", expiry, "a stop-loss or take-profit order needs an OrderExpiry");
      }
      return;
    case BigInt(OrderType.StopLossLimit):
    case BigInt(OrderType.TakeProfitLimit):
      if (!isPerps) {
        reject(TX, "Type", f.type, "stop-loss and take-profit orders exist only on perps markets");
      }
      if (trigger === 0n) {
        reject(TX, "TriggerPrice", trigger, "a stop-loss or take-profit order needs a TriggerPrice");
      }
      if (expiry === 0n) {
        reject(TX, "OrderExpiry", expiry, "a stop-loss or take-profit order needs an OrderExpiry");
      }
      return;
    case BigInt(OrderType.Twap):
      if (tif !== GTT) reject(TX, "TimeInForce", tif, "a TWAP order must be good till time (1)");
      if (trigger !== 0n) reject(TX, "TriggerPrice", trigger, "a TWAP order must have TriggerPrice 0");
      if (expiry === 0n) reject(TX, "OrderExpiry", expiry, "a TWAP order needs an OrderExpiry");
      return;
    default:
      reject(TX, "Type", f.type, "not an order type (0..6)");
  }
}

function hashFields(chainId: bigint, f: CreateOrderFields): Uint8Array {
  return hashTransaction(
    [
      chainId,
      BigInt(TX_TYPE_CREATE_ORDER),
      f.nonce,
      f.expiredAt,
      f.accountIndex,
      f.apiKeyIndex,
      f.marketIndex,
      f.clientOrderIndex,
      f.baseAmount,
      f.price,
      f.isAsk,
      f.type,
      f.timeInForce,
      f.reduceOnly,
      f.triggerPrice,
      f.orderExpiry,
    ].map(asFieldInput),
    f.attributes,
  );
}

/**
 * The 40-byte message hash of a CreateOrder on `chainId` (304 mainnet, 300 testnet), after validation.
 * @throws {LighterTxValidationError} when a field is invalid.
 */
export function hashCreateOrder(chainId: TxInt, tx: CreateOrderTx): Uint8Array {
  const id = readChainId(TX, chainId);
  return hashFields(id, validateCreateOrder(tx));
}

/**
 * Validates, hashes and signs a CreateOrder with a fresh random nonce.
 * @throws {LighterTxValidationError} when a field is invalid; nothing is signed then.
 */
export function signCreateOrder(
  key: LighterPrivateKey,
  chainId: TxInt,
  tx: CreateOrderTx,
  options?: SignTxOptions,
): SignedLighterTx {
  const id = readChainId(TX, chainId);
  const f = validateCreateOrder(tx);
  return signTx(
    key,
    TX_TYPE_CREATE_ORDER,
    hashFields(id, f),
    (sig) =>
      `{"AccountIndex":${f.accountIndex},"ApiKeyIndex":${f.apiKeyIndex},"MarketIndex":${f.marketIndex},` +
      `"ClientOrderIndex":${f.clientOrderIndex},"BaseAmount":${f.baseAmount},"Price":${f.price},` +
      `"IsAsk":${f.isAsk},"Type":${f.type},"TimeInForce":${f.timeInForce},"ReduceOnly":${f.reduceOnly},` +
      `"TriggerPrice":${f.triggerPrice},"OrderExpiry":${f.orderExpiry},"ExpiredAt":${f.expiredAt},` +
      `"Nonce":${f.nonce},"Sig":"${sig}","L2TxAttributes":${attributesJson(f.attributes)}}`,
    options,
  );
}
