/** The REST resync of a venue's orders: what it reports, one run at a time, the bad-data throttle, failures. */
import assert from "node:assert/strict";
import { Decimal } from "../../exchanges/decimal.ts";
import { OrderStates } from "../../exchanges/order_states.ts";
import { BAD_DATA_RESYNC_MS, OrderResync, type OrderResyncOptions } from "../../exchanges/resync.ts";
import type { OrderSnapshot, OrderStatus } from "../../exchanges/venue.ts";

function order(orderId: string, status: OrderStatus, filled = "0"): OrderSnapshot {
  return {
    orderId,
    side: "buy",
    status,
    price: new Decimal("100"),
    quantity: new Decimal("1"),
    filled: new Decimal(filled),
  };
}

/** A resync over REST answers given as data, recording what it did. */
function setup(over: Partial<OrderResyncOptions> = {}) {
  const orders = new OrderStates();
  const delivered: string[] = [];
  orders.listen((o) => delivered.push(`${o.orderId} ${o.status} ${o.filled}`));
  const logs: string[] = [];
  const calls: string[] = [];
  const rest = { open: [] as OrderSnapshot[], final: new Map<string, OrderSnapshot>() };
  const state = { closed: false, now: 0 };
  const resync = new OrderResync({
    venue: "somevenue",
    orders,
    openOrders: () => {
      calls.push("openOrders");
      return Promise.resolve(rest.open);
    },
    order: (id) => {
      calls.push(`order ${id}`);
      return Promise.resolve(rest.final.get(id));
    },
    closed: () => state.closed,
    now: () => state.now,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...over,
  });
  return { orders, delivered, logs, calls, rest, state, resync };
}

Deno.test("a run reports open orders and the final state of orders that left the book", async () => {
  const t = setup();
  for (const id of ["1", "2", "3"]) t.orders.merge(order(id, "OPEN"), false);
  t.rest.open = [order("1", "PARTIALLY_FILLED", "0.4")];
  t.rest.final.set("2", order("2", "FILLED", "1"));
  // Order 3 is unknown to the venue: nothing is reported for it.
  await t.resync.run("a reconnect");
  assert.deepEqual(t.calls, ["openOrders", "order 2", "order 3"]);
  assert.deepEqual(t.delivered, ["1 PARTIALLY_FILLED 0.4", "2 FILLED 1"]);
  assert.deepEqual(t.logs, ["info: somevenue: reading open orders after a reconnect"]);
  assert.deepEqual(t.orders.workingIds().sort(), ["1", "3"]);
});

Deno.test("requests during a run start exactly one more run after it", async () => {
  let release = () => {};
  let runs = 0;
  const t = setup({
    openOrders: () => {
      runs++;
      return runs === 1 ? new Promise((resolve) => (release = () => resolve([]))) : Promise.resolve([]);
    },
  });
  const first = t.resync.run("a reconnect");
  const second = t.resync.run("a reconnect");
  const third = t.resync.run("an invalid order update");
  assert.equal(second, first);
  assert.equal(third, first);
  release();
  await first;
  assert.equal(runs, 2);
  await t.resync.settled();
  assert.equal(runs, 2);
});

Deno.test("no run once closed, and a run stops reporting when the venue closes", async () => {
  const t = setup();
  t.state.closed = true;
  await t.resync.run("a reconnect");
  assert.deepEqual(t.calls, []);

  const u = setup({
    openOrders: () => {
      u.state.closed = true;
      return Promise.resolve([order("1", "FILLED", "1")]);
    },
  });
  u.orders.merge(order("1", "OPEN"), false);
  await u.resync.run("a reconnect");
  assert.deepEqual(u.delivered, []);
});

Deno.test("bad data resyncs at most once per interval", async () => {
  const t = setup();
  const table: [now: number, runs: boolean][] = [
    [0, true],
    [BAD_DATA_RESYNC_MS - 1, false],
    [BAD_DATA_RESYNC_MS, true],
    [BAD_DATA_RESYNC_MS + 1, false],
    [3 * BAD_DATA_RESYNC_MS, true],
  ];
  for (const [now, runs] of table) {
    t.calls.length = 0;
    t.state.now = now;
    t.resync.afterBadData();
    await t.resync.settled();
    assert.deepEqual(t.calls, runs ? ["openOrders"] : [], `at ${now} ms`);
  }
  assert.match(t.logs[0]!, /after an invalid order update$/);
});

Deno.test("a failed run is logged with the venue and the cause, never thrown", async () => {
  const t = setup({ openOrders: () => Promise.reject(new Error("HTTP 502")) });
  await t.resync.run("a reconnect");
  assert.deepEqual(t.logs, [
    "info: somevenue: reading open orders after a reconnect",
    "warning: somevenue resync after a reconnect failed: HTTP 502",
  ]);
});
