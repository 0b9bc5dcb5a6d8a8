/**
 * AsterVenue: configuration from the environment (errors name the variable, never a secret; testnet selects
 * its hosts and chain id), the exported hosts, a market order that returns its fee from the stream, and the
 * REST resync after a user-stream reconnect that reports a fill missed while the socket was down. REST is an
 * in-test `fetch` stub; the streams run on a loopback WebSocket server.
 */
import assert from "node:assert/strict";
import { RealClock, VirtualClock } from "../../../bot/clock.ts";
import { ConfigError } from "../../../bot/errors.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { type OrderEvent, VenueUnavailableError } from "../../../exchanges/venue.ts";
import {
  ASTER_HOSTS,
  AsterVenue,
  type AsterVenueOptions,
  createAsterVenue,
} from "../../../exchanges/aster/venue.ts";
import { asterDigest, AsterHmacSigner } from "../../../exchanges/aster/signer.ts";
import { recoverDigestSigner } from "../../../exchanges/evm/eip712.ts";
import { restOrder } from "./samples.ts";
import { eventually, type WsConn, wsServer } from "./ws_server.ts";

const V1 = {
  ASTER_API_KEY: "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
  ASTER_SECRET_KEY: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
};
const V3 = {
  ASTER_USER: "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
  ASTER_SIGNER: "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0",
  ASTER_SIGNER_PRIVATE_KEY: "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1",
};

function ctx(env: Record<string, string>) {
  return {
    ticker: "SOL",
    env,
    clock: new VirtualClock(),
    logDir: "/nonexistent",
    accountName: undefined,
    trading: true,
  };
}

Deno.test("aster venue: hosts of both environments are exported", () => {
  assert.deepEqual(ASTER_HOSTS, {
    mainnet: { rest: "fapi.asterdex.com", ws: "fstream.asterdex.com" },
    testnet: { rest: "fapi.asterdex-testnet.com", ws: "fstream.asterdex-testnet.com" },
  });
});

Deno.test("aster venue: configuration errors name the variable and never show a secret", () => {
  const fails = (env: Record<string, string>, variable: string) => {
    assert.throws(() => createAsterVenue(ctx(env)), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.field, variable, e.message);
      for (const s of [V1.ASTER_SECRET_KEY, V3.ASTER_SIGNER_PRIVATE_KEY.slice(2)]) {
        assert.ok(!e.message.includes(s), e.message);
      }
      return true;
    });
  };
  fails({}, "ASTER_USER");
  fails({ ASTER_API_KEY: V1.ASTER_API_KEY }, "ASTER_SECRET_KEY");
  fails({ ...V1, ASTER_ENVIRONMENT: "prod" }, "ASTER_ENVIRONMENT");
  // A secret pasted in the wrong variable is not echoed.
  fails({ ...V1, ASTER_ENVIRONMENT: V1.ASTER_SECRET_KEY }, "ASTER_ENVIRONMENT");
  fails({ ...V1, ASTER_WS_STALE_MS: V1.ASTER_SECRET_KEY }, "ASTER_WS_STALE_MS");
  fails({ ...V1, ASTER_HTTP_TIMEOUT_MS: "fast" }, "ASTER_HTTP_TIMEOUT_MS");
  fails({ ...V1, ASTER_WS_STALE_MS: "0" }, "ASTER_WS_STALE_MS");
  fails({ ...V1, ASTER_RECV_WINDOW_MS: "70000" }, "ASTER_RECV_WINDOW_MS");
  fails({ ...V1, ASTER_BASE_URL: "fapi.asterdex.com" }, "ASTER_BASE_URL");
  fails({ ...V1, ASTER_BASE_URL: "https://fapi.asterdex.com/fapi/v1" }, "ASTER_BASE_URL");
  fails({ ...V1, ASTER_WS_URL: "https://fstream.asterdex.com" }, "ASTER_WS_URL");
  fails(
    { ...V3, ASTER_SIGNER_PRIVATE_KEY: `${V3.ASTER_SIGNER_PRIVATE_KEY.slice(0, -1)}x` },
    "ASTER_SIGNER_PRIVATE_KEY",
  );
  assert.equal(createAsterVenue(ctx({ ...V1, ...V3 })).client.mode, "v3", "V3 wins when complete");
  assert.equal(createAsterVenue(ctx(V1)).client.mode, "v1");
  assert.equal(createAsterVenue(ctx(V1)).name, "aster");
});

