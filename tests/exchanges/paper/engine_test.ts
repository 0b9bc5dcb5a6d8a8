/** The paper matching engine: post-only, fills, fees, cancels, idempotent client ids, the account. */
import assert from "node:assert/strict";
import { Decimal } from "../../../exchanges/decimal.ts";
import {
  DEFAULT_FEES,
  freshPaperState,
  PaperEngine,
  type PaperState,
} from "../../../exchanges/paper/engine.ts";
import { paperMarketSpec, Rng, stepQuote } from "../../../exchanges/paper/price_path.ts";
import { roundToMultiple } from "../../../exchanges/rounding.ts";
import type { LimitOrderRequest, OrderSnapshot, Side } from "../../../exchanges/venue.ts";

const T0 = Date.UTC(2025, 0, 1);
const ETH = paperMarketSpec("ETH"); // tick 0.01, step 0.001, quote 3000 / 3000.01
const d = (s: string | number) => new Decimal(s);

let nextClient = 0;
function limit(
  side: Side,
  price: string | Decimal,
  quantity: string,
  extra: Partial<LimitOrderRequest> = {},
) {
  return {
    side,
    price: d(price.toString()),
    quantity: d(quantity),
    postOnly: true,
    reduceOnly: false,
    clientId: `c${nextClient++}`,
    ...extra,
  };
}

function engine(seed = 1): PaperEngine {
  return new PaperEngine(ETH, freshPaperState(ETH, seed, T0));
}

/** Places and asserts acceptance. */
function place(e: PaperEngine, req: LimitOrderRequest): OrderSnapshot {
  const { result } = e.placeLimit(req, T0);
  assert.equal(result.kind, "accepted", JSON.stringify(result));
  return (result as { order: OrderSnapshot }).order;
}

/** The next market step, predicted with a copy of the engine's generator (placing orders draws nothing). */
function peekStep(e: PaperEngine) {
  const rng = new Rng(e.snapshot().rngState);
  const step = stepQuote(ETH, e.quote(), rng, 1);
  return { step, partialDraw: rng.next() };
}

/** Finds a seed whose first one-second step satisfies `want`. */
function seedWhere(
  want: (e: PaperEngine, step: ReturnType<typeof peekStep>["step"]) => boolean,
): PaperEngine {
  for (let seed = 1; seed < 5000; seed++) {
    const e = engine(seed);
    if (want(e, peekStep(e).step)) return e;
  }
  throw new Error("no seed found");
}

const tick = ETH.tickSize;

Deno.test("fresh state: the initial quote, an empty account, order ids from P1", () => {
  const e = engine();
  assert.equal(e.quote().bid.toString(), "3000");
  assert.equal(e.quote().ask.toString(), "3000.01");
  assert.equal(e.time, T0);
  assert.equal(e.position().toString(), "0");
  const a = e.account();
  assert.deepEqual(
    [a.position, a.avgEntry, a.realizedPnl, a.fees, a.volume].map(String).concat(String(a.fills)),
    ["0", "0", "0", "0", "0", "0"],
  );
  assert.equal(place(e, limit("buy", "2999", "0.1")).orderId, "P1");
  assert.equal(place(e, limit("buy", "2998", "0.1")).orderId, "P2");
  assert.equal(DEFAULT_FEES.maker.toString(), "0.0001");
  assert.equal(DEFAULT_FEES.taker.toString(), "0.00035");
});

Deno.test("post-only orders that would cross are rejected with postOnlyWouldCross", () => {
  const table: [side: Side, price: string][] = [
    ["buy", "3000.01"], // at the ask
    ["buy", "3005"],
    ["sell", "3000"], // at the bid
    ["sell", "2990"],
  ];
  for (const [side, price] of table) {
    const e = engine();
    const { result, events } = e.placeLimit(limit(side, price, "0.1"), T0);
    assert.equal(result.kind, "rejected", `${side} ${price}`);
    if (result.kind !== "rejected") continue;
    assert.equal(result.postOnlyWouldCross, true);
    assert.ok(result.reason.includes(price) && result.reason.includes(side === "buy" ? "3000.01" : "3000"));
    assert.deepEqual(events, []);
    assert.deepEqual(e.openOrders(), []);
    assert.equal(e.account().fills, 0);
  }
});

