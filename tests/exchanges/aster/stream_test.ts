/**
 * Aster streams against a WebSocket server on 127.0.0.1 (port 0), with a stub listen-key API: a new key and a
 * reconnect on `listenKeyExpired`, a reconnect after a plain close, keepalives every 30 minutes (on a
 * VirtualClock, and exactly on a hand-advanced clock), order events of other symbols ignored, a malformed
 * order event reported, and the book ticker with its stale hook. Socket timers run on the test's clock.
 */
import assert from "node:assert/strict";
import type { Clock } from "../../../bot/clock.ts";
import { VirtualClock } from "../../../bot/clock.ts";
import { VenueRejectedError } from "../../../exchanges/venue.ts";
import {
  AsterMarketStream,
  AsterUserStream,
  type AsterUserStreamOptions,
  bookTickerUrl,
  KEEPALIVE_MS,
  type ListenKeyApi,
  userStreamUrl,
} from "../../../exchanges/aster/stream.ts";
import type { AsterOrderUpdate } from "../../../exchanges/aster/parse.ts";
import { ManualClock } from "../../fakes/manual_clock.ts";
import { wsServer } from "./ws_server.ts";

/** Polls `cond` (real time, 2 ms steps), advancing `clock` by `stepMs` each time; fails after `timeoutMs`. */
async function until(cond: () => boolean, what: string, clock?: ManualClock, stepMs = 0, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (clock !== undefined && stepMs > 0) clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A listen-key API that hands out k1, k2, … and records every call with the clock time. */
function keyApi(clock: Clock, refuseKeepAlive = () => false) {
  const calls: { call: string; at: number }[] = [];
  let n = 0;
  const api: ListenKeyApi = {
    createListenKey: () => {
      calls.push({ call: "create", at: clock.now() });
      return Promise.resolve(`k${++n}`);
    },
    keepAliveListenKey: () => {
      calls.push({ call: "keepalive", at: clock.now() });
      if (refuseKeepAlive()) {
        return Promise.reject(new VenueRejectedError("This listenKey does not exist.", { code: "-1125" }));
      }
      return Promise.resolve();
    },
    closeListenKey: () => {
      calls.push({ call: "close", at: clock.now() });
      return Promise.resolve();
    },
  };
  return { api, calls, count: (call: string) => calls.filter((c) => c.call === call).length };
}

function orderEvent(symbol: string, id: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    e: "ORDER_TRADE_UPDATE",
    E: 1,
    T: 1,
    o: {
      s: symbol,
      c: "1",
      S: "BUY",
      o: "LIMIT",
      f: "GTX",
      q: "1",
      p: "10",
      ap: "0",
      x: "NEW",
      X: "NEW",
      i: id,
      l: "0",
      z: "0",
      L: "0",
      R: false,
      ...extra,
    },
  });
}

/** A SOLUSDT user stream on a test server, with a listen-key API (see {@link keyApi}), on a hand-advanced clock. */
async function userStream(
  hooks: Pick<AsterUserStreamOptions, "onOrder" | "onReconnect" | "onBadData">,
  refuseKeepAlive?: () => boolean,
) {
  const srv = await wsServer();
  const clock = new ManualClock(1_700_000_000_000);
  const keys = keyApi(clock, refuseKeepAlive);
  const stream = new AsterUserStream({ wsBase: srv.url, symbol: "SOLUSDT", api: keys.api, clock, ...hooks });
  return { srv, clock, keys, stream };
}

Deno.test("aster streams: URLs are /ws/<symbol>@bookTicker and /ws/<listenKey>", () => {
  assert.equal(
    bookTickerUrl("wss://fstream.asterdex.com/", "SOLUSDT"),
    "wss://fstream.asterdex.com/ws/solusdt@bookTicker",
  );
  assert.equal(userStreamUrl("wss://fstream.asterdex.com", "abc"), "wss://fstream.asterdex.com/ws/abc");
});

Deno.test("aster user stream: listenKeyExpired → a new key, a reconnect with it, and a resync", async () => {
  const orders: AsterOrderUpdate[] = [];
  let resyncs = 0;
  const { srv, clock, keys, stream } = await userStream({
    onOrder: (u) => orders.push(u),
    onReconnect: () => void resyncs++,
  });
  try {
    await stream.start();
    await until(() => srv.open().length === 1, "the first connection");
    assert.equal(srv.conns[0]!.path, "/ws/k1");
    srv.conns[0]!.socket.send(orderEvent("SOLUSDT", 1));
    await until(() => orders.length === 1, "an order event");
    srv.conns[0]!.socket.send(JSON.stringify({ e: "listenKeyExpired", E: 2 }));
    await until(
      () => srv.open().some((c) => c.path === "/ws/k2"),
      "a connection with the new key",
      clock,
      1000,
    );
    assert.equal(keys.count("create"), 2);
    assert.equal(stream.listenKey, "k2");
    await until(() => resyncs >= 1, "a resync after the reconnect");
    srv.open().find((c) => c.path === "/ws/k2")!.socket.send(orderEvent("SOLUSDT", 2));
    await until(() => orders.length === 2, "events on the new connection");
  } finally {
    await stream.close();
    await srv.close();
  }
  assert.equal(keys.count("close"), 0, "the account's key is left to expire: another process may use it");
});

