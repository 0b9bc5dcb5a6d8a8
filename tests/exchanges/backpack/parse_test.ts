/**
 * Backpack response validation: well-formed answers become venue types; malformed ones (missing fields, wrong
 * types, NaN, negative sizes, crossed books, unknown statuses) become VenueDataError naming the value.
 */
import assert from "node:assert/strict";
import { Decimal } from "../../../exchanges/decimal.ts";
import { VenueDataError } from "../../../exchanges/venue.ts";
import {
  isDuplicateClientId,
  isNotFound,
  isPostOnlyCross,
  parseApiError,
  parseBookTicker,
  parseDepth,
  parseFillFees,
  parseMarket,
  parseOrder,
  parseOrders,
  parseOrderUpdate,
  parsePosition,
  parseStreamMessage,
  perpSymbol,
} from "../../../exchanges/backpack/parse.ts";

const d = (s: string) => new Decimal(s);

function dataError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VenueDataError, `expected VenueDataError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

function market(symbol: string, price: unknown, quantity: unknown, extra: Record<string, unknown> = {}) {
  return { symbol, marketType: "PERP", filters: { price, quantity }, orderBookState: "Open", ...extra };
}

Deno.test("backpack parse: perp symbol", () => {
  assert.equal(perpSymbol("eth"), "ETH_USDC_PERP");
  assert.equal(perpSymbol("SOL"), "SOL_USDC_PERP");
});

Deno.test("backpack parse: market filters, integer ticks, missing minQuantity, wrong market type", () => {
  const list = [
    market("SOL_USDC", { tickSize: "0.01" }, { stepSize: "0.01" }, { marketType: "SPOT" }),
    market("BTC_USDC_PERP", { tickSize: "10", minPrice: "10" }, {
      stepSize: "0.00001",
      minQuantity: "0.0001",
    }),
    market("ETH_USDC_PERP", { tickSize: "0.1" }, { stepSize: "0.001" }),
  ];
  const btc = parseMarket(list, "btc")!;
  assert.equal(btc.symbol, "BTC_USDC_PERP");
  assert.equal(btc.ticker, "BTC");
  assert.ok(btc.tickSize.eq(10));
  assert.equal(btc.tickSize.toFixed(), "10");
  assert.ok(btc.stepSize.eq(d("0.00001")));
  assert.ok(btc.minQuantity.eq(d("0.0001")));
  const eth = parseMarket(list, "ETH")!;
  assert.ok(eth.minQuantity.eq(eth.stepSize), "minQuantity defaults to the step");
  assert.equal(parseMarket(list, "DOGE"), undefined);
  // The single-market endpoint answers one object.
  assert.equal(parseMarket(list[2], "ETH")!.symbol, "ETH_USDC_PERP");
  // A spot market with the perp's name is not a perp.
  assert.equal(parseMarket([{ ...list[2], marketType: "SPOT" }], "ETH"), undefined);
});

Deno.test("backpack parse: malformed markets", () => {
  const cases: [unknown, RegExp][] = [
    [[{ symbol: "ETH_USDC_PERP" }], /filters/],
    [[market("ETH_USDC_PERP", undefined, { stepSize: "1" })], /filters\.price/],
    [[market("ETH_USDC_PERP", { tickSize: "0" }, { stepSize: "1" })], /tickSize 0 must be > 0/],
    [[market("ETH_USDC_PERP", { tickSize: "-0.1" }, { stepSize: "1" })], /tickSize -0.1 must be > 0/],
    [
      [market("ETH_USDC_PERP", { tickSize: 0.1 }, { stepSize: "1" })],
      /tickSize must be a decimal string, got 0.1/,
    ],
    [[market("ETH_USDC_PERP", { tickSize: "NaN" }, { stepSize: "1" })], /"NaN" is not a decimal/],
    [[market("ETH_USDC_PERP", { tickSize: "1e-2" }, { stepSize: "1" })], /"1e-2" is not a decimal/],
    [[market("ETH_USDC_PERP", { tickSize: "0.1" }, {})], /stepSize must be a decimal string, got missing/],
    [[market("ETH_USDC_PERP", { tickSize: "0.1" }, { stepSize: "1", minQuantity: "-1" })], /minQuantity -1/],
    ["not a list", /expected an object/],
  ];
  for (const [json, pattern] of cases) dataError(() => parseMarket(json, "ETH"), pattern);
});

Deno.test("backpack parse: depth is sorted here, empty levels skipped", () => {
  // Ascending bids (best last), as the venue sends them, and shuffled asks.
  const bbo = parseDepth({
    bids: [["99.0", "1"], ["99.5", "2"], ["100.1", "0"], ["100.0", "3"]],
    asks: [["100.4", "1"], ["100.2", "5"], ["100.1", "0"], ["101", "1"]],
    lastUpdateId: "1",
    timestamp: 1,
  }, "ETH_USDC_PERP");
  assert.ok(bbo.bid.eq(d("100.0")));
  assert.ok(bbo.ask.eq(d("100.2")));
  const descending = parseDepth({ bids: [["5", "1"], ["4", "1"]], asks: [["7", "1"], ["6", "1"]] }, "X");
  assert.deepEqual([descending.bid.toFixed(), descending.ask.toFixed()], ["5", "6"]);
});

Deno.test("backpack parse: malformed or crossed depth", () => {
  const cases: [unknown, RegExp][] = [
    [{ bids: [["100", "1"]], asks: [["100", "1"]] }, /crossed book: bid 100 >= ask 100/],
    [{ bids: [["101", "1"]], asks: [["100", "1"]] }, /crossed book/],
    [{ bids: [], asks: [["100", "1"]] }, /no bids/],
    [{ bids: [["99", "1"]], asks: [["100", "0"]] }, /no asks/],
    [{ bids: [["99", "-1"]], asks: [["100", "1"]] }, /quantity -1 must be >= 0/],
    [{ bids: [["NaN", "1"]], asks: [["100", "1"]] }, /"NaN" is not a decimal/],
    [{ bids: [["0", "1"]], asks: [["100", "1"]] }, /price 0 must be > 0/],
    [{ bids: [[99, "1"]], asks: [["100", "1"]] }, /price must be a decimal string/],
    [{ bids: [["99"]], asks: [["100", "1"]] }, /must be \[price, quantity\]/],
    [{ bids: [{ price: "99", size: "1" }], asks: [["100", "1"]] }, /expected an array/],
    [{ asks: [["100", "1"]] }, /bids: expected an array, got missing/],
    [null, /expected an object/],
  ];
  for (const [json, pattern] of cases) dataError(() => parseDepth(json, "ETH_USDC_PERP"), pattern);
});

const LIMIT = {
  id: "114575842681290753",
  clientId: 123,
  symbol: "ETH_USDC_PERP",
  side: "Bid",
  orderType: "Limit",
  status: "New",
  price: "3012.4",
  quantity: "0.5",
  executedQuantity: "0",
  executedQuoteQuantity: "0",
  postOnly: true,
  reduceOnly: false,
  timeInForce: "GTC",
  createdAt: 1748288615134,
};

Deno.test("backpack parse: order objects and status mapping", () => {
  const o = parseOrder(LIMIT);
  assert.equal(o.orderId, "114575842681290753");
  assert.equal(o.clientId, "123");
  assert.equal(o.side, "buy");
  assert.equal(o.status, "OPEN");
  assert.ok(o.price.eq(d("3012.4")));
  assert.ok(o.quantity.eq(d("0.5")));
  assert.ok(o.filled.isZero());
  assert.equal(o.avgPrice, undefined);
  assert.equal(o.postOnly, true);
  assert.equal(o.reduceOnly, false);

  const table: [Record<string, unknown>, string, string][] = [
    [{ status: "New" }, "OPEN", "0"],
    [{ status: "New", executedQuantity: "0.2", executedQuoteQuantity: "602.48" }, "PARTIALLY_FILLED", "0.2"],
    [{ status: "PartiallyFilled", executedQuantity: "0" }, "OPEN", "0"],
    [{ status: "PartiallyFilled", executedQuantity: "0.5" }, "FILLED", "0.5"],
    [{ status: "Filled", executedQuantity: "0.5" }, "FILLED", "0.5"],
    [{ status: "Cancelled", executedQuantity: "0.1" }, "CANCELED", "0.1"],
    [{ status: "Expired" }, "CANCELED", "0"],
    [{ status: "TriggerPending" }, "OPEN", "0"],
    [{ status: "TriggerFailed" }, "REJECTED", "0"],
  ];
  for (const [patch, status, filled] of table) {
    const p = parseOrder({ ...LIMIT, ...patch });
    assert.equal(p.status, status, JSON.stringify(patch));
    assert.equal(p.filled.toFixed(), filled);
    assert.equal(p.venueStatus, patch.status);
  }
  const partial = parseOrder({
    ...LIMIT,
    status: "PartiallyFilled",
    executedQuantity: "0.2",
    executedQuoteQuantity: "602.48",
  });
  assert.equal(partial.avgPrice!.toFixed(), "3012.4");

  const marketOrder = parseOrder({
    id: "7",
    side: "Ask",
    orderType: "Market",
    status: "Filled",
    quantity: "1",
    executedQuantity: "1",
    executedQuoteQuantity: "3000.5",
    clientId: "4294967295",
  });
  assert.equal(marketOrder.side, "sell");
  assert.ok(marketOrder.price.isZero(), "a market order has no limit price");
  assert.equal(marketOrder.avgPrice!.toFixed(), "3000.5");
  assert.equal(marketOrder.clientId, "4294967295");
  assert.equal(parseOrder({ ...LIMIT, id: 42 }).orderId, "42");
  assert.equal(parseOrder({ ...LIMIT, clientId: null }).clientId, undefined);
});

Deno.test("backpack parse: malformed orders", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ id: undefined }, /id must be an order id, got missing/],
    [{ id: "" }, /id must be an order id/],
    [{ id: 2 ** 60 }, /id must be an order id/],
    [{ side: "Buy" }, /side must be "Bid" or "Ask", got "Buy"/],
    [{ status: "Open" }, /unknown order status "Open"/],
    [{ status: undefined }, /status must be a non-empty string/],
    [{ quantity: undefined }, /quantity must be a decimal string, got missing/],
    [{ quantity: "-1" }, /quantity -1 must be >= 0/],
    [{ executedQuantity: undefined }, /executedQuantity must be a decimal string, got missing/],
    [{ executedQuantity: "0.6" }, /executedQuantity 0.6 exceeds quantity 0.5/],
    [{ executedQuantity: "NaN" }, /"NaN" is not a decimal/],
    [{ price: "0" }, /price 0 must be > 0/],
    [{ price: 3012.4 }, /price must be a decimal string/],
    [{ clientId: 2 ** 32 }, /clientId must be a uint32, got 4294967296/],
    [{ clientId: -1 }, /clientId must be a uint32/],
    [{ clientId: "c-17" }, /clientId must be a uint32/],
    [{ reduceOnly: "false" }, /reduceOnly must be a boolean/],
    [{ executedQuoteQuantity: "-5" }, /executedQuoteQuantity -5 must be >= 0/],
  ];
  for (const [patch, pattern] of cases) dataError(() => parseOrder({ ...LIMIT, ...patch }), pattern);
  dataError(() => parseOrder("nope"), /expected an object/);
  dataError(() => parseOrders({ orders: [] }, "ETH_USDC_PERP"), /expected an array/);
});

Deno.test("backpack parse: order lists keep the market's orders", () => {
  const list = parseOrders([
    LIMIT,
    { ...LIMIT, id: "2", symbol: "SOL_USDC_PERP" },
    { ...LIMIT, id: "3", symbol: undefined },
  ], "ETH_USDC_PERP");
  assert.deepEqual(list.map((o) => o.orderId), ["114575842681290753", "3"]);
  dataError(() => parseOrders([LIMIT, { ...LIMIT, side: 1 }], "ETH_USDC_PERP"), /orders\[1\]/);
});

Deno.test("backpack parse: signed positions", () => {
  const table: [unknown, string][] = [
    [[], "0"],
    [[{ symbol: "SOL_USDC_PERP", netQuantity: "5" }], "0"],
    [[{ symbol: "ETH_USDC_PERP", netQuantity: "-0.35", entryPrice: "3000" }], "-0.35"],
    [
      [{ symbol: "SOL_USDC_PERP", netQuantity: "-1" }, { symbol: "ETH_USDC_PERP", netQuantity: "1.2" }],
      "1.2",
    ],
    [[{ symbol: "ETH_USDC_PERP", netQuantity: "0" }], "0"],
  ];
  for (const [json, expected] of table) {
    assert.equal(parsePosition(json, "ETH_USDC_PERP").toFixed(), expected, JSON.stringify(json));
  }
  const bad: [unknown, RegExp][] = [
    [{ netQuantity: "1" }, /expected an array/],
    [[{ symbol: "ETH_USDC_PERP", netQuantity: 1 }], /netQuantity must be a decimal string/],
    [[{ symbol: "ETH_USDC_PERP" }], /netQuantity must be a decimal string, got missing/],
    [[{ symbol: "ETH_USDC_PERP", netQuantity: "abc" }], /"abc" is not a decimal/],
    [
      [{ symbol: "ETH_USDC_PERP", netQuantity: "1" }, { symbol: "ETH_USDC_PERP", netQuantity: "1" }],
      /two positions/,
    ],
    [[null], /expected an object/],
  ];
  for (const [json, pattern] of bad) dataError(() => parsePosition(json, "ETH_USDC_PERP"), pattern);
});

Deno.test("backpack parse: error bodies and their classification", () => {
  assert.deepEqual(
    parseApiError('{"code":"INVALID_ORDER","message":"Order would immediately match and take"}'),
    {
      code: "INVALID_ORDER",
      message: "Order would immediately match and take",
    },
  );
  assert.deepEqual(parseApiError("<html>bad gateway</html>"), {});
  assert.deepEqual(parseApiError('{"code":4006}'), { code: "4006" });
  assert.deepEqual(parseApiError("null"), {});

  const cross: [{ code?: string; message?: string }, boolean][] = [
    [{ code: "INVALID_ORDER", message: "Order would immediately match and take" }, true],
    [{ code: "INVALID_ORDER", message: "Post only order would cross the book" }, true],
    [{ code: "POST_ONLY_WOULD_CROSS" }, true],
    [{ code: "INVALID_ORDER", message: "Invalid quantity" }, false],
    [{ code: "INSUFFICIENT_MARGIN", message: "Insufficient margin" }, false],
    [{}, false],
  ];
  for (const [err, expected] of cross) assert.equal(isPostOnlyCross(err), expected, JSON.stringify(err));

  const dup: [{ code?: string; message?: string }, boolean][] = [
    [{ code: "INVALID_CLIENT_REQUEST", message: "Order with this clientId already exists" }, true],
    [{ code: "INVALID_ORDER", message: "Duplicate client order id" }, true],
    [{ code: "DUPLICATE_CLIENT_ID" }, true],
    [{ code: "INVALID_ORDER", message: "Invalid clientId" }, false],
    [{ code: "INVALID_ORDER", message: "Order already exists" }, false],
  ];
  for (const [err, expected] of dup) assert.equal(isDuplicateClientId(err), expected, JSON.stringify(err));

  assert.equal(isNotFound(404, {}), true);
  assert.equal(isNotFound(400, { code: "RESOURCE_NOT_FOUND" }), true);
  assert.equal(isNotFound(400, { message: "Order not found" }), true);
  assert.equal(isNotFound(400, { code: "INVALID_ORDER", message: "Invalid order" }), false);
});

Deno.test("backpack parse: stream frames", () => {
  const data = parseStreamMessage(
    '{"stream":"bookTicker.ETH_USDC_PERP","data":{"e":"bookTicker","a":"1","b":"0.5"}}',
  );
  assert.equal(data.kind, "data");
  assert.ok(data.kind === "data" && data.stream === "bookTicker.ETH_USDC_PERP" && data.data.a === "1");
  const error = parseStreamMessage('{"id":null,"error":{"code":4006,"message":"Invalid signature"}}');
  assert.ok(error.kind === "error" && error.message.includes("Invalid signature"), JSON.stringify(error));
  assert.equal(parseStreamMessage('{"result":null,"id":1}').kind, "other");
  assert.equal(parseStreamMessage('{"stream":"x","data":[1]}').kind, "other");
  dataError(() => parseStreamMessage("not json"), /not JSON/);
  dataError(() => parseStreamMessage("[1,2]"), /expected an object/);
});

Deno.test("backpack parse: book ticker", () => {
  const bbo = parseBookTicker({
    e: "bookTicker",
    s: "ETH_USDC_PERP",
    a: "18.70",
    A: "1.000",
    b: "18.67",
    B: "2",
  }, "X");
  assert.deepEqual([bbo.bid.toFixed(), bbo.ask.toFixed()], ["18.67", "18.7"]);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ a: "18.67", b: "18.67" }, /crossed book/],
    [{ a: "18.60", b: "18.67" }, /crossed book/],
    [{ b: "18.67" }, /a must be a decimal string, got missing/],
    [{ a: "18.7", b: "" }, /"" is not a decimal/],
    [{ a: "18.7", b: "-1" }, /b -1 must be > 0/],
    [{ a: 18.7, b: "18.6" }, /a must be a decimal string/],
  ];
  for (const [data, pattern] of bad) dataError(() => parseBookTicker(data, "ETH_USDC_PERP"), pattern);
});

/** The venue's own sample event (an accepted limit ask). */
const ACCEPTED = {
  E: 1748288615134547,
  O: "USER",
  Q: "3568.3445",
  S: "Ask",
  T: 1748288615133255,
  V: "RejectTaker",
  X: "New",
  Z: "0",
  e: "orderAccepted",
  f: "GTC",
  i: "114575842681290753",
  o: "LIMIT",
  p: "178.15",
  q: "20.03",
  r: false,
  s: "SOL_USDC",
  t: null,
  z: "0",
};

Deno.test("backpack parse: order updates", () => {
  const a = parseOrderUpdate(ACCEPTED);
  assert.equal(a.event, "orderAccepted");
  assert.equal(a.orderId, "114575842681290753");
  assert.equal(a.side, "sell");
  assert.equal(a.status, "OPEN");
  assert.ok(a.price.eq(d("178.15")) && a.quantity.eq(d("20.03")) && a.filled.isZero());
  assert.equal(a.clientId, undefined);
  assert.equal(a.reduceOnly, false);
  assert.equal(a.engineTime, 1748288615133255);

  const table: [Record<string, unknown>, string, string][] = [
    [
      { e: "orderFill", X: "PartiallyFilled", z: "5", Z: "890.75", l: "5", L: "178.15" },
      "PARTIALLY_FILLED",
      "5",
    ],
    [{ e: "orderFill", X: "Filled", z: "20.03", l: "15.03" }, "FILLED", "20.03"],
    // Without X the status comes from the event and z.
    [{ e: "orderFill", X: undefined, z: "20.03" }, "FILLED", "20.03"],
    [{ e: "orderFill", X: undefined, z: "1" }, "PARTIALLY_FILLED", "1"],
    [{ e: "orderCancelled", X: "Cancelled", z: "1" }, "CANCELED", "1"],
    [{ e: "orderCancelled", X: undefined }, "CANCELED", "0"],
    [{ e: "orderExpired", X: "Expired" }, "CANCELED", "0"],
    [{ e: "orderExpired", X: undefined, z: undefined }, "CANCELED", "0"],
    [{ e: "triggerPlaced", X: "TriggerPending" }, "OPEN", "0"],
    [{ e: "triggerFailed", X: undefined }, "REJECTED", "0"],
    [{ e: "orderModified", X: "New", z: "2" }, "PARTIALLY_FILLED", "2"],
  ];
  for (const [patch, status, filled] of table) {
    const u = parseOrderUpdate({ ...ACCEPTED, ...patch });
    assert.equal(u.status, status, JSON.stringify(patch));
    assert.equal(u.filled.toFixed(), filled, JSON.stringify(patch));
  }
  const fill = parseOrderUpdate({
    ...ACCEPTED,
    e: "orderFill",
    X: "PartiallyFilled",
    z: "5",
    Z: "890.75",
    c: 77,
  });
  assert.equal(fill.avgPrice!.toFixed(), "178.15");
  assert.equal(fill.clientId, "77");
  assert.ok(parseOrderUpdate({ ...ACCEPTED, o: "MARKET", p: undefined }).price.isZero());
});

Deno.test("backpack parse: a zero executed quote with fills gives no average price, never a price of 0", () => {
  const order = parseOrder({ ...LIMIT, executedQuantity: "0.2", executedQuoteQuantity: "0" });
  assert.equal(order.avgPrice, undefined);
  assert.ok(parseOrder({ ...LIMIT, executedQuantity: "0.2", executedQuoteQuantity: "30" }).avgPrice!.eq(150));
  const update = parseOrderUpdate({ ...ACCEPTED, e: "orderFill", z: "2", Z: "0" });
  assert.equal(update.avgPrice, undefined);
  assert.ok(parseOrderUpdate({ ...ACCEPTED, e: "orderFill", z: "2", Z: "300" }).avgPrice!.eq(150));
});

Deno.test("backpack parse: malformed order updates", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ e: "somethingElse" }, /unknown event "somethingElse"/],
    [{ e: undefined }, /unknown event missing/],
    [{ e: "orderFill", z: undefined }, /fill without the cumulative executed quantity z/],
    [{ e: "orderFill", z: "21" }, /z 21 exceeds q 20.03/],
    [{ z: "-1" }, /z -1 must be >= 0/],
    [{ i: undefined }, /i must be an order id/],
    [{ S: "Sell" }, /side must be "Bid" or "Ask"/],
    [{ q: undefined }, /q must be a decimal string/],
    [{ q: "NaN" }, /"NaN" is not a decimal/],
    [{ X: "Gone" }, /unknown order status "Gone"/],
    [{ p: "abc" }, /"abc" is not a decimal/],
    [{ c: 1.5 }, /c must be a uint32/],
    [{ r: 1 }, /r must be a boolean/],
  ];
  for (const [patch, pattern] of cases) dataError(() => parseOrderUpdate({ ...ACCEPTED, ...patch }), pattern);
});

Deno.test("backpack parse: the fee of a fill, counted only with its trade id", () => {
  const fill = { ...ACCEPTED, e: "orderFill", X: "PartiallyFilled", z: "5", l: "5", L: "178.15" };
  const withFee = parseOrderUpdate({ ...fill, n: "0.089075", N: "USDC", t: 4411 });
  assert.equal(withFee.fill?.fee.toString(), "0.089075");
  assert.equal(withFee.fill?.tradeId, "4411");
  assert.equal(parseOrderUpdate({ ...fill, n: "0.1", t: null }).fill, undefined);
  assert.equal(parseOrderUpdate({ ...fill, t: 4412 }).fill, undefined);
  assert.equal(parseOrderUpdate({ ...ACCEPTED, n: "0.1", t: 4413 }).fill, undefined);
  dataError(() => parseOrderUpdate({ ...fill, n: "NaN", t: 4414 }), /n "NaN" is not a decimal number/);
});

Deno.test("backpack parse: fill history fees summed per order", () => {
  const fills = [
    { orderId: "11", fee: "0.05", price: "150", quantity: "1", side: "Bid", tradeId: 1 },
    { orderId: "12", fee: "0.5", price: "150", quantity: "1", side: "Bid", tradeId: 2 },
    { orderId: "11", fee: "0.025", price: "150", quantity: "0.5", side: "Bid", tradeId: 3 },
  ];
  assert.equal(parseFillFees(fills, "11")?.toString(), "0.075");
  assert.equal(parseFillFees(fills, "13"), undefined);
  assert.equal(parseFillFees([], "11"), undefined);
  dataError(() => parseFillFees([{ orderId: "11", fee: 1 }], "11"), /fee must be a decimal string/);
  dataError(() => parseFillFees({ orderId: "11" }, "11"), /fill history/);
});
