/** Flag and environment validation: defaults, exact decimals, and refusals that name the flag and the value. */
import assert from "node:assert/strict";
import {
  closeSideOf,
  decimalFlag,
  DEFAULT_TIMEZONE,
  integerFlag,
  isValidTimezone,
  parseDirection,
  parseEnvSettings,
  parseExchange,
  parseRunOptions,
  parseTicker,
  positiveDecimalFlag,
  type RawRunOptions,
  RUN_DEFAULTS,
} from "../../bot/config.ts";
import { ConfigError } from "../../bot/errors.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { EXCHANGE_NAMES } from "../../exchanges/names.ts";

/** The options commander hands over when the user types no flag. */
function raw(overrides: Partial<RawRunOptions> = {}): RawRunOptions {
  const { envFile: _envFile, logDir: _logDir, ...flags } = RUN_DEFAULTS;
  return { ...flags, boost: false, ...overrides };
}

/** Asserts a ConfigError for `field` whose message quotes `value`. */
function assertConfigError(
  fn: () => unknown,
  field: string,
  value: string,
  label = `${field} ${value}`,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `${label}: expected a ConfigError, got ${e}`);
    assert.equal(e.name, "ConfigError");
    assert.equal(e.field, field, label);
    assert.ok(e.message.startsWith(`${field}: `), `${label}: ${e.message}`);
    assert.ok(
      e.message.includes(value),
      `${label}: message "${e.message}" should quote ${JSON.stringify(value)}`,
    );
    return true;
  }, label);
}

Deno.test("parseRunOptions with no flags gives the documented defaults", () => {
  const config = parseRunOptions(raw());
  assert.equal(config.exchange, "edgex");
  assert.equal(config.ticker, "ETH");
  assert.equal(config.quantity.toString(), "0.1");
  assert.equal(config.takeProfit.toString(), "0.02");
  assert.equal(config.direction, "buy");
  assert.equal(config.maxOrders, 40);
  assert.equal(config.waitTimeMs, 450_000);
  assert.equal(config.gridStep.toString(), "-100");
  assert.equal(config.stopPrice, undefined);
  assert.equal(config.pausePrice, undefined);
  assert.equal(config.boost, false);
  assert.equal(config.durationMs, undefined);
  assert.equal(RUN_DEFAULTS.envFile, ".env");
  assert.equal(RUN_DEFAULTS.logDir, "logs");
});

Deno.test("decimal flags are exact: 0.1 stays 0.1, never a float", () => {
  const config = parseRunOptions(
    raw({ quantity: "0.1", takeProfit: "0.07", gridStep: "0.3", stopPrice: "3000.1" }),
  );
  assert.ok(config.quantity instanceof Decimal);
  assert.ok(config.quantity.eq(new Decimal("0.1")));
  assert.equal(config.quantity.mul(3).toString(), "0.3"); // 0.30000000000000004 through a float
  assert.equal(config.takeProfit.toString(), "0.07");
  assert.equal(config.takeProfit.div(100).toString(), "0.0007");
  assert.equal(config.gridStep.toString(), "0.3");
  assert.equal(config.stopPrice?.toString(), "3000.1");
  const many = parseRunOptions(raw({ quantity: "0.12345678901234567890123" }));
  assert.equal(many.quantity.toString(), "0.12345678901234567890123");
});

Deno.test("parseRunOptions reads valid values", () => {
  const config = parseRunOptions(raw({
    exchange: " Paper ",
    ticker: "sol",
    quantity: "2.5",
    takeProfit: "0.5",
    direction: "SELL",
    maxOrders: "1",
    waitTime: "0",
    gridStep: "0",
    stopPrice: "120.5",
    pausePrice: "130",
    boost: true,
    duration: "1h30m",
  }));
  assert.equal(config.exchange, "paper");
  assert.equal(config.ticker, "SOL");
  assert.equal(config.quantity.toString(), "2.5");
  assert.equal(config.direction, "sell");
  assert.equal(config.maxOrders, 1);
  assert.equal(config.waitTimeMs, 0);
  assert.equal(config.gridStep.toString(), "0");
  assert.equal(config.stopPrice?.toString(), "120.5");
  assert.equal(config.pausePrice?.toString(), "130");
  assert.equal(config.boost, true);
  assert.equal(config.durationMs, 5_400_000);
});

Deno.test("-1 turns the stop and pause prices off; other values must be > 0", () => {
  for (const off of ["-1", "-1.0", "-1.000", " -1 "]) {
    const config = parseRunOptions(raw({ stopPrice: off, pausePrice: off }));
    assert.equal(config.stopPrice, undefined, off);
    assert.equal(config.pausePrice, undefined, off);
  }
  for (const flag of ["stopPrice", "pausePrice"] as const) {
    const name = flag === "stopPrice" ? "--stop-price" : "--pause-price";
    for (const bad of ["0", "-2", "-0.5", "-1.5", "-0"]) {
      assertConfigError(() => parseRunOptions(raw({ [flag]: bad })), name, bad);
    }
    for (const bad of ["abc", "1e3", "", "NaN", "Infinity", "1,5"]) {
      assertConfigError(() => parseRunOptions(raw({ [flag]: bad })), name, `"${bad}"`);
    }
    assert.equal(parseRunOptions(raw({ [flag]: "0.00001" }))[flag]?.toString(), "0.00001");
  }
});