Deno.test("an accepted post-only order rests with status OPEN and nothing filled", () => {
  const e = engine();
  const { result, events } = e.placeLimit(limit("buy", "3000", "0.1", { clientId: "open-1" }), T0 + 5);
  assert.equal(result.kind, "accepted");
  assert.equal(events.length, 1);
  const order = events[0]!;
  assert.equal(order.status, "OPEN");
  assert.equal(order.clientId, "open-1");
  assert.equal(order.side, "buy");
  assert.equal(order.price.toString(), "3000");
  assert.equal(order.quantity.toString(), "0.1");
  assert.equal(order.filled.toString(), "0");
  assert.equal(order.avgPrice, undefined);
  assert.deepEqual(e.openOrders().map((o) => o.orderId), [order.orderId]);
  assert.deepEqual(e.order(order.orderId), order);
  assert.equal(e.order("P404"), undefined);
  place(e, limit("sell", "3000.01", "0.1"));
  assert.equal(e.openOrders().length, 2);
});

Deno.test("invalid orders are rejected with the value named and postOnlyWouldCross false", () => {
  const table: [req: LimitOrderRequest, fragment: string][] = [
    [limit("buy", "2999", "0"), "quantity 0 must be > 0"],
    [limit("buy", "2999", "-0.1"), "quantity -0.1 must be > 0"],
    [limit("buy", "2999", "0.0015"), "quantity 0.0015 is not a multiple of the step size 0.001"],
    [limit("buy", "2999.005", "0.1"), "price 2999.005 is not a multiple of the tick size 0.01"],
    [limit("buy", "0", "0.1"), "price 0 must be > 0"],
    [limit("sell", "-1", "0.1"), "price -1 must be > 0"],
  ];
  for (const [req, fragment] of table) {
    const e = engine();
    const { result, events } = e.placeLimit(req, T0);
    assert.deepEqual(result, { kind: "rejected", reason: fragment, postOnlyWouldCross: false });
    assert.deepEqual(events, []);
  }
  const big: PaperState = freshPaperState({ ...ETH, minQuantity: d("0.01") }, 1, T0);
  const withMin = new PaperEngine({ ...ETH, minQuantity: d("0.01") }, big);
  const { result } = withMin.placeLimit(limit("buy", "2999", "0.005"), T0);
  assert.equal(result.kind === "rejected" && result.reason, "quantity 0.005 is below the minimum 0.01");
});

Deno.test("a repeated client id returns the order it created, with no duplicate", () => {
  const e = engine();
  const first = place(e, limit("buy", "2999", "0.1", { clientId: "same" }));
  const again = e.placeLimit(limit("buy", "2950", "0.5", { clientId: "same" }), T0 + 1000);
  assert.deepEqual(again, { result: { kind: "accepted", order: first }, events: [] });
  assert.equal(e.openOrders().length, 1);
  // Also after it filled: the retry sees the filled order, not a new one.
  e.forceFill(first.orderId, d("0.1"), T0 + 2000);
  const late = e.placeLimit(limit("buy", "2999", "0.1", { clientId: "same" }), T0 + 3000);
  assert.equal(late.result.kind === "accepted" && late.result.order.status, "FILLED");
  assert.equal(e.account().fills, 1);
  // The same holds for market orders.
  const m1 = e.placeMarket({ side: "sell", quantity: d("0.05"), reduceOnly: false, clientId: "mkt" }, T0);
  const m2 = e.placeMarket({ side: "sell", quantity: d("0.05"), reduceOnly: false, clientId: "mkt" }, T0);
  assert.deepEqual(m2, { order: m1.order, events: [] });
  assert.equal(e.position().toString(), "0.05");
});

Deno.test("a market that trades through a resting order fills it fully at its limit price as maker", () => {
  for (const side of ["buy", "sell"] as const) {
    const e = seedWhere((en, step) =>
      side === "buy"
        ? step.ask.lte(en.quote().ask.minus(tick.mul(2)))
        : step.bid.gte(en.quote().bid.plus(tick.mul(2)))
    );
    const { step } = peekStep(e);
    // Strictly beyond the extreme of the step, and still a valid post-only price now.
    const price = side === "buy" ? step.lowAsk.plus(tick) : step.highBid.minus(tick);
    const order = place(e, limit(side, price, "0.5"));
    const events = e.advanceTo(T0 + 1000, 1000);
    assert.equal(e.quote().bid.toString(), step.bid.toString());
    assert.equal(events.length, 1, side);
    const filled = events[0]!;
    assert.equal(filled.orderId, order.orderId);
    assert.equal(filled.status, "FILLED");
    assert.equal(filled.filled.toString(), "0.5");
    assert.equal(filled.avgPrice?.toString(), price.toString(), "filled at the limit, not at the market");
    assert.equal(filled.fee?.toString(), price.mul("0.5").mul("0.0001").toString());
    assert.equal(e.position().toString(), side === "buy" ? "0.5" : "-0.5");
    assert.deepEqual(e.openOrders(), []);
  }
});

