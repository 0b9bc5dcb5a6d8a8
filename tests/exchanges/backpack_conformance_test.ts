/**
 * The Backpack adapter against its loopback fake: the whole conformance suite, faults included, plus the
 * checks only the fake's request log can make (every signed request verified, no broker or referral header).
 */
import assert from "node:assert/strict";
import { RealClock } from "../../bot/clock.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { createBackpackVenue } from "../../exchanges/backpack/venue.ts";
import type { OrderStatus } from "../../exchanges/venue.ts";
import { BackpackFake, type BackpackFakeOptions, type BackpackOrderEvent } from "../fakes/backpack.ts";
import {
  type ConformanceFake,
  fakeControl,
  type RateLimitedOperation,
  venueConformance,
} from "./conformance.ts";

/** Not powers of ten on purpose: an adapter must read the filters, not guess increments from decimals. */
const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;

/** Short timeouts keep the fault cases fast: requests give up after 200 ms; 600 ms of silence is stale. */
const TUNING = { BACKPACK_HTTP_TIMEOUT_MS: "200", BACKPACK_WS_STALE_MS: "600" } as const;

const PATHS: Record<RateLimitedOperation, { method: string; path: string }> = {
  position: { method: "GET", path: "/api/v1/position" },
  openOrders: { method: "GET", path: "/api/v1/orders" },
};

const STATUS: Record<OrderStatus, BackpackOrderEvent["X"][]> = {
  OPEN: ["New"],
  PARTIALLY_FILLED: ["PartiallyFilled"],
  FILLED: ["Filled"],
  CANCELED: ["Cancelled", "Expired"],
  REJECTED: [],
};

/** The suite's handle on a {@link BackpackFake}. */
function control(fake: BackpackFake): ConformanceFake {
  return fakeControl(fake, PATHS, (e, status) => STATUS[status].includes(e.X));
}

async function start(options: BackpackFakeOptions = {}) {
  const clock = new RealClock();
  const fake = await BackpackFake.start({
    ticker: "SOL",
    ...MARKET,
    clock,
    tickerIntervalMs: 100,
    ...options,
  });
  const venue = createBackpackVenue({
    ticker: "SOL",
    env: { ...fake.env(), ...TUNING },
    clock,
    logDir: "/nonexistent",
    accountName: undefined,
    trading: true,
  });
  return { fake, venue };
}

/** Every fake of the suite, so the log checks below can look at all of them. */
const fakes: BackpackFake[] = [];

venueConformance({
  name: "backpack",
  expected: { ticker: "SOL", symbol: "SOL_USDC_PERP", ...MARKET },
  startBid: "150.00",
  capabilities: { socketFaults: true, httpFaults: true, fillDuringCancel: true, eventFaults: true },
  eventTimeoutMs: 4000,
  // The adapter tries a placement 3 times, each later try only looking the client id up: a few requests of
  // 200 ms plus the backoff, well under 4 s.
  outageMs: 4000,
  setup: async () => {
    const { fake, venue } = await start();
    fakes.push(fake);
    return { venue, fake: control(fake), dispose: () => fake.close() };
  },
});

Deno.test("backpack conformance: every signed request verified, none carried attribution", () => {
  const requests = fakes.flatMap((f) => f.requests);
  assert.ok(requests.length > 100, `the suite ran (${requests.length} requests)`);
  for (const r of requests) {
    assert.notEqual(r.status, 401, `${r.method} ${r.path} was refused: ${r.body}`);
    for (const h of Object.keys(r.headers)) {
      assert.ok(!/broker|referr?al|affiliate/i.test(h), `${r.method} ${r.path} sent header ${h}`);
    }
    const signed = r.headers["x-signature"] !== undefined;
    const isPublic = /^\/api\/v1\/(markets?|depth|ticker|time|ping|status)$/.test(r.path);
    assert.equal(signed, !isPublic, `${r.method} ${r.path} signed=${signed}`);
  }
});

