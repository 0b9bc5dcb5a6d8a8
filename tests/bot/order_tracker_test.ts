/** The order tracker: merge rules as tables with their boundaries, forgetting, and waiting under a virtual clock. */
import assert from "node:assert/strict";
import { SleepAbortedError, VirtualClock } from "../../bot/clock.ts";
import { filledNotional, mergeSnapshot, OrderTracker } from "../../bot/order_tracker.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import type { OrderSnapshot, OrderStatus } from "../../exchanges/venue.ts";

const d = (s: string) => new Decimal(s);

function snap(status: OrderStatus, filled: string, extra: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    orderId: "P1",
    side: "buy",
    status,
    price: d("3000"),
    quantity: d("0.1"),
    filled: d(filled),
    ...extra,
  };
}

Deno.test("mergeSnapshot: status and filled quantity by rule, not by arrival order", () => {
  const table: [
    known: [OrderStatus, string] | undefined,
    next: [OrderStatus, string],
    expected: [OrderStatus, string],
  ][] = [
    // First report: normalised (a working order with fills is PARTIALLY_FILLED; full fills are FILLED).
    [undefined, ["OPEN", "0"], ["OPEN", "0"]],
    [undefined, ["OPEN", "0.04"], ["PARTIALLY_FILLED", "0.04"]],
    [undefined, ["OPEN", "0.1"], ["FILLED", "0.1"]],
    [undefined, ["PARTIALLY_FILLED", "0"], ["OPEN", "0"]],
    [undefined, ["CANCELED", "0.02"], ["CANCELED", "0.02"]],
    // Filled never decreases: an older report after a newer one changes nothing.
    [["PARTIALLY_FILLED", "0.05"], ["PARTIALLY_FILLED", "0.02"], ["PARTIALLY_FILLED", "0.05"]],
    [["PARTIALLY_FILLED", "0.05"], ["OPEN", "0"], ["PARTIALLY_FILLED", "0.05"]],
    [["OPEN", "0"], ["PARTIALLY_FILLED", "0.001"], ["PARTIALLY_FILLED", "0.001"]],
    // OPEN with fills is PARTIALLY_FILLED.
    [["OPEN", "0"], ["OPEN", "0.03"], ["PARTIALLY_FILLED", "0.03"]],
    // Reaching the quantity is FILLED, whatever the report says; one step below is not.
    [["PARTIALLY_FILLED", "0.05"], ["PARTIALLY_FILLED", "0.1"], ["FILLED", "0.1"]],
    [["PARTIALLY_FILLED", "0.05"], ["PARTIALLY_FILLED", "0.099"], ["PARTIALLY_FILLED", "0.099"]],
    // Terminal stays terminal...
    [["CANCELED", "0"], ["OPEN", "0"], ["CANCELED", "0"]],
    [["CANCELED", "0.02"], ["PARTIALLY_FILLED", "0.02"], ["CANCELED", "0.02"]],
    [["FILLED", "0.1"], ["PARTIALLY_FILLED", "0.05"], ["FILLED", "0.1"]],
    [["FILLED", "0.1"], ["CANCELED", "0.1"], ["FILLED", "0.1"]],
    [["REJECTED", "0"], ["OPEN", "0"], ["REJECTED", "0"]],
    // ...except that a later FILLED with more fills wins (the cancel lost a race)...
    [["CANCELED", "0.02"], ["FILLED", "0.1"], ["FILLED", "0.1"]],
    // ...and more fills on a terminal report without FILLED keep the terminal status, but count.
    [["CANCELED", "0.02"], ["CANCELED", "0.05"], ["CANCELED", "0.05"]],
    // A working order takes the terminal status of the next report.
    [["PARTIALLY_FILLED", "0.03"], ["CANCELED", "0.03"], ["CANCELED", "0.03"]],
    [["OPEN", "0"], ["FILLED", "0.1"], ["FILLED", "0.1"]],
    [["OPEN", "0"], ["REJECTED", "0"], ["REJECTED", "0"]],
    // A stale CANCELED with fewer fills than known keeps the known fills.
    [["PARTIALLY_FILLED", "0.06"], ["CANCELED", "0.04"], ["CANCELED", "0.06"]],
  ];
  for (const [known, next, [status, filled]] of table) {
    const merged = mergeSnapshot(known === undefined ? undefined : snap(...known), snap(...next));
    const label = `${known?.join("/") ?? "none"} + ${next.join("/")}`;
    assert.equal(merged.status, status, label);
    assert.equal(merged.filled.toString(), filled, label);
  }
});