Deno.test("a market that only touches a resting order fills part of it", () => {
  for (const side of ["buy", "sell"] as const) {
    const e = seedWhere((en, step) =>
      side === "buy" ? step.ask.lt(en.quote().ask) : step.bid.gt(en.quote().bid)
    );
    const { step, partialDraw } = peekStep(e);
    const price = side === "buy" ? step.lowAsk : step.highBid;
    place(e, limit(side, price, "1"));
    const events = e.advanceTo(T0 + 1000, 1000);
    const expected = roundToMultiple(d(1).mul((0.2 + 0.6 * partialDraw).toFixed(6)), ETH.stepSize, "down");
    assert.equal(events.length, 1, side);
    const partial = events[0]!;
    assert.equal(partial.status, "PARTIALLY_FILLED");
    assert.equal(partial.filled.toString(), expected.toString());
    assert.ok(partial.filled.gte("0.2") && partial.filled.lte("0.8"), partial.filled.toString());
    assert.equal(partial.avgPrice?.toString(), price.toString());
    assert.equal(partial.fee?.toString(), expected.mul(price).mul("0.0001").toString());
    assert.equal(e.openOrders().length, 1);
  }
});

Deno.test("an order the market does not reach stays untouched", () => {
  const e = engine(3);
  const far = place(e, limit("buy", "2000", "0.1"));
  const farSell = place(e, limit("sell", "4000", "0.1"));
  assert.deepEqual(e.advanceTo(T0 + 600_000, 1000), []);
  assert.equal(e.order(far.orderId)?.status, "OPEN");
  assert.equal(e.order(farSell.orderId)?.status, "OPEN");
  assert.equal(e.time, T0 + 600_000);
  assert.notEqual(e.quote().bid.toString(), "3000");
});

Deno.test("forceFill: partial then full; filled is monotone and the status moves to FILLED", () => {
  const e = engine();
  const order = place(e, limit("sell", "3001", "1"));
  const table: [quantity: string, status: string, filled: string][] = [
    ["0.25", "PARTIALLY_FILLED", "0.25"],
    ["0.25", "PARTIALLY_FILLED", "0.5"],
    ["2", "FILLED", "1"], // capped at the remaining quantity
  ];
  let previous = d(0);
  for (const [quantity, status, filled] of table) {
    const events = e.forceFill(order.orderId, d(quantity), T0 + 1);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.status, status);
    assert.equal(events[0]!.filled.toString(), filled);
    assert.ok(events[0]!.filled.gt(previous));
    previous = events[0]!.filled;
  }
  assert.deepEqual(e.forceFill(order.orderId, d("0.1"), T0 + 2), [], "a filled order fills no more");
  assert.deepEqual(e.forceFill("P404", d("0.1"), T0 + 2), []);
  assert.equal(e.position().toString(), "-1");
  assert.equal(e.account().fees.toString(), "0.3001");
  assert.equal(e.order(order.orderId)?.fee?.toString(), "0.3001");
});

Deno.test("cancel returns the filled quantity; a filled order cancels to FILLED; unknown is undefined", () => {
  const e = engine();
  const partial = place(e, limit("buy", "2999", "1"));
  e.forceFill(partial.orderId, d("0.4"), T0);
  const cancelled = e.cancel(partial.orderId, T0 + 10);
  assert.equal(cancelled.order?.status, "CANCELED");
  assert.equal(cancelled.order?.filled.toString(), "0.4");
  assert.equal(cancelled.events.length, 1);
  assert.deepEqual(cancelled.events[0], cancelled.order);
  // Cancelling again: the final state, no new event.
  assert.deepEqual(e.cancel(partial.orderId, T0 + 20), { order: cancelled.order, events: [] });

  const full = place(e, limit("buy", "2998", "1"));
  e.forceFill(full.orderId, d("1"), T0);
  const late = e.cancel(full.orderId, T0 + 30);
  assert.equal(late.order?.status, "FILLED");
  assert.equal(late.order?.filled.toString(), "1");
  assert.deepEqual(late.events, []);

  assert.deepEqual(e.cancel("P404", T0), { order: undefined, events: [] });
  assert.deepEqual(e.openOrders(), []);
  // A cancelled order no longer fills.
  e.setQuote(d("2990"), d("2990.01"), T0 + 40);
  assert.equal(e.order(partial.orderId)?.filled.toString(), "0.4");
});

