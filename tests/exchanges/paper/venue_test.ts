/** The paper venue: asynchronous events, a state file shared between processes, and a fast simulated market. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../../bot/clock.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { PaperVenue, type PaperVenueOptions } from "../../../exchanges/paper/venue.ts";
import { isMultipleOf } from "../../../exchanges/rounding.ts";
import {
  type LimitOrderRequest,
  type OrderEvent,
  VenueError,
  VenueRejectedError,
} from "../../../exchanges/venue.ts";

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const d = (s: string) => new Decimal(s);

let nextClient = 0;
function limit(
  side: "buy" | "sell",
  price: string,
  quantity: string,
  extra: Partial<LimitOrderRequest> = {},
) {
  return {
    side,
    price: d(price),
    quantity: d(quantity),
    postOnly: true,
    reduceOnly: false,
    clientId: `v${nextClient++}`,
    ...extra,
  } as const;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "perpbot_paper_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function venue(options: Partial<PaperVenueOptions> & { clock: VirtualClock }): Promise<PaperVenue> {
  const v = new PaperVenue({ ticker: "ETH", ...options });
  await v.connect();
  return v;
}

function record(v: PaperVenue): OrderEvent[] {
  const events: OrderEvent[] = [];
  v.onOrderEvent((e) => events.push(e));
  return events;
}

const summary = (events: readonly OrderEvent[]) => events.map((e) => `${e.orderId}:${e.status}:${e.filled}`);

Deno.test("a paper venue must be connected before use", async () => {
  const v = new PaperVenue({ ticker: "ETH", clock: new VirtualClock(T0) });
  assert.throws(() => v.market(), (e: unknown) => e instanceof VenueError && /connect\(\)/.test(e.message));
  await assert.rejects(async () => await v.bbo(), VenueError);
  await v.close(); // closing an unconnected venue is harmless
});

// Fails until fixed: the methods are not async, so a failure is thrown synchronously instead of rejecting.
Deno.test("venue failures are rejected promises, not synchronous throws", async () => {
  await withDir(async (dir) => {
    const calls: [string, () => Promise<unknown>][] = [];
    const unconnected = new PaperVenue({ ticker: "ETH", clock: new VirtualClock(T0) });
    calls.push(["bbo() before connect()", () => unconnected.bbo()]);
    calls.push(["openOrders() before connect()", () => unconnected.openOrders()]);
    const statePath = `${dir}/paper_ETH.json`;
    Deno.writeTextFileSync(statePath, "{not json");
    const damaged = new PaperVenue({ ticker: "ETH", clock: new VirtualClock(T0), statePath });
    calls.push(["connect() on a damaged file", () => damaged.connect()]);
    for (const [label, call] of calls) {
      let promise: Promise<unknown> | undefined;
      try {
        promise = call();
      } catch (e) {
        assert.fail(`${label} threw synchronously: ${(e as Error).message}`);
      }
      await assert.rejects(promise, VenueError, label);
    }
  });
});

Deno.test("connect loads the paper market and the initial quote", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock, ticker: "BTC" });
  const m = v.market();
  assert.equal(v.name, "paper");
  assert.equal(m.ticker, "BTC");
  assert.equal(m.symbol, "BTC-PAPER");
  assert.equal(m.tickSize.toString(), "0.1");
  assert.equal(m.stepSize.toString(), "0.0001");
  assert.equal(m.minQuantity.toString(), "0.0001");
  const bbo = await v.bbo();
  assert.equal(`${bbo.bid}/${bbo.ask}`, "60000/60000.1");
  assert.equal((await v.position()).toString(), "0");
  assert.deepEqual(await v.openOrders(), []);
  await v.close();
  await v.close();
});

Deno.test("order events arrive asynchronously, after the venue's latency on the clock", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock, eventLatencyMs: 50 });
  const events = record(v);
  const result = await v.placeLimit(limit("buy", "2999", "0.1", { clientId: "async-1" }));
  assert.equal(result.kind, "accepted");
  await Promise.resolve();
  assert.equal(events.length, 0, "not delivered synchronously");
  await clock.sleep(49);
  assert.equal(events.length, 0, "not before the latency");
  await clock.sleep(1);
  assert.equal(clock.now(), T0 + 50);
  assert.deepEqual(summary(events), ["P1:OPEN:0"]);
  assert.equal(events[0]!.clientId, "async-1");
  assert.equal(events[0]!.price.toString(), "2999");

  v.forceFill("P1", d("0.04"));
  v.forceFill("P1", d("0.06"));
  await clock.sleep(50);
  assert.deepEqual(summary(events), ["P1:OPEN:0", "P1:PARTIALLY_FILLED:0.04", "P1:FILLED:0.1"]);
  assert.equal((await v.position()).toString(), "0.1");
  await v.close();
});

Deno.test("a throwing listener does not stop delivery; unsubscribe stops it", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock });
  v.onOrderEvent(() => {
    throw new Error("listener bug");
  });
  const kept = record(v);
  const dropped: OrderEvent[] = [];
  const unsubscribe = v.onOrderEvent((e) => dropped.push(e));
  await v.placeLimit(limit("buy", "2999", "0.1"));
  await clock.sleep(100);
  unsubscribe();
  await v.placeLimit(limit("buy", "2998", "0.1"));
  await clock.sleep(100);
  assert.equal(kept.length, 2);
  assert.equal(dropped.length, 1);
  await v.close();
});

Deno.test("rejections: post-only cross is a result; market and cancel failures are VenueRejectedError", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock });
  const cross = await v.placeLimit(limit("buy", "3000.01", "0.1"));
  assert.equal(cross.kind, "rejected");
  assert.equal(cross.kind === "rejected" && cross.postOnlyWouldCross, true);
  await assert.rejects(
    () => v.placeMarket({ side: "sell", quantity: d("0.1"), reduceOnly: true, clientId: "m1" }),
    (e: unknown) =>
      e instanceof VenueRejectedError && /reduce-only=true/.test(e.message) && /position 0/.test(e.message),
  );
  await assert.rejects(
    () => v.cancel("P999"),
    (e: unknown) => e instanceof VenueRejectedError && e.message.includes('"P999"'),
  );
  const market = await v.placeMarket({ side: "buy", quantity: d("0.2"), reduceOnly: false, clientId: "m2" });
  assert.equal(market.status, "FILLED");
  assert.equal(market.avgPrice?.toString(), "3000.01");
  assert.equal((await v.position()).toString(), "0.2");
  await v.close();
});

Deno.test("cancel reports fills made before it; cancelAll cancels every working order", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock });
  const events = record(v);
  await v.placeLimit(limit("buy", "2999", "1"));
  await v.placeLimit(limit("buy", "2998", "1"));
  await v.placeLimit(limit("sell", "3001", "1"));
  v.forceFill("P1", d("0.3"));
  const one = await v.cancel("P1");
  assert.equal(one.status, "CANCELED");
  assert.equal(one.filled.toString(), "0.3");
  const all = await v.cancelAll();
  assert.deepEqual(all.map((o) => `${o.orderId}:${o.status}`), ["P2:CANCELED", "P3:CANCELED"]);
  assert.deepEqual(await v.openOrders(), []);
  assert.deepEqual(await v.cancelAll(), []);
  await clock.sleep(100);
  assert.deepEqual(summary(events).slice(-3), ["P1:CANCELED:0.3", "P2:CANCELED:0", "P3:CANCELED:0"]);
  await v.close();
});

Deno.test("setQuote moves the market and delivers the fills it causes", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock });
  const events = record(v);
  await v.placeLimit(limit("sell", "3005", "0.5"));
  v.setQuote(d("3005"), d("3005.01"));
  assert.equal((await v.bbo()).bid.toString(), "3005");
  await clock.sleep(100);
  assert.deepEqual(summary(events), ["P1:OPEN:0", "P1:FILLED:0.5"]);
  assert.equal((await v.position()).toString(), "-0.5");
  await v.close();
});

Deno.test("two venues on one state file: an order placed by one is cancelled by the other", async () => {
  await withDir(async (dir) => {
    const statePath = `${dir}/paper_ETH.json`;
    const clock = new VirtualClock(T0);
    const bot = await venue({ clock, statePath });
    const botEvents = record(bot);
    const placed = await bot.placeLimit(limit("buy", "2999", "0.1", { clientId: "bot-1" }));
    assert.equal(placed.kind, "accepted");
    await clock.sleep(100);
    assert.deepEqual(summary(botEvents), ["P1:OPEN:0"]);

    const other = await venue({ clock, statePath });
    const seen = await other.openOrders();
    assert.deepEqual(seen.map((o) => `${o.orderId}:${o.clientId}:${o.status}`), ["P1:bot-1:OPEN"]);
    const cancelled = await other.cancel("P1");
    assert.equal(cancelled.status, "CANCELED");
    await other.close();

    await clock.sleep(100);
    assert.equal(botEvents.length, 1, "no event before the bot looks at the venue again");
    assert.deepEqual(await bot.openOrders(), [], "the bot sees the cancel");
    assert.equal(botEvents.length, 1, "the event is asynchronous");
    await clock.sleep(100);
    assert.deepEqual(summary(botEvents), ["P1:OPEN:0", "P1:CANCELED:0"]);
    assert.equal(botEvents[1]!.clientId, "bot-1");

    // And the other way round: an order placed elsewhere shows up as an event.
    const third = await venue({ clock, statePath });
    await third.placeLimit(limit("sell", "3001", "0.2", { clientId: "manual" }));
    await third.close();
    assert.equal((await bot.order("P2"))?.clientId, "manual");
    await clock.sleep(100);
    assert.deepEqual(summary(botEvents).slice(2), ["P2:OPEN:0"]);
    await bot.close();
  });
});

// Fails until fixed: close() saves the in-memory state without adopting what another process wrote first.
Deno.test("closing a venue keeps a cancel made by another venue on the same file", async () => {
  await withDir(async (dir) => {
    const statePath = `${dir}/paper_ETH.json`;
    const clock = new VirtualClock(T0);
    const bot = await venue({ clock, statePath });
    await bot.placeLimit(limit("buy", "2999", "0.1"));
    const other = await venue({ clock, statePath });
    await other.cancel("P1");
    await other.close();
    await bot.close();
    const after = await venue({ clock, statePath });
    assert.equal((await after.order("P1"))?.status, "CANCELED");
    assert.deepEqual(await after.openOrders(), []);
    await after.close();
  });
});

// Fails until fixed: a change is detected by mtime (milliseconds) and size only, so a write of the same
// size within the file system's timestamp resolution is missed.
Deno.test("a change of the same size within one mtime tick is still seen", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withDir(async (dir) => {
    const statePath = `${dir}/paper_ETH.json`;
    const clock = new VirtualClock(T0);
    const bot = await venue({ clock, statePath });
    const before = Deno.statSync(statePath);
    const other = await venue({ clock, statePath });
    other.setQuote(d("3001"), d("3001.01")); // same number of characters as 3000 / 3000.01
    await other.close();
    assert.equal(Deno.statSync(statePath).size, before.size);
    // As on a file system with coarse timestamps (or two writes within one millisecond).
    Deno.utimeSync(statePath, before.atime!, before.mtime!);
    const bbo = await bot.bbo();
    assert.equal(`${bbo.bid}/${bbo.ask}`, "3001/3001.01");
    await bot.close();
  });
});

Deno.test("the state file keeps orders, fills and the account between runs", async () => {
  await withDir(async (dir) => {
    const statePath = `${dir}/paper_ETH.json`;
    const clock = new VirtualClock(T0);
    const first = await venue({ clock, statePath, seed: 9 });
    await first.placeLimit(limit("buy", "2999", "1", { clientId: "kept" }));
    first.forceFill("P1", d("0.25"));
    await first.placeMarket({ side: "buy", quantity: d("0.5"), reduceOnly: false, clientId: "mk" });
    await first.close();
    const second = await venue({ clock, statePath, seed: 12345 });
    assert.equal((await second.position()).toString(), "0.75");
    const kept = await second.order("P1");
    assert.equal(kept?.status, "PARTIALLY_FILLED");
    assert.equal(kept?.filled.toString(), "0.25");
    assert.equal(kept?.clientId, "kept");
    // The retried client id finds the saved order instead of placing another.
    const retry = await second.placeLimit(limit("buy", "2999", "1", { clientId: "kept" }));
    assert.equal(retry.kind === "accepted" && retry.order.orderId, "P1");
    assert.equal(second.engine.snapshot().seed, 9, "the saved market wins over a new seed");
    await second.close();
  });
});

Deno.test("a damaged state file is a VenueError that names the file", async () => {
  await withDir(async (dir) => {
    const table = [
      "{not json",
      JSON.stringify({ revision: 1, state: {} }),
      JSON.stringify({ revision: "x" }),
    ];
    for (const text of table) {
      const statePath = `${dir}/paper_ETH.json`;
      Deno.writeTextFileSync(statePath, text);
      const v = new PaperVenue({ ticker: "ETH", clock: new VirtualClock(T0), statePath });
      await assert.rejects(
        async () => await v.connect(),
        (e: unknown) => e instanceof VenueError && e.message.includes(statePath) && /damaged/.test(e.message),
        text,
      );
    }
  });
});

Deno.test("driveMarket moves the market over simulated hours in a fraction of a second", async () => {
  const clock = new VirtualClock(T0);
  const v = await venue({ clock, driveMarket: true, seed: 3 });
  const events = record(v);
  const start = await v.bbo();
  await v.placeLimit(limit("buy", start.bid.toString(), "1"));
  await v.placeLimit(limit("sell", start.ask.toString(), "1"));
  const realStart = performance.now();
  await clock.sleep(3 * HOUR);
  const realMs = performance.now() - realStart;
  assert.ok(realMs < 1000, `3 simulated hours took ${realMs.toFixed(0)} ms`);
  assert.ok(v.engine.time >= T0 + 3 * HOUR - 1000, `market time ${v.engine.time - T0}`);
  const end = await v.bbo();
  assert.ok(end.bid.lt(end.ask));
  assert.ok(isMultipleOf(end.bid, v.market().tickSize) && isMultipleOf(end.ask, v.market().tickSize));
  assert.notEqual(end.bid.toString(), start.bid.toString(), "the market moved");
  // Fills of the random walk arrive as events with a monotone filled quantity per order.
  const last = new Map<string, Decimal>();
  for (const e of events) {
    const before = last.get(e.orderId);
    if (before !== undefined) assert.ok(e.filled.gte(before), `${e.orderId}: ${e.filled} after ${before}`);
    last.set(e.orderId, e.filled);
  }
  assert.ok(events.some((e) => e.filled.gt(0)), "something filled in three hours");
  await v.close();
  // Once closed, the market stops.
  const stopped = v.engine.time;
  await clock.sleep(HOUR);
  assert.equal(v.engine.time, stopped);
});

Deno.test("driven venues with the same seed follow the same path; the state file is updated", async () => {
  await withDir(async (dir) => {
    const quotes: string[] = [];
    for (const statePath of [undefined, `${dir}/paper_ETH.json`]) {
      const clock = new VirtualClock(T0);
      const v = await venue({ clock, driveMarket: true, seed: 42, ...(statePath ? { statePath } : {}) });
      await clock.sleep(HOUR);
      const bbo = await v.bbo();
      quotes.push(`${bbo.bid}/${bbo.ask}`);
      await v.close();
      if (statePath !== undefined) {
        const saved = JSON.parse(Deno.readTextFileSync(statePath));
        assert.equal(`${saved.state.bid}/${saved.state.ask}`, quotes[1]);
        assert.ok(saved.state.time >= T0 + HOUR - 1000);
      }
    }
    assert.equal(quotes[0], quotes[1]);
    const clock = new VirtualClock(T0);
    const other = await venue({ clock, driveMarket: true, seed: 43 });
    await clock.sleep(HOUR);
    const bbo = await other.bbo();
    assert.notEqual(`${bbo.bid}/${bbo.ask}`, quotes[0]);
    await other.close();
  });
});