Deno.test("mergeSnapshot keeps identity fields from the first report and the largest fee", () => {
  const first = snap("OPEN", "0", { clientId: "c-1", fee: d("0.2"), reduceOnly: true });
  const merged = mergeSnapshot(
    first,
    snap("PARTIALLY_FILLED", "0.05", {
      fee: d("0.1"),
      quantity: d("5"),
      side: "sell",
      avgPrice: d("2999.5"),
    }),
  );
  assert.equal(merged.clientId, "c-1");
  assert.equal(merged.side, "buy");
  assert.equal(merged.quantity.toString(), "0.1");
  assert.equal(merged.fee?.toString(), "0.2");
  assert.equal(merged.reduceOnly, true);
  assert.equal(merged.avgPrice?.toString(), "2999.5");
  // A zero price (market order known before its fills) takes the next report's price.
  const market = mergeSnapshot(
    snap("OPEN", "0", { price: d("0") }),
    snap("FILLED", "0.1", { price: d("3001") }),
  );
  assert.equal(market.price.toString(), "3001");
  assert.equal(filledNotional(market).toString(), "300.1");
  assert.equal(filledNotional(snap("OPEN", "0")).toString(), "0");
});

Deno.test("OrderTracker: a forgotten order ignores late duplicates; others are still merged", () => {
  const t = new OrderTracker();
  assert.equal(t.observe(snap("OPEN", "0"))?.status, "OPEN");
  assert.equal(t.observe(snap("FILLED", "0.1"))?.status, "FILLED");
  assert.equal(t.size, 1);
  t.forget("P1");
  assert.equal(t.size, 0);
  assert.equal(t.get("P1"), undefined);
  // A duplicate of an old event after forgetting is ignored, not resurrected as a new order.
  assert.equal(t.observe(snap("PARTIALLY_FILLED", "0.05")), undefined);
  assert.equal(t.observe(snap("FILLED", "0.1")), undefined);
  assert.equal(t.size, 0);
  // Forgetting twice, or an unknown id, is harmless.
  t.forget("P1");
  t.forget("nope");
  assert.equal(t.observe(snap("OPEN", "0", { orderId: "P2" }))?.orderId, "P2");
  assert.equal(t.size, 1);
});

Deno.test("OrderTracker remembers the last 2000 forgotten ids, and no more", () => {
  const t = new OrderTracker();
  for (let i = 0; i < 2001; i++) {
    t.observe(snap("CANCELED", "0", { orderId: `X${i}` }));
    t.forget(`X${i}`);
  }
  // X0 fell out of the memory: a report about it is taken as new; X1 is still remembered.
  assert.equal(t.observe(snap("CANCELED", "0", { orderId: "X0" }))?.orderId, "X0");
  assert.equal(t.observe(snap("CANCELED", "0", { orderId: "X1" })), undefined);
});

Deno.test("OrderTracker.waitFor resolves on the predicate, at the timeout, or on abort, under a virtual clock", async () => {
  const clock = new VirtualClock(0);
  const t = new OrderTracker();
  const done = (s: OrderSnapshot) => s.status === "FILLED" || s.status === "CANCELED";
  t.observe(snap("OPEN", "0"));

  // Already true: resolves at once, without waiting.
  t.observe(snap("OPEN", "0", { orderId: "P9" }));
  assert.equal((await t.waitFor("P9", (s) => s.status === "OPEN", 10_000, clock))?.status, "OPEN");
  assert.equal(clock.now(), 0);

  // The predicate becomes true after 3 s: resolves then, not at the 10 s timeout. A partial fill first does not.
  clock.sleep(1000).then(() => t.observe(snap("PARTIALLY_FILLED", "0.02")));
  clock.sleep(3000).then(() => t.observe(snap("FILLED", "0.1")));
  const filled = await t.waitFor("P1", done, 10_000, clock);
  assert.equal(filled?.status, "FILLED");
  assert.equal(clock.now(), 3000);
  assert.equal(clock.pending, 0, "the timeout timer is released");

  // Nothing happens: resolves with the current state at the timeout, exactly.
  t.observe(snap("OPEN", "0", { orderId: "P2" }));
  const timedOut = await t.waitFor("P2", done, 10_000, clock);
  assert.equal(timedOut?.status, "OPEN");
  assert.equal(clock.now(), 13_000);

  // Unknown order: resolves with undefined at the timeout.
  assert.equal(await t.waitFor("P404", done, 500, clock), undefined);
  assert.equal(clock.now(), 13_500);

  // Abort: resolves (never rejects) when the signal aborts, before the timeout.
  const stop = new AbortController();
  clock.sleep(2000).then(() => stop.abort());
  const aborted = await t.waitFor("P2", done, 60_000, clock, stop.signal);
  assert.equal(aborted?.status, "OPEN");
  assert.equal(clock.now(), 15_500);
  // An already aborted signal resolves at once.
  assert.equal((await t.waitFor("P2", done, 60_000, clock, stop.signal))?.status, "OPEN");
  assert.equal(clock.now(), 15_500);

  // Another order's events do not wake the waiter.
  clock.sleep(100).then(() => t.observe(snap("FILLED", "0.1", { orderId: "P3" })));
  const other = await t.waitFor("P2", done, 1000, clock);
  assert.equal(other?.status, "OPEN");
  assert.equal(clock.now(), 16_500);
  await assert.rejects(clock.sleep(10, AbortSignal.abort()), SleepAbortedError);
});
