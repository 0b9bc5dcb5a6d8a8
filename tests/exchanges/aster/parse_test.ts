/**
 * Aster parsing: exchange info with integer and zero-padded increments, orders and their status mapping,
 * book tickers, positions, stream events, error bodies, and malformed input that must become a
 * VenueDataError (never a crash, never a value acted upon).
 */
import assert from "node:assert/strict";
import { Decimal } from "../../../exchanges/decimal.ts";
import { VenueDataError } from "../../../exchanges/venue.ts";
import {
  isPostOnlyExpiry,
  OrderFees,
  parseApiError,
  parseBookTicker,
  parseExchangeInfo,
  parseListenKey,
  parseOrder,
  parseOrders,
  parsePositionRisk,
  parseStreamMessage,
  perpSymbol,
} from "../../../exchanges/aster/parse.ts";
import { restOrder, TRADE_UPDATE } from "./samples.ts";

function dataError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VenueDataError, `expected VenueDataError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

function info(
  symbol: string,
  tick: unknown,
  step: unknown,
  minQty: unknown,
  extra: Record<string, unknown> = {},
) {
  return {
    timezone: "UTC",
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 1200 },
      { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 300 },
    ],
    symbols: [
      { symbol: "BTCUSDT", status: "TRADING", contractType: "PERPETUAL", filters: [] },
      {
        symbol,
        status: "TRADING",
        contractType: "PERPETUAL",
        baseAsset: symbol.replace("USDT", ""),
        quoteAsset: "USDT",
        pricePrecision: 7,
        filters: [
          { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "100000", tickSize: tick },
          { filterType: "LOT_SIZE", stepSize: step, minQty, maxQty: "100000" },
          { filterType: "MARKET_LOT_SIZE", stepSize: "1", minQty: "1", maxQty: "1000" },
          { filterType: "MIN_NOTIONAL", notional: "5" },
        ],
        ...extra,
      },
    ],
  };
}

const ORDER = restOrder({
  orderId: 22542179,
  clientOrderId: "4242",
  avgPrice: "0.00000",
  origQty: "0.40",
  updateTime: 1700000000000,
});

function update(o: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ ...TRADE_UPDATE, o: { ...TRADE_UPDATE.o, ...o }, ...extra });
}

Deno.test("aster parse: perpetual symbol", () => {
  assert.equal(perpSymbol("sol"), "SOLUSDT");
});

Deno.test("aster parse: exchange info reads filters, integer ticks and zero-padded decimals", () => {
  // The BTCUSDT entry has no filters: only the asked symbol is read.
  const b = parseExchangeInfo(info("ETHUSDT", "10", "1", "0.00100000"), "ETH");
  assert.ok(b.market !== undefined);
  assert.equal(b.market.symbol, "ETHUSDT");
  assert.equal(b.market.ticker, "ETH");
  assert.ok(b.market.tickSize.eq(10) && b.market.tickSize.toFixed() === "10");
  assert.equal(b.market.stepSize.toFixed(), "1");
  assert.equal(b.market.minQuantity.toFixed(), "0.001");
  assert.equal(b.weightLimit, 1200);
  assert.equal(b.status, "TRADING");
  const c = parseExchangeInfo(info("SOLUSDT", "0.00100000", "0.01000000", "0.02"), "SOL");
  assert.equal(c.market!.tickSize.toFixed(), "0.001");
  assert.equal(c.market!.stepSize.toFixed(), "0.01");
  const d = parseExchangeInfo({ symbols: info("SOLUSDT", "1", "1", "1").symbols }, "SOL");
  assert.equal(d.weightLimit, 2400, "default weight limit");
  assert.equal(parseExchangeInfo(info("SOLUSDT", "1", "1", "1"), "DOGE").market, undefined);
  // A minQty of zero falls back to the step.
  assert.equal(
    parseExchangeInfo(info("SOLUSDT", "0.01", "0.1", "0"), "SOL").market!.minQuantity.toFixed(),
    "0.1",
  );
});

Deno.test("aster parse: malformed exchange info is a VenueDataError", () => {
  dataError(() => parseExchangeInfo(null, "SOL"), /expected an object/);
  dataError(() => parseExchangeInfo({ symbols: "x" }, "SOL"), /symbols/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", "0", "1", "1"), "SOL"), /tickSize 0 must be > 0/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", "NaN", "1", "1"), "SOL"), /tickSize "NaN"/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", 0.01, "1", "1"), "SOL"), /tickSize must be a decimal/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", "1e-2", "1", "1"), "SOL"), /not a decimal/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", "0.01", "-1", "1"), "SOL"), /stepSize -1 must be > 0/);
  dataError(() => parseExchangeInfo(info("SOLUSDT", "0.01", "1", "-1"), "SOL"), /minQty -1/);
  dataError(
    () => parseExchangeInfo(info("SOLUSDT", "0.01", "1", "1", { filters: [] }), "SOL"),
    /no PRICE_FILTER/,
  );
  const noLimit = info("SOLUSDT", "0.01", "1", "1");
  noLimit.rateLimits[0] = { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: -5 };
  dataError(() => parseExchangeInfo(noLimit, "SOL"), /limit/);
});

Deno.test("aster parse: orders, statuses and market-order prices", () => {
  const o = parseOrder(ORDER, "order");
  assert.equal(o.orderId, "22542179");
  assert.equal(o.clientId, "4242");
  assert.equal(o.side, "buy");
  assert.equal(o.status, "OPEN");
  assert.equal(o.price.toFixed(), "150.05");
  assert.equal(o.quantity.toFixed(), "0.4");
  assert.ok(o.filled.isZero());
  assert.equal(o.avgPrice, undefined);
  assert.equal(o.fee, undefined, "REST answers carry no fee");
  assert.equal(o.reduceOnly, false);
  const cases: [string, string][] = [
    ["NEW", "OPEN"],
    ["PARTIALLY_FILLED", "PARTIALLY_FILLED"],
    ["FILLED", "FILLED"],
    ["CANCELED", "CANCELED"],
    ["EXPIRED", "CANCELED"],
    ["REJECTED", "REJECTED"],
  ];
  for (const [venue, ours] of cases) assert.equal(parseOrder({ ...ORDER, status: venue }, "o").status, ours);
  const expired = parseOrder({ ...ORDER, status: "EXPIRED" }, "o");
  assert.ok(isPostOnlyExpiry(expired));
  assert.ok(!isPostOnlyExpiry(parseOrder({ ...ORDER, status: "EXPIRED", executedQty: "0.1" }, "o")));
  assert.ok(!isPostOnlyExpiry(parseOrder({ ...ORDER, status: "EXPIRED", timeInForce: "IOC" }, "o")));
  const market = parseOrder({
    ...ORDER,
    type: "MARKET",
    timeInForce: "GTC",
    price: "0",
    avgPrice: "150.12",
    status: "FILLED",
    executedQty: "0.4",
    cumQuote: "60.048",
  }, "o");
  assert.equal(market.price.toFixed(), "150.12");
  assert.equal(market.avgPrice!.toFixed(), "150.12");
  assert.equal(market.status, "FILLED");
  const string = parseOrder({ ...ORDER, orderId: "123" }, "o");
  assert.equal(string.orderId, "123");
  const list = parseOrders([ORDER, { ...ORDER, orderId: 2 }], "SOLUSDT", "open orders");
  assert.deepEqual(list.map((x) => x.orderId), ["22542179", "2"]);
  dataError(() => parseOrders([{ ...ORDER, symbol: "BTCUSDT" }], "SOLUSDT", "open orders"), /symbol must be/);
  // A stop that closes the position (set by hand) has no quantity; it is not one of the bot's orders.
  const stop = { ...ORDER, orderId: 3, type: "STOP_MARKET", price: "0", origQty: "0", stopPrice: "120" };
  assert.deepEqual(parseOrders([stop, ORDER], "SOLUSDT", "open orders").map((x) => x.orderId), ["22542179"]);
  dataError(() => parseOrders([{ ...ORDER, type: 5 }], "SOLUSDT", "open orders"), /type must be a string/);
});

Deno.test("aster parse: malformed orders are a VenueDataError", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ orderId: undefined }, /orderId must be an order id/],
    [{ orderId: -1 }, /orderId/],
    [{ orderId: 1.5 }, /orderId/],
    [{ status: "WEIRD" }, /unknown order status/],
    [{ status: 1 }, /status must be a non-empty string/],
    [{ side: "buy" }, /side must be/],
    [{ origQty: "0" }, /origQty 0 must be > 0/],
    [{ origQty: "-1" }, /origQty/],
    [{ executedQty: "NaN" }, /executedQty "NaN"/],
    [{ executedQty: "0.5" }, /executedQty 0.5 exceeds origQty 0.4/],
    [{ executedQty: -0.1 }, /executedQty must be a decimal string/],
    [{ price: "Infinity" }, /price "Infinity"/],
    [{ price: "0" }, /LIMIT order must have a price/],
    [{ reduceOnly: "false" }, /reduceOnly must be a boolean/],
    [{ type: undefined }, /type must be/],
  ];
  for (const [patch, pattern] of bad) dataError(() => parseOrder({ ...ORDER, ...patch }, "order"), pattern);
  dataError(() => parseOrder("x", "order"), /expected an object/);
  dataError(() => parseOrders({}, "SOLUSDT", "open orders"), /expected an array/);
});

Deno.test("aster parse: random corruption of an order is a VenueDataError or a valid order, never a crash", () => {
  const values: unknown[] = [
    null,
    undefined,
    "",
    "x",
    "-1",
    "1e5",
    "NaN",
    0,
    -3,
    1.5,
    true,
    {},
    [],
    "0.5",
    "2",
  ];
  const keys = Object.keys(ORDER);
  for (let i = 0; i < 500; i++) {
    const o: Record<string, unknown> = { ...ORDER };
    const n = 1 + (i % 3);
    for (let j = 0; j < n; j++) {
      o[keys[(i * 7 + j * 13) % keys.length]!] = values[(i * 5 + j * 3) % values.length];
    }
    try {
      const parsed = parseOrder(o, "order");
      assert.ok(parsed.quantity.gt(0) && parsed.filled.gte(0) && parsed.filled.lte(parsed.quantity));
    } catch (e) {
      assert.ok(e instanceof VenueDataError, `${JSON.stringify(o)}: ${e}`);
    }
  }
});

Deno.test("aster parse: book ticker, crossed and empty books refused", () => {
  const ok = parseBookTicker(
    { symbol: "SOLUSDT", bidPrice: "150.00", bidQty: "3", askPrice: "150.10", askQty: "2", time: 1 },
    "SOLUSDT",
  );
  assert.equal(ok.bid.toFixed(), "150");
  assert.equal(ok.ask.toFixed(), "150.1");
  dataError(
    () => parseBookTicker({ symbol: "SOLUSDT", bidPrice: "150.2", askPrice: "150.1" }, "SOLUSDT"),
    /crossed book/,
  );
  dataError(
    () => parseBookTicker({ symbol: "SOLUSDT", bidPrice: "150.1", askPrice: "150.1" }, "SOLUSDT"),
    /crossed book/,
  );
  dataError(
    () => parseBookTicker({ symbol: "SOLUSDT", bidPrice: "0", askPrice: "1" }, "SOLUSDT"),
    /bidPrice 0/,
  );
  dataError(() => parseBookTicker({ symbol: "BTCUSDT", bidPrice: "1", askPrice: "2" }, "SOLUSDT"), /symbol/);
});

Deno.test("aster parse: position risk sums the symbol's entries, signed", () => {
  const json = [
    { symbol: "BTCUSDT", positionAmt: "5", positionSide: "BOTH" },
    { symbol: "SOLUSDT", positionAmt: "-1.5", positionSide: "SHORT" },
    { symbol: "SOLUSDT", positionAmt: "0.4", positionSide: "LONG" },
  ];
  assert.equal(parsePositionRisk(json, "SOLUSDT").toFixed(), "-1.1");
  assert.ok(parsePositionRisk([], "SOLUSDT").isZero());
  dataError(() => parsePositionRisk([{ symbol: "SOLUSDT", positionAmt: "abc" }], "SOLUSDT"), /positionAmt/);
  dataError(() => parsePositionRisk([{ symbol: "SOLUSDT" }], "SOLUSDT"), /positionAmt must be/);
  dataError(() => parsePositionRisk({ symbol: "SOLUSDT" }, "SOLUSDT"), /expected an array/);
  dataError(() => parsePositionRisk([{ positionAmt: "1" }], "SOLUSDT"), /symbol must be a string/);
});

Deno.test("aster parse: stream events", () => {
  const m = parseStreamMessage(update({}));
  assert.equal(m.kind, "order");
  if (m.kind !== "order") return;
  assert.equal(m.update.orderId, "9001");
  assert.equal(m.update.clientId, "77");
  assert.equal(m.update.side, "sell");
  assert.equal(m.update.status, "PARTIALLY_FILLED");
  assert.equal(m.update.filled.toFixed(), "0.5");
  assert.equal(m.update.avgPrice!.toFixed(), "151.5");
  assert.equal(m.update.commission!.toFixed(), "0.0303");
  assert.equal(m.update.fee, undefined, "the fee is the sum of the trades' commissions, kept by the owner");
  assert.equal(m.update.executionType, "TRADE");
  assert.equal(m.update.eventTime, 1700000000001);
  const expired = parseStreamMessage(update({ X: "EXPIRED", x: "EXPIRED", z: "0", ap: "0", n: undefined }));
  assert.ok(
    expired.kind === "order" && expired.update.status === "CANCELED" &&
      expired.update.commission === undefined,
  );
  const otherAsset = parseStreamMessage(update({ N: "ASTER" }));
  assert.ok(
    otherAsset.kind === "order" && otherAsset.update.commission === undefined,
    "a fee in a fee token is not quote",
  );
  const wrapped = parseStreamMessage(JSON.stringify({ stream: "k", data: JSON.parse(update({})) }));
  assert.equal(wrapped.kind, "order");
  const ticker = parseStreamMessage(
    JSON.stringify({
      e: "bookTicker",
      u: 1,
      E: 2,
      T: 3,
      s: "SOLUSDT",
      b: "150",
      B: "1",
      a: "150.05",
      A: "2",
    }),
  );
  assert.deepEqual(
    ticker.kind === "bookTicker" && [ticker.symbol, ticker.bbo.bid.toFixed(), ticker.bbo.ask.toFixed()],
    [
      "SOLUSDT",
      "150",
      "150.05",
    ],
  );
  assert.deepEqual(parseStreamMessage(JSON.stringify({ e: "listenKeyExpired", E: 1 })), {
    kind: "listenKeyExpired",
  });
  assert.equal(parseStreamMessage(JSON.stringify({ e: "ACCOUNT_UPDATE", E: 1 })).kind, "other");
  assert.equal(
    parseStreamMessage(update({ o: "STOP_MARKET", q: "0", p: "0" })).kind,
    "other",
    "not the bot's",
  );
  assert.equal(parseStreamMessage(JSON.stringify({ result: null, id: 1 })).kind, "other");
});

Deno.test("aster parse: malformed stream events are a VenueDataError", () => {
  dataError(() => parseStreamMessage("{not json"), /not JSON/);
  dataError(() => parseStreamMessage("[1]"), /expected an object/);
  dataError(() => parseStreamMessage(update({ z: "3" })), /z 3 exceeds q 2/);
  dataError(() => parseStreamMessage(update({ z: "-1" })), /z -1 must be >= 0/);
  dataError(() => parseStreamMessage(update({ X: "NEW_THING" })), /unknown order status/);
  dataError(() => parseStreamMessage(update({ i: "abc" })), /i must be an order id/);
  dataError(() => parseStreamMessage(update({ n: "x" })), /n "x"/);
  dataError(
    () => parseStreamMessage(JSON.stringify({ e: "ORDER_TRADE_UPDATE", o: null })),
    /expected an object/,
  );
  dataError(
    () => parseStreamMessage(JSON.stringify({ e: "bookTicker", s: "SOLUSDT", b: "151", a: "150" })),
    /crossed book/,
  );
  dataError(() => parseStreamMessage(JSON.stringify({ e: "bookTicker", s: "SOLUSDT", b: "1" })), /a must be/);
});

Deno.test("aster parse: listen key and error bodies", () => {
  assert.equal(
    parseListenKey({ listenKey: "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1" }).length,
    64,
  );
  dataError(() => parseListenKey({}), /listenKey must be/);
  dataError(() => parseListenKey({ listenKey: "a/b" }), /unexpected characters/);
  assert.deepEqual(parseApiError('{"code":-2011,"msg":"Unknown order sent."}'), {
    code: -2011,
    msg: "Unknown order sent.",
  });
  assert.deepEqual(parseApiError('{"code":"-1021","msg":"x"}'), { code: -1021, msg: "x" });
  assert.deepEqual(parseApiError("<html>"), { code: undefined, msg: undefined });
  assert.deepEqual(parseApiError("null"), { code: undefined, msg: undefined });
  assert.ok(new Decimal("0.00100000").eq("0.001"));
});

Deno.test("aster parse: an order's fee is the sum of its trades' commissions, each trade counted once", () => {
  const trade = (z: string, n: string | undefined, extra: Record<string, unknown> = {}) => {
    const m = parseStreamMessage(update({ z, n, X: z === "2" ? "FILLED" : "PARTIALLY_FILLED", ...extra }));
    assert.equal(m.kind, "order");
    return (m as { update: Parameters<OrderFees["add"]>[0] }).update;
  };
  const fees = new OrderFees();
  assert.equal(fees.add(trade("0", "0", { x: "NEW", X: "NEW" })), undefined, "no trade yet");
  assert.equal(fees.add(trade("0.5", "0.01"))?.toFixed(), "0.01");
  assert.equal(fees.add(trade("0.5", "0.01"))?.toFixed(), "0.01", "a duplicate counts once");
  assert.equal(fees.add(trade("2", "0.03"))?.toFixed(), "0.04");
  assert.equal(fees.add(trade("1.2", "0.014"))?.toFixed(), "0.054", "a late trade still adds up");
  assert.equal(fees.add(trade("2", "0", { x: "CANCELED", X: "CANCELED" }))?.toFixed(), "0.054");
  assert.equal(fees.add(trade("1.5", "7", { N: "ASTER" }))?.toFixed(), "0.054", "another asset is left out");
  assert.equal(fees.add(trade("0.5", "-0.002", { i: 9002 }))?.toFixed(), "-0.002", "a rebate, per order");
  assert.equal(fees.covered("9001")?.toFixed(), "2", "the commissions cover the whole fill");
  assert.equal(fees.covered("9002")?.toFixed(), "0.5");
  assert.equal(fees.covered("1"), undefined);
});