Deno.test("aster venue: testnet uses the testnet host and chain id 714", async () => {
  const urls: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return Promise.resolve(new Response("[]", { status: 200 }));
  };
  try {
    const venue = createAsterVenue(ctx({ ...V3, ASTER_ENVIRONMENT: "testnet" }));
    await venue.client.position();
    const url = new URL(urls[0]!);
    assert.equal(url.host, ASTER_HOSTS.testnet.rest);
    assert.equal(url.pathname, "/fapi/v3/positionRisk");
    const [msg, signature] = url.search.slice(1).split("&signature=");
    assert.equal(recoverDigestSigner(asterDigest(msg!, 714), signature!), V3.ASTER_SIGNER);
    assert.notEqual(recoverDigestSigner(asterDigest(msg!, 1666), signature!), V3.ASTER_SIGNER);
    const main = createAsterVenue(ctx(V1));
    await main.client.position();
    assert.equal(new URL(urls[1]!).host, ASTER_HOSTS.mainnet.rest);
    const custom = createAsterVenue(ctx({ ...V1, ASTER_BASE_URL: "http://127.0.0.1:7/" }));
    await custom.client.position();
    assert.equal(new URL(urls[2]!).origin, "http://127.0.0.1:7");
  } finally {
    globalThis.fetch = original;
  }
});

const EXCHANGE_INFO = {
  rateLimits: [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400 }],
  symbols: [{
    symbol: "SOLUSDT",
    status: "TRADING",
    contractType: "PERPETUAL",
    filters: [
      { filterType: "PRICE_FILTER", tickSize: "0.05", minPrice: "0.05", maxPrice: "100000" },
      { filterType: "LOT_SIZE", stepSize: "0.1", minQty: "0.2", maxQty: "10000" },
    ],
  }],
};

/** The venue's resting buy of 0.4 at 149.95, as REST returns it, with `patch` applied. */
function order(patch: Record<string, unknown>): Record<string, unknown> {
  return restOrder({ orderId: 600, clientOrderId: "1", price: "149.95", ...patch });
}

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** A venue on a stub REST API and a loopback WebSocket server; `route` answers the order calls. */
async function harness(
  route: (method: string, path: string, params: URLSearchParams) => Response | undefined,
  extra: Partial<AsterVenueOptions> = {},
) {
  const server = await wsServer((conn) => {
    if (conn.path === "/ws/solusdt@bookTicker") {
      conn.socket.send(
        JSON.stringify({ e: "bookTicker", s: "SOLUSDT", b: "150", B: "1", a: "150.1", A: "1" }),
      );
    }
  });
  const state = { open: [] as unknown[] };
  const fetchStub: typeof fetch = (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const params = new URLSearchParams(url.search);
    new URLSearchParams(typeof init?.body === "string" ? init.body : "").forEach((v, k) => params.set(k, v));
    const method = init?.method ?? "GET";
    const path = url.pathname;
    if (path === "/fapi/v1/time") return Promise.resolve(respond({ serverTime: Date.now() }));
    if (path === "/fapi/v1/exchangeInfo") return Promise.resolve(respond(EXCHANGE_INFO));
    if (path === "/fapi/v1/listenKey") {
      return Promise.resolve(respond(method === "POST" ? { listenKey: "lk1" } : {}));
    }
    if (path === "/fapi/v1/openOrders") return Promise.resolve(respond(state.open));
    return Promise.resolve(route(method, path, params) ?? respond({ code: -1121, msg: "unexpected" }, 400));
  };
  const venue = new AsterVenue({
    ticker: "SOL",
    clock: new RealClock(),
    signer: new AsterHmacSigner(V1.ASTER_API_KEY, V1.ASTER_SECRET_KEY),
    baseUrl: "http://127.0.0.1:9",
    wsUrl: server.url,
    fetch: fetchStub,
    socketBackoff: { baseDelayMs: 10, maxDelayMs: 20 },
    log: () => {},
    ...extra,
  });
  const events: OrderEvent[] = [];
  venue.onOrderEvent((e) => events.push(e));
  const user = (): WsConn => server.open().find((c) => c.path === "/ws/lk1")!;
  return {
    venue,
    server,
    state,
    events,
    user,
    dispose: async () => {
      await venue.close();
      await server.close();
    },
  };
}

function tradeUpdate(o: Record<string, unknown>): string {
  return JSON.stringify({
    e: "ORDER_TRADE_UPDATE",
    E: 2,
    T: 2,
    o: {
      s: "SOLUSDT",
      c: "9",
      S: "SELL",
      o: "MARKET",
      f: "GTC",
      q: "0.4",
      p: "0",
      x: "TRADE",
      R: true,
      ...o,
    },
  });
}