Deno.test("backpack: subscribes to the ticker and the signed order stream, again after a drop", async () => {
  const { fake, venue } = await start();
  try {
    await venue.connect();
    const streams = () => fake.subscriptions.map((s) => `${s.session}:${s.stream}`).sort();
    assert.deepEqual(streams(), ["1:account.orderUpdate.SOL_USDC_PERP", "1:bookTicker.SOL_USDC_PERP"]);
    fake.dropSockets();
    const deadline = Date.now() + 4000;
    while (fake.subscriptions.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(streams(), [
      "1:account.orderUpdate.SOL_USDC_PERP",
      "1:bookTicker.SOL_USDC_PERP",
      "2:account.orderUpdate.SOL_USDC_PERP",
      "2:bookTicker.SOL_USDC_PERP",
    ]);
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("backpack: post-only placement sends the documented body", async () => {
  const { fake, venue } = await start();
  try {
    await venue.connect();
    fake.setQuote("150.00", "150.10");
    const result = await venue.placeLimit({
      side: "buy",
      price: new Decimal("149.95"),
      quantity: new Decimal("0.4"),
      postOnly: true,
      reduceOnly: false,
      clientId: "4242",
    });
    assert.equal(result.kind, "accepted");
    const post = fake.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/order");
    assert.equal(post.length, 1);
    const body = JSON.parse(post[0]!.body);
    assert.equal(body.symbol, "SOL_USDC_PERP");
    assert.equal(body.side, "Bid");
    assert.equal(body.orderType, "Limit");
    assert.equal(body.price, "149.95");
    assert.equal(body.quantity, "0.4");
    assert.equal(body.postOnly, true);
    assert.equal(body.clientId, 4242);
    assert.ok(post[0]!.headers["content-type"]?.startsWith("application/json"));
  } finally {
    await venue.close();
    await fake.close();
  }
});

// A refused signed subscription (a clock skewed past X-Window, say) must lead to a fresh, re-signed attempt,
// not to a socket that stays up on the book ticker alone.
Deno.test({
  name: "backpack: a refused private subscription is tried again, and order events flow",
  fn: async () => {
    const { fake, venue } = await start();
    fake.refusePrivateSubscriptions(1);
    const events: string[] = [];
    venue.onOrderEvent((e) => events.push(`${e.orderId} ${e.status}`));
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      const placed = await venue.placeLimit({
        side: "buy",
        price: new Decimal("149.95"),
        quantity: new Decimal("0.4"),
        postOnly: true,
        reduceOnly: false,
        clientId: "31",
      });
      assert.equal(placed.kind, "accepted");
      if (placed.kind !== "accepted") return;
      fake.forceFill(placed.order.orderId);
      const deadline = Date.now() + 4000;
      const want = `${placed.order.orderId} FILLED`;
      while (!events.includes(want) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.ok(events.includes(want), `order events: ${JSON.stringify(events)}`);
    } finally {
      await venue.close();
      await fake.close();
    }
  },
});

Deno.test("backpack: a fill's fee counts once, however often its event arrives", async () => {
  const { fake, venue } = await start();
  const events: { status: string; fee: string | undefined }[] = [];
  venue.onOrderEvent((e) => events.push({ status: e.status, fee: e.fee?.toString() }));
  try {
    await venue.connect();
    fake.setQuote("150.00", "150.10");
    const placed = await venue.placeLimit({
      side: "buy",
      price: new Decimal("149.95"),
      quantity: new Decimal("0.4"),
      postOnly: true,
      reduceOnly: false,
      clientId: "808",
    });
    assert.equal(placed.kind, "accepted");
    if (placed.kind !== "accepted") return;
    fake.faults.events.duplicate((e) => e.e === "orderFill", 4);
    fake.forceFill(placed.order.orderId, "0.2");
    fake.forceFill(placed.order.orderId, "0.2");
    const deadline = Date.now() + 4000;
    while (!events.some((e) => e.status === "FILLED") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100)); // the duplicates, too
    const paid = fake.fills.filter((f) => f.orderId === placed.order.orderId)
      .reduce((sum, f) => sum.plus(f.fee), new Decimal(0));
    assert.equal(fake.fills.filter((f) => f.orderId === placed.order.orderId).length, 2);
    assert.ok(paid.gt(0));
    const last = events.filter((e) => e.fee !== undefined).at(-1);
    assert.equal(last?.fee, paid.toString(), JSON.stringify(events));
  } finally {
    await venue.close();
    await fake.close();
  }
});
