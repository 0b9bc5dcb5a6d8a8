/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Rules transcribed from the `Validate()` methods in lighter-go types/txtypes/*.go and errors.go.
 */

/**
 * Field rules shared by several transaction types, as lighter-go's `Validate()` methods apply them.
 * @module
 */

import {
  MAX_ACCOUNT_INDEX,
  MAX_API_KEY_INDEX,
  MAX_PERPS_MARKET_INDEX,
  MAX_SPOT_MARKET_INDEX,
  MAX_TIMESTAMP,
  MIN_ACCOUNT_INDEX,
  MIN_SPOT_MARKET_INDEX,
} from "./constants.ts";
import { reject } from "./tx_fields.ts";

/** AccountIndex in [−1, 2^48 − 2]. */
export function checkAccountIndex(tx: string, value: bigint): void {
  if (value < MIN_ACCOUNT_INDEX) {
    reject(tx, "AccountIndex", value, `should not be less than ${MIN_ACCOUNT_INDEX}`);
  }
  if (value > MAX_ACCOUNT_INDEX) {
    reject(tx, "AccountIndex", value, `should not be larger than ${MAX_ACCOUNT_INDEX}`);
  }
}

/** ApiKeyIndex at most 254. */
export function checkApiKeyIndex(tx: string, value: bigint): void {
  if (value > MAX_API_KEY_INDEX) {
    reject(tx, "ApiKeyIndex", value, `should not be larger than ${MAX_API_KEY_INDEX}`);
  }
}

/** Whether a market index is a perpetual market (0..254); otherwise it must be spot (2048..4094). */
export function checkMarketIndex(tx: string, value: bigint): { readonly isPerps: boolean } {
  const isPerps = value >= 0n && value <= MAX_PERPS_MARKET_INDEX;
  const isSpot = value >= MIN_SPOT_MARKET_INDEX && value <= MAX_SPOT_MARKET_INDEX;
  if (!isPerps && !isSpot) {
    reject(tx, "MarketIndex", value, "not a market: perps are 0..254, spot 2048..4094");
  }
  return { isPerps };
}

/** Nonce not negative. */
export function checkNonce(tx: string, value: bigint): void {
  if (value < 0n) reject(tx, "Nonce", value, "should not be less than 0");
}

/** ExpiredAt (milliseconds) in [0, 2^48 − 1]. */
export function checkExpiredAt(tx: string, value: bigint): void {
  if (value < 0n || value > MAX_TIMESTAMP) reject(tx, "ExpiredAt", value, `must be in [0, ${MAX_TIMESTAMP}]`);
}