Deno.test("aster user stream: a plain close from the server is followed by a reconnect and a resync", async () => {
  let resyncs = 0;
  const { srv, clock, keys, stream } = await userStream({
    onOrder: () => {},
    onReconnect: () => void resyncs++,
  });
  try {
    await stream.start();
    await until(() => srv.open().length === 1, "the first connection");
    srv.conns[0]!.socket.close(1000, "bye");
    await until(() => stream.connections === 2 && stream.connected, "a second connection", clock, 500);
    await until(() => resyncs === 1, "a resync");
    assert.equal(srv.conns[1]!.path, "/ws/k1", "the key is still valid: same key");
    assert.equal(keys.count("keepalive"), 1, "the key is checked after a reconnect");
    // Every close is followed by a reconnect, not only the first.
    srv.conns[1]!.socket.close(1001, "going away");
    await until(() => stream.connections >= 3 && stream.connected, "a third connection", clock, 500);
    assert.equal(keys.count("create"), 1);
  } finally {
    await stream.close();
    await srv.close();
  }
});

Deno.test("aster user stream: a key refused at reconnect is replaced", async () => {
  let refuse = false;
  // The venue forgets the key once; the new key it then hands out is valid.
  const { srv, clock, keys, stream } = await userStream({ onOrder: () => {} }, () => {
    const now = refuse;
    refuse = false;
    return now;
  });
  try {
    await stream.start();
    await until(() => srv.open().length === 1, "the first connection");
    refuse = true;
    srv.conns[0]!.socket.close(1000, "bye");
    await until(() => srv.open().some((c) => c.path === "/ws/k2"), "a connection with a new key", clock, 500);
    assert.equal(keys.count("create"), 2);
    assert.equal(stream.listenKey, "k2");
  } finally {
    await stream.close();
    await srv.close();
  }
});

Deno.test("aster user stream: keepalive every 30 minutes, exactly (hand-advanced clock)", async () => {
  const { srv, clock, keys, stream } = await userStream({ onOrder: () => {} });
  try {
    await stream.start();
    await until(() => srv.open().length === 1, "the connection");
    const start = clock.now();
    clock.advance(KEEPALIVE_MS - 1);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(keys.count("keepalive"), 0, "not before 30 minutes");
    clock.advance(1);
    await until(() => keys.count("keepalive") === 1, "the first keepalive");
    clock.advance(KEEPALIVE_MS);
    await until(() => keys.count("keepalive") === 2, "the second keepalive");
    const times = keys.calls.filter((c) => c.call === "keepalive").map((c) => c.at - start);
    assert.deepEqual(times, [KEEPALIVE_MS, 2 * KEEPALIVE_MS]);
    assert.equal(stream.connections, 1, "keepalives do not reconnect");
  } finally {
    await stream.close();
    await srv.close();
  }
});

Deno.test("aster user stream: keepalives on a VirtualClock come every 30 minutes for hours", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const keys = keyApi(clock);
  // No server: the socket keeps failing to connect in virtual time, which must not disturb the keepalives.
  const stream = new AsterUserStream({
    wsBase: "ws://127.0.0.1:9",
    symbol: "SOLUSDT",
    api: keys.api,
    clock,
    onOrder: () => {},
    webSocket: () => {
      throw new Error("offline");
    },
  });
  const start = clock.now();
  await stream.start();
  await until(() => keys.count("keepalive") >= 8, "eight keepalives", undefined, 0, 5000);
  await stream.close();
  const times = keys.calls.filter((c) => c.call === "keepalive").map((c) => c.at - start).slice(0, 8);
  assert.deepEqual(times, [1, 2, 3, 4, 5, 6, 7, 8].map((i) => i * KEEPALIVE_MS));
});

Deno.test("aster user stream: other symbols are ignored; a malformed order event is reported", async () => {
  const orders: string[] = [];
  let bad = 0;
  const { srv, stream } = await userStream({
    onOrder: (u) => orders.push(u.orderId),
    onBadData: () => void bad++,
  });
  try {
    await stream.start();
    await until(() => srv.open().length === 1, "the connection");
    const ws = srv.conns[0]!.socket;
    ws.send(orderEvent("BTCUSDT", 1));
    ws.send(orderEvent("SOLUSDT", 2, { z: "5" }));
    ws.send(JSON.stringify({ e: "ACCOUNT_UPDATE", E: 1 }));
    ws.send(orderEvent("SOLUSDT", 3));
    await until(() => orders.length === 1 && bad === 1, "one valid event and one bad one");
    assert.deepEqual(orders, ["3"]);
  } finally {
    await stream.close();
    await srv.close();
  }
});

Deno.test("aster market stream: best bid/ask of the symbol; silence calls the stale hook and reconnects", async () => {
  const srv = await wsServer();
  const clock = new ManualClock(1_700_000_000_000);
  let stale = 0;
  let reconnects = 0;
  const stream = new AsterMarketStream({
    wsBase: srv.url,
    symbol: "SOLUSDT",
    clock,
    staleMs: 5000,
    onStale: () => void stale++,
    onReconnect: () => void reconnects++,
  });
  try {
    stream.start();
    await until(() => srv.open().length === 1, "the connection");
    assert.equal(srv.conns[0]!.path, "/ws/solusdt@bookTicker");
    const ws = srv.conns[0]!.socket;
    ws.send(JSON.stringify({ e: "bookTicker", s: "BTCUSDT", b: "1", B: "1", a: "2", A: "1" }));
    ws.send(JSON.stringify({ e: "bookTicker", s: "SOLUSDT", b: "150", B: "1", a: "150.1", A: "1" }));
    assert.equal((await stream.waitForBbo(1000))?.bid.toFixed(), "150");
    await until(() => stream.bbo?.bbo.ask.toFixed() === "150.1", "the quote");
    ws.send(JSON.stringify({ e: "bookTicker", s: "SOLUSDT", b: "151", B: "1", a: "150.1", A: "1" }));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(stream.bbo?.bbo.bid.toFixed(), "150", "a crossed quote is ignored");
    clock.advance(5000);
    await until(() => stale === 1, "the stale hook");
    await until(() => reconnects === 1 && stream.connected, "a reconnect", clock, 500);
  } finally {
    await stream.close();
    await srv.close();
  }
});
