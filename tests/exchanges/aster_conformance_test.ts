/**
 * The Aster adapter against its loopback fake, in both signing modes (V1 HMAC keys, V3 EIP-712 API wallet):
 * the whole conformance suite, faults included, plus the checks only the fake's request log can make (every
 * private request verified, no attribution, the documented post-only body, listen-key renewal, the 418 ban).
 */
import assert from "node:assert/strict";
import { RealClock } from "../../bot/clock.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { createAsterVenue } from "../../exchanges/aster/venue.ts";
import type { OrderEvent, OrderStatus, Venue } from "../../exchanges/venue.ts";
import { AsterFake, type AsterFakeOptions, type AsterMode, type AsterStatus } from "../fakes/aster.ts";
import type { RequestRecord } from "../fakes/loopback.ts";
import {
  type ConformanceFake,
  fakeControl,
  type RateLimitedOperation,
  venueConformance,
  waitFor,
} from "./conformance.ts";

/** Not powers of ten on purpose: an adapter must read the filters, not guess increments from decimals. */
const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;
/** The same filters as a Binance-style venue pads them. */
const PADDED = { tickSize: "0.05000000", stepSize: "0.10000000", minQuantity: "0.20000000" } as const;

/** Short timeouts keep the fault cases fast: requests give up after 200 ms; 600 ms of silence is stale. */
const TUNING = { ASTER_HTTP_TIMEOUT_MS: "200", ASTER_WS_STALE_MS: "600" } as const;

const PATHS: Record<RateLimitedOperation, { method: string; path: RegExp }> = {
  position: { method: "GET", path: /^\/fapi\/v[23]\/positionRisk$/ },
  openOrders: { method: "GET", path: /^\/fapi\/v[13]\/openOrders$/ },
};

const STATUS: Record<OrderStatus, AsterStatus[]> = {
  OPEN: ["NEW"],
  PARTIALLY_FILLED: ["PARTIALLY_FILLED"],
  FILLED: ["FILLED"],
  CANCELED: ["CANCELED", "EXPIRED"],
  REJECTED: ["REJECTED"],
};

/** The suite's handle on an {@link AsterFake}. */
function control(fake: AsterFake): ConformanceFake {
  return fakeControl(fake, PATHS, (e, status) => STATUS[status].includes(e.o.X));
}

async function start(
  mode: AsterMode,
  options: AsterFakeOptions = {},
): Promise<{ fake: AsterFake; venue: Venue }> {
  const clock = new RealClock();
  const fake = await AsterFake.start({
    ticker: "SOL",
    ...(mode === "v1" ? MARKET : PADDED),
    clock,
    tickerIntervalMs: 100,
    ...options,
  });
  const venue = createAsterVenue({
    ticker: options.ticker ?? "SOL",
    env: { ...fake.env(mode), ...TUNING },
    clock,
    logDir: "/nonexistent",
    accountName: undefined,
    trading: true,
  });
  return { fake, venue };
}

/** Every fake of each suite, so the log checks below can look at all of them. */
const fakes: Record<AsterMode, AsterFake[]> = { v1: [], v3: [] };

for (const mode of ["v1", "v3"] as const) {
  venueConformance({
    name: `aster ${mode}`,
    expected: { ticker: "SOL", symbol: "SOLUSDT", ...MARKET },
    startBid: "150.00",
    capabilities: { socketFaults: true, httpFaults: true, fillDuringCancel: true, eventFaults: true },
    eventTimeoutMs: 4000,
    outageMs: 4000,
    setup: async () => {
      const { fake, venue } = await start(mode);
      fakes[mode].push(fake);
      return { venue, fake: control(fake), dispose: () => fake.close() };
    },
  });
}

// An integer tick: prices have no decimals at all, and the rounding must still be to multiples of 10.
venueConformance({
  name: "aster v1 tick 10",
  expected: { ticker: "BTC", symbol: "BTCUSDT", tickSize: "10", stepSize: "0.001", minQuantity: "0.001" },
  startBid: "60000",
  capabilities: { socketFaults: false, httpFaults: false, fillDuringCancel: true, eventFaults: false },
  eventTimeoutMs: 4000,
  setup: async () => {
    const { fake, venue } = await start("v1", {
      ticker: "BTC",
      tickSize: "10",
      stepSize: "0.001",
      minQuantity: "0.001",
      bid: "60000",
      ask: "60010",
    });
    fakes.v1.push(fake);
    return { venue, fake: control(fake), dispose: () => fake.close() };
  },
});

/** Parameters of a request as the venue reads them: the body's, then the query's over them. */
function params(r: RequestRecord): Map<string, string> {
  const out = new Map<string, string>();
  new URLSearchParams(r.body).forEach((v, k) => out.set(k, v));
  for (const [k, v] of Object.entries(r.query)) out.set(k, v);
  return out;
}

const PUBLIC = /^\/fapi\/v[13]\/(exchangeInfo|time|ping|depth|ticker\/bookTicker)$/;
const ATTRIBUTION = /broker|referr?al|affiliate|builder|agent.?code|partner/i;

