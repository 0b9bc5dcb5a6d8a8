/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Values transcribed from lighter-go types/txtypes/constants.go and lighter-python signer_client.py (chain ids).
 */

/**
 * Lighter protocol constants used by the signer: chain ids, transaction types, order enums and the field
 * limits that lighter-go's `Validate()` enforces.
 * @module
 */

/** Lighter mainnet chain id, hashed into every transaction. */
export const LIGHTER_MAINNET_CHAIN_ID = 304;
/** Lighter testnet chain id. */
export const LIGHTER_TESTNET_CHAIN_ID = 300;

/** Transaction type of CreateOrder. */
export const TX_TYPE_CREATE_ORDER = 14;
/** Transaction type of CancelOrder. */
export const TX_TYPE_CANCEL_ORDER = 15;
/** Transaction type of CancelAllOrders. */
export const TX_TYPE_CANCEL_ALL_ORDERS = 16;

/** Order types (`Type`). */
export const OrderType = {
  Limit: 0,
  Market: 1,
  StopLoss: 2,
  StopLossLimit: 3,
  TakeProfit: 4,
  TakeProfitLimit: 5,
  Twap: 6,
} as const;

/** Order time in force (`TimeInForce` of CreateOrder). */
export const TimeInForce = {
  ImmediateOrCancel: 0,
  GoodTillTime: 1,
  PostOnly: 2,
} as const;

/** CancelAllOrders time in force: cancel now, schedule a cancel-all at `Time`, or abort a scheduled one. */
export const CancelAllTimeInForce = {
  Immediate: 0,
  Scheduled: 1,
  AbortScheduled: 2,
} as const;

/** Self-trade behaviour (attribute 6). */
export const SelfTradeBehavior = {
  ExpireMaker: 0,
  ExpireTaker: 1,
  CancelBoth: 2,
  Reduce: 3,
} as const;

/** Self-trade equality (attribute 7). */
export const SelfTradeEquality = {
  AccountIndex: 0,
  MasterAccountIndex: 1,
} as const;

/** Smallest account index `Validate()` accepts (−1, as upstream allows). */
export const MIN_ACCOUNT_INDEX = -1n;
/** Largest account index, 2^48 − 2. */
export const MAX_ACCOUNT_INDEX = (1n << 48n) - 2n;
/** Largest API key index usable for signing. */
export const MAX_API_KEY_INDEX = 254n;
/** The "no API key" index accepted by CancelAllOrders. */
export const NIL_API_KEY_INDEX = 255n;
/** Perpetual market indexes are 0..254. */
export const MAX_PERPS_MARKET_INDEX = 254n;
/** The "no market" index (CancelAllMarketIndex default). */
export const NIL_MARKET_INDEX = 255n;
/** Spot market indexes are 2048..4094. */
export const MIN_SPOT_MARKET_INDEX = 2048n;
/** Largest spot market index. */
export const MAX_SPOT_MARKET_INDEX = 4094n;
/** Largest client order index, 2^48 − 1 (0 means none). */
export const MAX_CLIENT_ORDER_INDEX = (1n << 48n) - 1n;
/** Largest exchange order index, 2^60 − 1. */
export const MAX_ORDER_INDEX = (1n << 60n) - 1n;
/** Largest base amount, 2^48 − 1. */
export const MAX_ORDER_BASE_AMOUNT = (1n << 48n) - 1n;
/** Largest price and trigger price, 2^32 − 1. */
export const MAX_ORDER_PRICE = (1n << 32n) - 1n;
/** Largest order expiry (Go `math.MaxInt64`). */
export const MAX_ORDER_EXPIRY = (1n << 63n) - 1n;
/** Largest `ExpiredAt`, 2^48 − 1 milliseconds. */
export const MAX_TIMESTAMP = (1n << 48n) - 1n;
/** Integrator fees are at most 1,000,000 (100 %). */
export const FEE_TICK = 1_000_000n;
/** At most four attributes per transaction. */
export const MAX_ATTRIBUTES_PER_TX = 4;