Deno.test("every invalid run flag raises a ConfigError naming the flag and the value", () => {
  const table: [overrides: Partial<RawRunOptions>, field: string, quoted: string][] = [
    [{ exchange: "binance" }, "--exchange", "binance"],
    [{ exchange: "" }, "--exchange", '""'],
    [{ ticker: "ETH-USD" }, "--ticker", "ETH-USD"],
    [{ ticker: "" }, "--ticker", '""'],
    [{ ticker: "E TH" }, "--ticker", "E TH"],
    [{ ticker: "A".repeat(21) }, "--ticker", "A".repeat(21)],
    [{ quantity: "0" }, "--quantity", "0"],
    [{ quantity: "-0.1" }, "--quantity", "-0.1"],
    [{ quantity: "-1" }, "--quantity", "-1"],
    [{ quantity: "1e3" }, "--quantity", "1e3"],
    [{ quantity: "1E-2" }, "--quantity", "1E-2"],
    [{ quantity: "abc" }, "--quantity", "abc"],
    [{ quantity: "" }, "--quantity", '""'],
    [{ quantity: "0x10" }, "--quantity", "0x10"],
    [{ quantity: "NaN" }, "--quantity", "NaN"],
    [{ quantity: "Infinity" }, "--quantity", "Infinity"],
    [{ takeProfit: "0" }, "--take-profit", "0"],
    [{ takeProfit: "-0.02" }, "--take-profit", "-0.02"],
    [{ takeProfit: "100" }, "--take-profit", "100"],
    [{ takeProfit: "150" }, "--take-profit", "150"],
    [{ takeProfit: "2e-2" }, "--take-profit", "2e-2"],
    [{ direction: "long" }, "--direction", "long"],
    [{ direction: "" }, "--direction", '""'],
    [{ maxOrders: "0" }, "--max-orders", "0"],
    [{ maxOrders: "-1" }, "--max-orders", "-1"],
    [{ maxOrders: "1.5" }, "--max-orders", "1.5"],
    [{ maxOrders: "1e2" }, "--max-orders", "1e2"],
    [{ maxOrders: "ten" }, "--max-orders", "ten"],
    [{ maxOrders: "" }, "--max-orders", '""'],
    [{ maxOrders: "10001" }, "--max-orders", "10001"],
    [{ maxOrders: "99999999999999999999" }, "--max-orders", "99999999999999999999"],
    [{ waitTime: "-1" }, "--wait-time", "-1"],
    [{ waitTime: "1.5" }, "--wait-time", "1.5"],
    [{ waitTime: "5s" }, "--wait-time", "5s"],
    [{ waitTime: String(31 * 86_400 + 1) }, "--wait-time", String(31 * 86_400 + 1)],
    [{ gridStep: "-100.01" }, "--grid-step", "-100.01"],
    [{ gridStep: "-200" }, "--grid-step", "-200"],
    [{ gridStep: "x" }, "--grid-step", "x"],
    [{ gridStep: "1e1" }, "--grid-step", "1e1"],
    [{ duration: "" }, "--duration", '""'],
    [{ duration: "90" }, "--duration", "90"],
    [{ duration: "0s" }, "--duration", "0s"],
    [{ duration: "1.5h" }, "--duration", "1.5h"],
    [{ duration: "-1h" }, "--duration", "-1h"],
  ];
  for (const [overrides, field, quoted] of table) {
    assertConfigError(() => parseRunOptions(raw(overrides)), field, quoted, JSON.stringify(overrides));
  }
});

Deno.test("integer flags accept their bounds and nothing beyond", () => {
  assert.equal(parseRunOptions(raw({ maxOrders: "1" })).maxOrders, 1);
  assert.equal(parseRunOptions(raw({ maxOrders: "10000" })).maxOrders, 10_000);
  assert.equal(parseRunOptions(raw({ maxOrders: " 40 " })).maxOrders, 40);
  assert.equal(parseRunOptions(raw({ waitTime: String(31 * 86_400) })).waitTimeMs, 31 * 86_400 * 1000);
  assert.equal(integerFlag("--n", "+5", 0, 10), 5);
  assert.equal(integerFlag("--n", "007", 0, 10), 7);
  assert.equal(integerFlag("--n", "-3", -5, 10), -3);
  assertConfigError(() => integerFlag("--n", "11", 0, 10), "--n", "11");
  assertConfigError(() => integerFlag("--n", "-6", -5, 10), "--n", "-6");
});