for (const mode of ["v1", "v3"] as const) {
  Deno.test(`aster ${mode} conformance: every private request verified, none carried attribution`, () => {
    const all = fakes[mode];
    const requests = all.flatMap((f) => f.requests);
    assert.ok(requests.length > 100, `the suite ran (${requests.length} requests)`);
    for (const r of requests) {
      const what = `${r.method} ${r.path}?${new URLSearchParams(r.query)} ${r.body}`;
      assert.notEqual(r.status, 401, `refused: ${what}`);
      assert.notEqual(r.status, 404, `no such endpoint: ${what}`);
      for (const h of Object.keys(r.headers)) assert.ok(!ATTRIBUTION.test(h), `header ${h}: ${what}`);
      const p = params(r);
      for (const k of p.keys()) assert.ok(!ATTRIBUTION.test(k), `parameter ${k}: ${what}`);
      if (PUBLIC.test(r.path)) continue;
      if (mode === "v1") {
        assert.match(r.path, /^\/fapi\/v[12]\//, what);
        assert.ok(r.headers["x-mbx-apikey"] !== undefined, `no key header: ${what}`);
        if (!r.path.endsWith("/listenKey")) {
          assert.ok(p.has("signature") && p.has("timestamp"), `unsigned: ${what}`);
        }
      } else {
        assert.match(r.path, /^\/fapi\/v3\//, what);
        for (const k of ["user", "signer", "nonce", "signature"]) assert.ok(p.has(k), `no ${k}: ${what}`);
      }
    }
    // Refusals of the clock, the nonce or the signature would mean the adapter signs wrongly somewhere.
    const authErrors = all.flatMap((f) => f.errors).filter((e) =>
      [-1021, -1022, -2015, -4225, -1102].includes(e.code)
    );
    assert.deepEqual(authErrors, []);
  });
}

const postOnly = (clientId: string, price = "149.95", side: "buy" | "sell" = "buy") => ({
  side,
  price: new Decimal(price),
  quantity: new Decimal("0.4"),
  postOnly: true,
  reduceOnly: false,
  clientId,
});

for (const mode of ["v1", "v3"] as const) {
  Deno.test(`aster ${mode}: post-only placement sends type=LIMIT&timeInForce=GTX with the client id`, async () => {
    const { fake, venue } = await start(mode);
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      const result = await venue.placeLimit(postOnly("pp-4242"));
      assert.equal(result.kind, "accepted", JSON.stringify(result));
      const posts = fake.requests.filter((r) => r.method === "POST" && /^\/fapi\/v[13]\/order$/.test(r.path));
      assert.equal(posts.length, 1);
      const p = params(posts[0]!);
      assert.equal(posts[0]!.path, mode === "v1" ? "/fapi/v1/order" : "/fapi/v3/order");
      assert.deepEqual(
        ["symbol", "side", "type", "timeInForce", "price", "quantity", "newClientOrderId"].map((k) =>
          p.get(k)
        ),
        ["SOLUSDT", "BUY", "LIMIT", "GTX", "149.95", "0.4", "pp-4242"],
      );
      // Only RESULT answers with the final status: a crossing GTX order is then EXPIRED in the answer itself.
      assert.equal(p.get("newOrderRespType"), "RESULT");
      assert.notEqual(p.get("reduceOnly"), "true");
      const o = fake.ordersWithClientId("pp-4242");
      assert.equal(o.length, 1);
      assert.equal(o[0]!.timeInForce, "GTX");
    } finally {
      await venue.close();
      await fake.close();
    }
  });

  Deno.test(`aster ${mode}: -1007 (timeout waiting for the engine) is not a refusal: the order is found, not sent twice`, async () => {
    const { fake, venue } = await start(mode);
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      const body = JSON.stringify({ code: -1007, msg: "Timeout waiting for response from backend server." });
      fake.faults.lateExecution({ method: "POST", path: /^\/fapi\/v[13]\/order$/ }, 300, 408, body);
      const order = await venue.placeMarket({
        side: "buy",
        quantity: new Decimal("0.4"),
        reduceOnly: false,
        clientId: "late-1",
      });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(order.status, "FILLED");
      assert.equal(fake.ordersWithClientId("late-1").length, 1);
      assert.equal(fake.position().toString(), "0.4");
    } finally {
      await venue.close();
      await fake.close();
    }
  });

  Deno.test(`aster ${mode}: a crossing post-only order expires on the venue and is a rejected result`, async () => {
    const { fake, venue } = await start(mode);
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      const result = await venue.placeLimit(postOnly("pp-cross", "150.10"));
      assert.equal(result.kind, "rejected", JSON.stringify(result));
      if (result.kind === "rejected") assert.equal(result.postOnlyWouldCross, true, result.reason);
      const o = fake.orders().filter((x) => x.clientOrderId === "pp-cross");
      assert.deepEqual(o.map((x) => `${x.status} ${x.rested}`), ["EXPIRED false"], "one placement, expired");
      assert.deepEqual(await venue.openOrders(), []);
    } finally {
      await venue.close();
      await fake.close();
    }
  });

  Deno.test(`aster ${mode}: an expired listen key is replaced and order events flow again`, async () => {
    const { fake, venue } = await start(mode);
    const events: OrderEvent[] = [];
    venue.onOrderEvent((e) => events.push(e));
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      await waitFor(() => fake.userSessions().length > 0, 4000, "a user-data socket");
      const first = fake.listenKey!;
      assert.ok(fake.expireListenKey());
      await waitFor(
        () => fake.listenKey !== undefined && fake.listenKey !== first,
        4000,
        "a new listen key",
      );
      const second = fake.listenKey!;
      await waitFor(
        () => fake.userSessions().some((s) => s.state.get("listenKey") === second),
        4000,
        "a socket on the new key",
      );
      const placed = await venue.placeLimit(postOnly("lk-1"));
      assert.equal(placed.kind, "accepted");
      if (placed.kind !== "accepted") return;
      const streamed = fake.orderEvents.length;
      fake.forceFill(placed.order.orderId);
      await waitFor(
        () => events.some((e) => e.orderId === placed.order.orderId && e.status === "FILLED"),
        4000,
        "the fill, reported",
      );
      assert.ok(fake.orderEvents.length > streamed);
      // Streamed, not only polled: the fill went out on a socket of the new key.
      const onNew = new Set(
        fake.userSessions().filter((s) => s.state.get("listenKey") === second).map((s) => s.id),
      );
      const sent = fake.server.socketMessages.filter((m) =>
        m.direction === "out" && onNew.has(m.session) && m.data.includes('"X":"FILLED"') &&
        m.data.includes(`"i":${placed.order.orderId}`)
      );
      assert.equal(sent.length, 1, "the fill was sent on the new key's socket");
    } finally {
      await venue.close();
      await fake.close();
    }
  });

  Deno.test(`aster ${mode}: a 418 ban stops placements until it ends`, async () => {
    const { fake, venue } = await start(mode);
    try {
      await venue.connect();
      fake.setQuote("150.00", "150.10");
      const banMs = 1000;
      const orderPath = /^\/fapi\/v[13]\/order$/;
      const banStart = fake.clock.now();
      fake.ban(banMs / 1000, { method: "POST", path: orderPath });
      // One placement meets the ban; more are asked for while it lasts. Waiting the ban out or failing are
      // both fine; sending another placement before it ends is not.
      const tries = [venue.placeLimit(postOnly("ban-1")).then((r) => r, (e) => e)];
      for (let i = 2; i <= 4; i++) {
        await new Promise((r) => setTimeout(r, 150));
        tries.push(venue.placeLimit(postOnly(`ban-${i}`)).then((r) => r, (e) => e));
      }
      await Promise.all(tries);
      const posts = fake.requests.filter((r) => r.method === "POST" && orderPath.test(r.path));
      const banned = posts.filter((r) => r.status === 418);
      assert.equal(banned.length, 1, `placements sent into the ban: ${banned.length}`);
      for (const r of posts.filter((x) => x.status !== 418)) {
        assert.ok(
          r.time >= banStart + banMs - 5,
          `a placement ${r.time - banStart} ms into a ${banMs} ms ban`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, banStart + banMs + 100 - fake.clock.now())));
      const after = await venue.placeLimit(postOnly("ban-after"));
      assert.equal(after.kind, "accepted", "placing works once the ban is over");
    } finally {
      await venue.close();
      await fake.close();
    }
  });

  Deno.test(`aster ${mode}: an integer tick of 10`, async () => {
    const { fake, venue } = await start(mode, {
      ticker: "BTC",
      tickSize: "10",
      stepSize: "0.001",
      minQuantity: "0.001",
      bid: "60000",
      ask: "60010",
    });
    try {
      await venue.connect();
      const m = venue.market();
      assert.deepEqual([m.symbol, m.tickSize.toString(), m.stepSize.toString()], ["BTCUSDT", "10", "0.001"]);
      fake.setQuote("60000", "60020");
      await waitFor(async () => (await venue.bbo()).ask.eq(60020), 4000, "the quote");
      const placed = await venue.placeLimit({
        side: "buy",
        price: new Decimal("59990"),
        quantity: new Decimal("0.002"),
        postOnly: true,
        reduceOnly: false,
        clientId: "int-1",
      });
      assert.equal(placed.kind, "accepted", JSON.stringify(placed));
      const post = fake.requests.find((r) => r.method === "POST" && /\/order$/.test(r.path))!;
      assert.equal(params(post).get("price"), "59990");
      const cross = await venue.placeLimit({
        side: "sell",
        price: new Decimal("60000"),
        quantity: new Decimal("0.002"),
        postOnly: true,
        reduceOnly: false,
        clientId: "int-2",
      });
      assert.equal(cross.kind, "rejected");
    } finally {
      await venue.close();
      await fake.close();
    }
  });
}