Deno.test("reduce-only orders must reduce the position and not exceed it", () => {
  const e = engine();
  const flat = e.placeLimit(limit("sell", "3001", "0.1", { reduceOnly: true }), T0);
  assert.equal(flat.result.kind, "rejected");
  if (flat.result.kind === "rejected") {
    assert.equal(flat.result.postOnlyWouldCross, false);
    assert.equal(flat.result.reason, "reduce-only sell would not reduce position 0");
  }
  e.forceFill(place(e, limit("buy", "2999", "1")).orderId, d("1"), T0);
  const table: [side: Side, price: string, quantity: string, reason: string | undefined][] = [
    ["buy", "2999", "0.5", "reduce-only buy would not reduce position 1"],
    ["sell", "3001", "1.5", "reduce-only quantity 1.5 exceeds position 1"],
    ["sell", "3001", "1", undefined],
    ["sell", "3002", "0.5", undefined],
  ];
  for (const [side, price, quantity, reason] of table) {
    const { result } = e.placeLimit(limit(side, price, quantity, { reduceOnly: true }), T0);
    if (reason === undefined) {
      assert.equal(result.kind, "accepted", `${side} ${quantity}`);
      assert.equal(result.kind === "accepted" && result.order.reduceOnly, true);
    } else assert.deepEqual(result, { kind: "rejected", reason, postOnlyWouldCross: false });
  }
});

Deno.test("a market order fills at the touch and pays the taker fee", () => {
  const e = engine();
  const buy = e.placeMarket({ side: "buy", quantity: d("0.5"), reduceOnly: false, clientId: "m1" }, T0);
  assert.equal(buy.events.length, 1);
  assert.equal(buy.order.status, "FILLED");
  assert.equal(buy.order.filled.toString(), "0.5");
  assert.equal(buy.order.price.toString(), "3000.01", "the price of a market order is its average fill");
  assert.equal(buy.order.avgPrice?.toString(), "3000.01");
  assert.equal(buy.order.fee?.toString(), "0.52500175"); // 1500.005 × 0.00035
  const sell = e.placeMarket({ side: "sell", quantity: d("0.2"), reduceOnly: false, clientId: "m2" }, T0);
  assert.equal(sell.order.avgPrice?.toString(), "3000");
  assert.equal(sell.order.fee?.toString(), "0.21");
  const a = e.account();
  assert.equal(a.position.toString(), "0.3");
  assert.equal(a.avgEntry.toString(), "3000.01");
  assert.equal(a.realizedPnl.toString(), "-0.002");
  assert.equal(a.fees.toString(), "0.73500175");
  assert.equal(a.volume.toString(), "2100.005");
  assert.deepEqual(e.openOrders(), [], "market orders never rest");
});

Deno.test("a market order that is invalid, or reduce-only with nothing to reduce, is REJECTED", () => {
  const e = engine();
  const flat = e.placeMarket({ side: "sell", quantity: d("0.1"), reduceOnly: true, clientId: "r1" }, T0);
  assert.equal(flat.order.status, "REJECTED");
  assert.equal(flat.order.filled.toString(), "0");
  assert.equal(flat.events.length, 1);
  const bad = e.placeMarket({ side: "buy", quantity: d("0.0005"), reduceOnly: false, clientId: "r2" }, T0);
  assert.equal(bad.order.status, "REJECTED");
  assert.equal(e.position().toString(), "0");
  assert.equal(e.account().fills, 0);
});