Deno.test("aster venue: a market order returns its final fill, average price and the fee from the stream", async () => {
  let h: Awaited<ReturnType<typeof harness>> | undefined = undefined;
  h = await harness((method, path) => {
    if (method !== "POST" || path !== "/fapi/v1/order") return undefined;
    // The fee only exists on the stream, per trade; the two trades arrive a moment after the REST answer.
    setTimeout(() => {
      h!.user().socket.send(
        tradeUpdate({
          i: 700,
          X: "PARTIALLY_FILLED",
          z: "0.1",
          l: "0.1",
          ap: "150.1",
          n: "0.015",
          N: "USDT",
        }),
      );
    }, 20);
    setTimeout(() => {
      h!.user().socket.send(
        tradeUpdate({ i: 700, X: "FILLED", z: "0.4", l: "0.3", ap: "150.1", n: "0.045", N: "USDT" }),
      );
    }, 60);
    return respond(order({
      orderId: 700,
      clientOrderId: "9",
      type: "MARKET",
      timeInForce: "GTC",
      price: "0",
      side: "SELL",
      reduceOnly: true,
      status: "FILLED",
      executedQty: "0.4",
      avgPrice: "150.1",
    }));
  });
  try {
    await h.venue.connect();
    assert.equal((await h.venue.bbo()).bid.toFixed(), "150");
    const started = Date.now();
    const final = await h.venue.placeMarket({
      side: "sell",
      quantity: new Decimal("0.4"),
      reduceOnly: true,
      clientId: "9",
    });
    assert.equal(final.status, "FILLED");
    assert.equal(final.filled.toFixed(), "0.4");
    assert.equal(final.avgPrice?.toFixed(), "150.1");
    assert.equal(final.fee?.toFixed(), "0.06");
    assert.ok(Date.now() - started < 1000, "it returns as soon as the fee is known");
  } finally {
    await h.dispose();
  }
});

Deno.test("aster venue: after a user-stream reconnect, a fill missed meanwhile is reported from REST", async () => {
  let filled = false;
  const h = await harness((method, path, params) => {
    if (method === "POST" && path === "/fapi/v1/order") {
      return respond(order({ clientOrderId: params.get("newClientOrderId") }));
    }
    if (method === "GET" && path === "/fapi/v1/order" && params.get("orderId") === "600") {
      return respond(order(filled ? { status: "FILLED", executedQty: "0.4", avgPrice: "149.95" } : {}));
    }
    return undefined;
  });
  try {
    await h.venue.connect();
    const placed = await h.venue.placeLimit({
      side: "buy",
      price: new Decimal("149.95"),
      quantity: new Decimal("0.4"),
      postOnly: true,
      reduceOnly: false,
      clientId: "1",
    });
    assert.equal(placed.kind, "accepted");
    await eventually(() => h.user() !== undefined, "the user stream");
    // The order fills while the socket is down; its event is never sent.
    filled = true;
    h.state.open = [];
    h.user().socket.close(1000, "maintenance");
    await eventually(
      () => h.events.some((e) => e.orderId === "600" && e.status === "FILLED"),
      "the missed fill",
    );
    const fill = h.events.find((e) => e.status === "FILLED")!;
    assert.equal(fill.filled.toFixed(), "0.4");
    // A late duplicate from the stream changes nothing and is not delivered again.
    const count = h.events.length;
    await eventually(() => h.user() !== undefined, "the user stream again");
    h.user().socket.send(
      tradeUpdate({
        i: 600,
        c: "1",
        S: "BUY",
        o: "LIMIT",
        f: "GTX",
        p: "149.95",
        X: "PARTIALLY_FILLED",
        z: "0.2",
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.events.length, count, "an older, smaller fill does not reopen a filled order");
  } finally {
    await h.dispose();
  }
});

Deno.test("aster venue: connect fails, leaving nothing running, when the user-data stream cannot open", async () => {
  const h = await harness(() => undefined, {
    connectTimeoutMs: 300,
    // The market stream opens; the user stream is refused.
    webSocket: (url) => {
      if (url.endsWith("/ws/lk1")) throw new Error("refused");
      return new WebSocket(url);
    },
  });
  try {
    await assert.rejects(h.venue.connect(), (e: unknown) => {
      assert.ok(e instanceof VenueUnavailableError, String(e));
      assert.match(e.message, /user-data stream/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.server.open().length, 0, "the market socket was closed too");
  } finally {
    await h.dispose();
  }
});
