/**
 * Flags and environment → a validated {@link TradingConfig}. Every value is checked before anything touches a
 * venue; a bad one raises {@link ConfigError} naming the flag and the value.
 * @module
 */
import { Decimal, parseDecimal } from "../exchanges/decimal.ts";
import { BOOST_EXCHANGES, EXCHANGE_NAMES, type ExchangeName, isExchangeName } from "../exchanges/names.ts";
import type { Side } from "../exchanges/venue.ts";
import { parseDuration } from "./duration.ts";
import { ConfigError } from "./errors.ts";

/** Defaults of `perpbot run`, as the original documents them. */
export const RUN_DEFAULTS = {
  exchange: "edgex",
  ticker: "ETH",
  quantity: "0.1",
  takeProfit: "0.02",
  direction: "buy",
  maxOrders: "40",
  waitTime: "450",
  gridStep: "-100",
  stopPrice: "-1",
  pausePrice: "-1",
  envFile: ".env",
  logDir: "logs",
} as const;

/** The validated configuration of a trading run. */
export interface TradingConfig {
  readonly exchange: ExchangeName;
  /** Upper-case ticker (`ETH`). */
  readonly ticker: string;
  /** Quantity of each open order, in base units. */
  readonly quantity: Decimal;
  /** Take-profit distance in percent of the entry price. */
  readonly takeProfit: Decimal;
  readonly direction: Side;
  readonly maxOrders: number;
  /** Base cooldown between take-profits, ms. */
  readonly waitTimeMs: number;
  /** Grid step in percent; ≤ −100 means off. */
  readonly gridStep: Decimal;
  /** Stop price; `undefined` = off (`-1` on the command line). */
  readonly stopPrice: Decimal | undefined;
  /** Pause price; `undefined` = off. */
  readonly pausePrice: Decimal | undefined;
  readonly boost: boolean;
  /** Stop cleanly after this many ms; `undefined` = run until stopped. */
  readonly durationMs: number | undefined;
}

/** `run` flags as strings, exactly as typed (numbers are never parsed through a float). */
export interface RawRunOptions {
  exchange: string;
  ticker: string;
  quantity: string;
  takeProfit: string;
  direction: string;
  maxOrders: string;
  waitTime: string;
  gridStep: string;
  stopPrice: string;
  pausePrice: string;
  boost: boolean;
  duration?: string | undefined;
}

/** Side of the take-profit orders for a direction. */
export function closeSideOf(direction: Side): Side {
  return direction === "buy" ? "sell" : "buy";
}

/** Validates `--exchange`. */
export function parseExchange(text: string): ExchangeName {
  const name = text.trim().toLowerCase();
  if (!isExchangeName(name)) {
    throw new ConfigError(
      "--exchange",
      `unknown exchange "${text}"; choose one of ${EXCHANGE_NAMES.join(", ")}`,
    );
  }
  return name;
}

/** Validates `--ticker` and upper-cases it. */
export function parseTicker(text: string): string {
  const ticker = text.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,20}$/.test(ticker)) {
    throw new ConfigError("--ticker", `"${text}" is not a ticker (letters and digits, like ETH or 1000PEPE)`);
  }
  return ticker;
}

/** Validates `--direction`. */
export function parseDirection(text: string): Side {
  const d = text.trim().toLowerCase();
  if (d !== "buy" && d !== "sell") throw new ConfigError("--direction", `"${text}" must be buy or sell`);
  return d;
}

/** A decimal flag: exact text, finite. */
export function decimalFlag(flag: string, text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new ConfigError(flag, `"${text}" is not a decimal number`);
  return value;
}

/** A strictly positive decimal flag. */
export function positiveDecimalFlag(flag: string, text: string): Decimal {
  const value = decimalFlag(flag, text);
  if (value.lte(0)) throw new ConfigError(flag, `${text} must be greater than 0`);
  return value;
}

/** An integer flag within `[min, max]`. */
export function integerFlag(flag: string, text: string, min: number, max: number): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new ConfigError(flag, `"${text}" is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(flag, `${text} must be between ${min} and ${max}`);
  }
  return n;
}

/** A price flag where `-1` means off; anything else must be > 0. */
function optionalPriceFlag(flag: string, text: string): Decimal | undefined {
  const value = decimalFlag(flag, text);
  if (value.eq(-1)) return undefined;
  if (value.lte(0)) {
    throw new ConfigError(flag, `${text} must be a price greater than 0, or -1 to turn it off`);
  }
  return value;
}

/** Validates every `run` flag. */
export function parseRunOptions(raw: RawRunOptions): TradingConfig {
  const exchange = parseExchange(raw.exchange);
  const takeProfit = positiveDecimalFlag("--take-profit", raw.takeProfit);
  if (takeProfit.gte(100)) {
    throw new ConfigError("--take-profit", `${raw.takeProfit} must be below 100 (percent)`);
  }
  const gridStep = decimalFlag("--grid-step", raw.gridStep);
  if (gridStep.lt(-100)) {
    throw new ConfigError("--grid-step", `${raw.gridStep} must be -100 (off) or greater (percent)`);
  }
  if (raw.boost && !BOOST_EXCHANGES.has(exchange)) {
    throw new ConfigError(
      "--boost",
      `boost mode is available on ${[...BOOST_EXCHANGES].join(", ")} only, not on ${exchange}`,
    );
  }
  let durationMs: number | undefined;
  if (raw.duration !== undefined) {
    durationMs = parseDuration(raw.duration);
    if (durationMs === undefined || durationMs <= 0) {
      throw new ConfigError("--duration", `"${raw.duration}" is not a time span like 90s, 45m, 2h or 1h30m`);
    }
  }
  return {
    exchange,
    ticker: parseTicker(raw.ticker),
    quantity: positiveDecimalFlag("--quantity", raw.quantity),
    takeProfit,
    direction: parseDirection(raw.direction),
    maxOrders: integerFlag("--max-orders", raw.maxOrders, 1, 10_000),
    waitTimeMs: integerFlag("--wait-time", raw.waitTime, 0, 31 * 86_400) * 1000,
    gridStep,
    stopPrice: optionalPriceFlag("--stop-price", raw.stopPrice),
    pausePrice: optionalPriceFlag("--pause-price", raw.pausePrice),
    boost: raw.boost,
    durationMs,
  };
}

/** Settings that come from the environment, validated. */
export interface EnvSettings {
  readonly accountName: string | undefined;
  readonly timezone: string;
}

/** Default `TIMEZONE`, as the original documents it. */
export const DEFAULT_TIMEZONE = "Asia/Shanghai";

/** True when the runtime knows the IANA time zone. */
export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads `ACCOUNT_NAME` and `TIMEZONE`. */
export function parseEnvSettings(env: Readonly<Record<string, string>>): EnvSettings {
  const accountName = env.ACCOUNT_NAME?.trim() || undefined;
  if (accountName !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(accountName)) {
    throw new ConfigError(
      "ACCOUNT_NAME",
      `"${accountName}" may contain only letters, digits, "_", "-" and "." (it becomes part of file names)`,
    );
  }
  const timezone = env.TIMEZONE?.trim() || DEFAULT_TIMEZONE;
  if (!isValidTimezone(timezone)) {
    throw new ConfigError("TIMEZONE", `"${timezone}" is not an IANA time zone such as Asia/Shanghai or UTC`);
  }
  return { accountName, timezone };
}

/** Re-exported for the command layer. */
export { Decimal };