Deno.test("a reduce-only market order larger than the position closes it and cancels the rest", () => {
  const e = engine();
  e.placeMarket({ side: "buy", quantity: d("0.5"), reduceOnly: false, clientId: "open" }, T0);
  const close = e.placeMarket({ side: "sell", quantity: d("1"), reduceOnly: true, clientId: "close" }, T0);
  assert.equal(close.order.status, "CANCELED");
  assert.equal(close.order.quantity.toString(), "1");
  assert.equal(close.order.filled.toString(), "0.5");
  assert.equal(e.position().toString(), "0");
  const wrongSide = e.placeMarket({ side: "buy", quantity: d("1"), reduceOnly: true, clientId: "again" }, T0);
  assert.equal(wrongSide.order.status, "REJECTED");
});

Deno.test("a crossing limit without post-only fills at once at the touch as taker", () => {
  const e = engine();
  const { result, events } = e.placeLimit(limit("buy", "3005", "0.2", { postOnly: false }), T0);
  assert.equal(result.kind, "accepted");
  assert.deepEqual(events.map((o) => o.status), ["OPEN", "FILLED"]);
  const filled = events[1]!;
  assert.equal(filled.price.toString(), "3005");
  assert.equal(filled.avgPrice?.toString(), "3000.01");
  assert.equal(filled.fee?.toString(), "0.2100007"); // 600.002 × 0.00035
  assert.equal(e.position().toString(), "0.2");
});

Deno.test("position, average entry and realised PnL through adds, partial closes and a flip", () => {
  const e = engine();
  const fill = (side: Side, price: string, quantity: string) => {
    const o = place(e, limit(side, price, quantity));
    e.forceFill(o.orderId, d(quantity), T0);
  };
  const table: [side: Side, price: string, qty: string, position: string, avg: string, realized: string][] = [
    ["buy", "2990", "1", "1", "2990", "0"],
    ["buy", "2996", "1", "2", "2993", "0"],
    ["sell", "3010", "0.5", "1.5", "2993", "8.5"], // partial close keeps the average
    ["sell", "3010", "2.5", "-1", "3010", "34"], // closes 1.5 (+25.5), opens 1 short at 3010
    ["sell", "3020", "1", "-2", "3015", "34"],
    ["buy", "2995", "2", "0", "0", "74"], // +40
  ];
  let fees = d(0);
  let volume = d(0);
  for (const [side, price, qty, position, avg, realized] of table) {
    fill(side, price, qty);
    fees = fees.plus(d(price).mul(qty).mul("0.0001"));
    volume = volume.plus(d(price).mul(qty));
    const a = e.account();
    const label = `after ${side} ${qty} @ ${price}`;
    assert.equal(a.position.toString(), position, `${label}: position`);
    assert.equal(a.avgEntry.toString(), avg, `${label}: average entry`);
    assert.equal(a.realizedPnl.toString(), realized, `${label}: realised`);
    assert.equal(a.fees.toString(), fees.toString(), `${label}: fees`);
    assert.equal(a.volume.toString(), volume.toString(), `${label}: volume`);
  }
  assert.equal(e.account().fills, table.length);
  assert.equal(e.account().fees.toString(), "2.4026");
});

Deno.test("setQuote moves the market and fills what it reaches in full; a crossed quote is refused", () => {
  const e = engine();
  const buy = place(e, limit("buy", "2995", "0.3"));
  const sell = place(e, limit("sell", "3010", "0.3"));
  assert.deepEqual(e.setQuote(d("2996"), d("2996.01"), T0), []);
  const events = e.setQuote(d("2994"), d("2995"), T0 + 1);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.orderId, buy.orderId);
  assert.equal(events[0]!.status, "FILLED");
  assert.equal(events[0]!.avgPrice?.toString(), "2995");
  assert.equal(e.order(sell.orderId)?.status, "OPEN");
  assert.throws(
    () => e.setQuote(d("3000"), d("3000"), T0),
    (err: Error) => err instanceof RangeError && /3000/.test(err.message),
  );
  assert.throws(() => e.setQuote(d("3001"), d("3000"), T0), RangeError);
  assert.equal(e.quote().bid.toString(), "2994");
});

Deno.test("resting orders filled by the random walk report monotone fills", () => {
  const e = engine(21);
  const orders = [place(e, limit("buy", "3000", "1")), place(e, limit("sell", "3000.01", "1"))];
  const seen = new Map<string, Decimal>();
  for (let t = 1; t <= 1800; t++) {
    for (const event of e.advanceTo(T0 + t * 1000, 1000)) {
      const before = seen.get(event.orderId) ?? d(0);
      assert.ok(event.filled.gt(before), `${event.orderId} filled ${event.filled} after ${before}`);
      assert.ok(event.filled.lte(event.quantity));
      assert.equal(event.status, event.filled.eq(event.quantity) ? "FILLED" : "PARTIALLY_FILLED");
      seen.set(event.orderId, event.filled);
    }
  }
  assert.equal(seen.size, 2, "both orders were reached within half an hour");
  for (const o of orders) assert.ok(e.order(o.orderId)!.filled.gt(0));
});