Deno.test("the grid step accepts -100 (off) and anything above", () => {
  for (const ok of ["-100", "-99.99", "-50", "0", "0.5", "10"]) {
    assert.equal(parseRunOptions(raw({ gridStep: ok })).gridStep.toString(), new Decimal(ok).toString(), ok);
  }
  assert.equal(parseRunOptions(raw({ takeProfit: "99.99" })).takeProfit.toString(), "99.99");
});

Deno.test("--boost is accepted on aster, backpack and paper only", () => {
  const allowed = new Set(["aster", "backpack", "paper"]);
  for (const exchange of EXCHANGE_NAMES) {
    if (allowed.has(exchange)) {
      assert.equal(parseRunOptions(raw({ exchange, boost: true })).boost, true, exchange);
    } else {
      assertConfigError(() => parseRunOptions(raw({ exchange, boost: true })), "--boost", exchange);
    }
    assert.equal(parseRunOptions(raw({ exchange, boost: false })).exchange, exchange);
  }
});

Deno.test("parseExchange, parseTicker and parseDirection normalise case and blanks", () => {
  for (const name of EXCHANGE_NAMES) {
    assert.equal(parseExchange(name.toUpperCase()), name);
    assert.equal(parseExchange(` ${name} `), name);
  }
  assertConfigError(() => parseExchange("Kraken"), "--exchange", "Kraken");
  assert.ok(/edgex, backpack, paradex, aster, lighter, paper/.test(catchMessage(() => parseExchange("x"))));
  const tickers: [text: string, expected: string][] = [
    ["eth", "ETH"],
    [" btc ", "BTC"],
    ["1000PEPE", "1000PEPE"],
    ["kBonk", "KBONK"],
    ["A".repeat(20), "A".repeat(20)],
  ];
  for (const [text, expected] of tickers) assert.equal(parseTicker(text), expected);
  for (const bad of ["ETH/USDC", "ETH_USDC", "é", "ETH\tUSD", "."]) {
    assertConfigError(() => parseTicker(bad), "--ticker", bad);
  }
  assert.equal(parseDirection("Buy"), "buy");
  assert.equal(parseDirection(" sell "), "sell");
  assertConfigError(() => parseDirection("short"), "--direction", "short");
  assert.equal(closeSideOf("buy"), "sell");
  assert.equal(closeSideOf("sell"), "buy");
});

Deno.test("decimalFlag and positiveDecimalFlag", () => {
  assert.equal(decimalFlag("--x", "-0.5").toString(), "-0.5");
  assert.equal(decimalFlag("--x", ".5").toString(), "0.5");
  assertConfigError(() => decimalFlag("--x", "1e3"), "--x", '"1e3"');
  assert.equal(positiveDecimalFlag("--x", "0.000001").toString(), "0.000001");
  assertConfigError(() => positiveDecimalFlag("--x", "0"), "--x", "0");
  assertConfigError(() => positiveDecimalFlag("--x", "-0.000001"), "--x", "-0.000001");
});

Deno.test("parseEnvSettings: TIMEZONE defaults to Asia/Shanghai and must be an IANA zone", () => {
  assert.equal(DEFAULT_TIMEZONE, "Asia/Shanghai");
  assert.deepEqual(parseEnvSettings({}), { accountName: undefined, timezone: "Asia/Shanghai" });
  assert.equal(parseEnvSettings({ TIMEZONE: "" }).timezone, "Asia/Shanghai");
  assert.equal(parseEnvSettings({ TIMEZONE: "  " }).timezone, "Asia/Shanghai");
  for (const tz of ["UTC", "Europe/Berlin", "America/New_York", " Asia/Tokyo "]) {
    assert.equal(parseEnvSettings({ TIMEZONE: tz }).timezone, tz.trim());
    assert.ok(isValidTimezone(tz.trim()));
  }
  for (const tz of ["Mars/Olympus", "GMT+25", "Asia/Shanghai/X", "not a zone"]) {
    assert.equal(isValidTimezone(tz), false, tz);
    assertConfigError(() => parseEnvSettings({ TIMEZONE: tz }), "TIMEZONE", tz);
  }
});

Deno.test("parseEnvSettings: ACCOUNT_NAME is optional and safe to use in a file name", () => {
  assert.equal(parseEnvSettings({ ACCOUNT_NAME: "" }).accountName, undefined);
  assert.equal(parseEnvSettings({ ACCOUNT_NAME: "   " }).accountName, undefined);
  for (const name of ["main", "acc_2", "my-bot.1", " main ", "A".repeat(64)]) {
    assert.equal(parseEnvSettings({ ACCOUNT_NAME: name }).accountName, name.trim(), name);
  }
  for (const name of ["../etc", "a/b", "a b", "a\\b", "näme", "x:y", "A".repeat(65)]) {
    assertConfigError(() => parseEnvSettings({ ACCOUNT_NAME: name }), "ACCOUNT_NAME", name);
  }
});

function catchMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}