Deno.test("same seed, same price path; another seed, another path", () => {
  const run = (seed: number) => {
    const e = engine(seed);
    const quotes: string[] = [];
    for (let t = 1; t <= 600; t++) {
      e.advanceTo(T0 + t * 1000, 1000);
      quotes.push(`${e.quote().bid}/${e.quote().ask}`);
    }
    return { quotes, state: e.snapshot() };
  };
  const a = run(7);
  const b = run(7);
  assert.deepEqual(a.quotes, b.quotes);
  assert.deepEqual(a.state, b.state);
  assert.notDeepEqual(run(8).quotes, a.quotes);
  // Stepping at once or second by second gives the same path.
  const once = engine(7);
  once.advanceTo(T0 + 600_000, 1000);
  assert.deepEqual(once.snapshot(), a.state);
});

Deno.test("snapshot and restore round trip, and the copy continues identically", () => {
  const a = engine(4);
  place(a, limit("buy", "2999.5", "0.4", { clientId: "resting" }));
  const filled = place(a, limit("sell", "3003", "0.2"));
  a.forceFill(filled.orderId, d("0.1"), T0 + 10);
  a.advanceTo(T0 + 120_000, 1000);
  const snap = a.snapshot();
  assert.equal(snap.version, 1);
  assert.equal(snap.ticker, "ETH");
  assert.equal(snap.time, T0 + 120_000);
  const b = new PaperEngine(ETH, JSON.parse(JSON.stringify(snap)));
  assert.deepEqual(b.snapshot(), snap);
  assert.deepEqual(b.openOrders(), a.openOrders());
  assert.deepEqual(b.account(), a.account());
  // A snapshot is a copy: changing it does not change the engine.
  const ordersBefore = a.snapshot().orders.length;
  assert.ok(ordersBefore >= 2);
  snap.bid = "1";
  snap.orders.length = 0;
  assert.notEqual(a.quote().bid.toString(), "1");
  assert.equal(a.snapshot().orders.length, ordersBefore);
  const eventsA = a.advanceTo(T0 + 1_800_000, 1000);
  const eventsB = b.advanceTo(T0 + 1_800_000, 1000);
  assert.deepEqual(eventsB, eventsA);
  assert.deepEqual(b.snapshot(), a.snapshot());
  // The engine copies the state it is given, too.
  const state = freshPaperState(ETH, 1, T0);
  const c = new PaperEngine(ETH, state);
  place(c, limit("buy", "2999", "0.1"));
  assert.equal(state.orders.length, 0);
});

Deno.test("a long gap replays at most an hour of steps and ends at the requested time", () => {
  const e = engine();
  const t0 = performance.now();
  e.advanceTo(T0 + 7 * 86_400_000, 1000);
  assert.equal(e.time, T0 + 7 * 86_400_000);
  assert.ok(performance.now() - t0 < 3000);
  // Less than a step: nothing happens.
  const before = e.snapshot();
  assert.deepEqual(e.advanceTo(T0 + 7 * 86_400_000 + 999, 1000), []);
  assert.deepEqual(e.snapshot(), before);
});

Deno.test("finished orders beyond the last 200 are forgotten; working orders never are", () => {
  const e = engine();
  const working = place(e, limit("buy", "2000", "0.1"));
  for (let i = 0; i < 205; i++) e.cancel(place(e, limit("buy", "2999", "0.1")).orderId, T0);
  place(e, limit("buy", "2001", "0.1")); // placing prunes
  assert.equal(e.order(working.orderId)?.status, "OPEN");
  assert.equal(e.order("P2"), undefined, "the oldest finished order is gone");
  assert.equal(e.order("P6"), undefined);
  assert.equal(e.order("P7")?.status, "CANCELED");
  assert.equal(e.snapshot().orders.filter((o) => o.status === "CANCELED").length, 200);
  assert.equal(e.openOrders().length, 2);
});
