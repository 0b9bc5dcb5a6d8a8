/**
 * ReconnectingSocket against a real WebSocket server on 127.0.0.1 (port 0): reconnect and resubscribe after
 * a server close, stale detection of a silent server, growing backoff, handshake timeout, heartbeat, and a
 * close that leaves no timer or socket behind. Timers run on a hand-advanced clock: nothing sleeps for real.
 */
import assert from "node:assert/strict";
import { ReconnectingSocket, type SocketEvent } from "../../exchanges/socket.ts";
import { backoffDelay } from "../../exchanges/retry.ts";
import { ManualClock } from "../fakes/manual_clock.ts";

/** Polls `cond` every 2 ms (real time) until it holds; fails after `timeoutMs`. */
async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface ServerConn {
  readonly socket: WebSocket;
  readonly received: string[];
  closeCode?: number;
  closed: boolean;
}

/** A WebSocket server on 127.0.0.1 port 0; `onMessage` scripts the server side of each connection. */
async function withServer(
  onMessage: (conn: ServerConn, index: number, data: string) => void,
  fn: (url: string, conns: ServerConn[]) => Promise<void>,
): Promise<void> {
  const conns: ServerConn[] = [];
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => listening.resolve(port),
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const conn: ServerConn = { socket, received: [], closed: false };
    const index = conns.length;
    conns.push(conn);
    socket.onmessage = (ev) => {
      conn.received.push(String(ev.data));
      onMessage(conn, index, String(ev.data));
    };
    socket.onclose = (ev) => {
      conn.closed = true;
      conn.closeCode = ev.code;
    };
    return response;
  });
  const port = await listening.promise;
  try {
    await fn(`ws://127.0.0.1:${port}`, conns);
  } finally {
    for (const c of conns) {
      if (c.socket.readyState === WebSocket.OPEN) c.socket.close();
    }
    await until(() => conns.every((c) => c.closed), "server sockets to close");
    await server.shutdown();
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await Promise.resolve();
  return port;
}

const BACKOFF = { baseDelayMs: 100, maxDelayMs: 1000, jitter: () => 0 };

Deno.test("socket: server close → reconnect with backoff, resubscribe, onReconnect each time", async () => {
  const clock = new ManualClock();
  const events: SocketEvent[] = [];
  const messages: string[] = [];
  let reconnects = 0;
  let built = 0;
  await withServer((conn, index, data) => {
    if (!data.startsWith("sub-")) return;
    // Connections 0 and 1 die without a word; connection 2 talks (text and binary) and then dies.
    if (index === 2) {
      conn.socket.send("hello");
      conn.socket.send(new TextEncoder().encode("binary frame"));
      conn.socket.close(1001, "going away");
    } else if (index < 2) {
      conn.socket.close(1011, "restart");
    }
  }, async (url, conns) => {
    const socket = new ReconnectingSocket({
      url,
      clock,
      backoff: BACKOFF,
      onMessage: (m) => messages.push(m),
      onReconnect: () => {
        reconnects++;
      },
      onEvent: (e) => events.push(e),
    });
    socket.subscribe(() => `sub-${built++}`);
    socket.start();
    const backoffs = () => events.filter((e) => e.type === "backoff");

    await until(() => backoffs().length === 1, "first backoff");
    assert.deepEqual(backoffs()[0], { type: "backoff", attempt: 1, delayMs: 50 });
    assert.equal(reconnects, 0, "the first connection is not a reconnect");
    clock.advance(49);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(conns.length, 1, "no reconnect before the backoff elapsed");
    clock.advance(1);

    await until(() => backoffs().length === 2, "second backoff");
    assert.deepEqual(backoffs()[1], { type: "backoff", attempt: 2, delayMs: 100 });
    clock.advance(100);

    await until(() => backoffs().length === 3, "third backoff");
    assert.deepEqual(messages, ["hello", "binary frame"]);
    // Connection 2 delivered messages: the backoff starts again from the first step.
    assert.deepEqual(backoffs()[2], { type: "backoff", attempt: 1, delayMs: 50 });
    clock.advance(50);

    await until(() => conns.length === 4 && conns[3]!.received.length === 1, "fourth connection");
    await until(() => reconnects === 3, "three reconnect callbacks");
    assert.deepEqual(conns.map((c) => c.received[0]), ["sub-0", "sub-1", "sub-2", "sub-3"]);
    assert.equal(socket.connected, true);
    assert.equal(socket.connections, 4);
    assert.ok(socket.send("from client"));
    await until(() => conns[3]!.received.length === 2, "a sent message");
    assert.equal(conns[3]!.received[1], "from client");

    await socket.close();
    assert.equal(socket.connected, false);
    assert.equal(clock.pending, 0, "close leaves no timer");
    await until(() => conns[3]!.closed, "the server to see the close");
    assert.equal(conns[3]!.closeCode, 1000);
    const closes = events.filter((e) => e.type === "close").map((e) => e.type === "close" && e.code);
    assert.deepEqual(closes, [1011, 1011, 1001, 1000]);
  });
});

Deno.test("socket: a silent server is detected as stale at exactly staleMs and reconnected", async () => {
  const clock = new ManualClock();
  const events: SocketEvent[] = [];
  const messages: string[] = [];
  let reconnects = 0;
  await withServer((conn, index, data) => {
    if (data === "sub" && index === 0) conn.socket.send("tick");
  }, async (url, conns) => {
    const socket = new ReconnectingSocket({
      url,
      clock,
      staleMs: 5000,
      backoff: BACKOFF,
      onMessage: (m) => messages.push(m),
      onReconnect: () => {
        reconnects++;
      },
      onEvent: (e) => events.push(e),
    });
    socket.subscribe(() => "sub");
    socket.start();
    await until(() => messages.length === 1, "the first tick");
    const stale = () => events.filter((e) => e.type === "stale");

    // A message 3 s in postpones staleness to 3 s + 5 s.
    clock.advance(3000);
    conns[0]!.socket.send("tick");
    await until(() => messages.length === 2, "the second tick");
    clock.advance(4999);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(stale().length, 0, "not stale 1 ms early");
    clock.advance(1);
    await until(() => stale().length === 1, "stale detection");
    assert.deepEqual(stale()[0], { type: "stale", silentMs: 5000 });

    await until(() => events.some((e) => e.type === "backoff"), "backoff after the stale close");
    await until(() => conns[0]!.closed, "the stale connection to close");
    assert.equal(conns[0]!.closeCode, 4000);
    clock.advance(50);
    await until(() => conns.length === 2 && conns[1]!.received[0] === "sub", "resubscribe");
    await until(() => reconnects === 1, "onReconnect");
    await socket.close();
    assert.equal(clock.pending, 0);
  });
});

Deno.test("socket: backoff grows to its cap while the server is unreachable; close stops it", async () => {
  const clock = new ManualClock();
  const events: SocketEvent[] = [];
  const port = await closedPort();
  const socket = new ReconnectingSocket({
    url: `ws://127.0.0.1:${port}`,
    clock,
    backoff: BACKOFF,
    onMessage: () => {},
    onEvent: (e) => events.push(e),
  });
  socket.start();
  const backoffs = () =>
    events.filter((e) => e.type === "backoff").map((e) => e.type === "backoff" && e.delayMs);
  const expected = [50, 100, 200, 400, 500, 500];
  for (let i = 0; i < expected.length; i++) {
    await until(() => backoffs().length === i + 1, `backoff ${i + 1}`);
    assert.equal(backoffs()[i], expected[i]);
    assert.equal(backoffs()[i], backoffDelay(i + 1, BACKOFF));
    if (i < expected.length - 1) clock.advance(expected[i]!);
  }
  assert.ok(events.some((e) => e.type === "error" && e.message.includes(`127.0.0.1:${port}`)));
  const attempts = events.filter((e) => e.type === "connecting").length;
  await socket.close();
  clock.advance(10_000);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(events.filter((e) => e.type === "connecting").length, attempts, "no attempt after close");
  assert.equal(clock.pending, 0);
  assert.equal(socket.connections, 0);
});

Deno.test("socket: backoff jitter stays within half a step and a full step", () => {
  for (const r of [0, 0.25, 0.5, 0.999]) {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const d = backoffDelay(attempt, { ...BACKOFF, jitter: () => r });
      const step = Math.min(1000, 100 * 2 ** (attempt - 1));
      assert.ok(d >= step / 2 && d <= step, `attempt ${attempt}, jitter ${r}: ${d}`);
    }
  }
});

Deno.test("socket: a handshake that never completes times out and is retried", async () => {
  const clock = new ManualClock();
  const events: SocketEvent[] = [];
  const held: PromiseWithResolvers<Response>[] = [];
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => listening.resolve(port),
  }, () => {
    const answer = Promise.withResolvers<Response>();
    held.push(answer);
    return answer.promise;
  });
  const port = await listening.promise;
  const socket = new ReconnectingSocket({
    url: `ws://127.0.0.1:${port}`,
    clock,
    connectTimeoutMs: 2000,
    backoff: BACKOFF,
    onMessage: () => {},
    onEvent: (e) => events.push(e),
  });
  try {
    socket.start();
    await until(() => held.length === 1, "the handshake request");
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 5));
    assert.ok(!events.some((e) => e.type === "backoff"), "no timeout 1 ms early");
    clock.advance(1);
    await until(() => events.some((e) => e.type === "backoff"), "handshake timeout");
    const error = events.find((e) => e.type === "error");
    assert.ok(error?.type === "error" && error.message.includes("within 2000 ms"), JSON.stringify(error));
    clock.advance(50);
    await until(() => held.length === 2, "a second handshake");
  } finally {
    await socket.close();
    for (const h of held) h.resolve(new Response("unavailable", { status: 503 }));
    await server.shutdown();
  }
  assert.equal(clock.pending, 0);
});

Deno.test("socket: heartbeat every heartbeatMs; subscribe and unsubscribe while open", async () => {
  const clock = new ManualClock();
  await withServer(() => {}, async (url, conns) => {
    const socket = new ReconnectingSocket({
      url,
      clock,
      staleMs: 0,
      heartbeatMs: 1000,
      heartbeatMessage: () => "ping",
      onMessage: () => {},
    });
    assert.equal(socket.send("too early"), false, "nothing is sent before a connection opens");
    socket.start();
    await until(() => socket.connected, "open");
    const off = socket.subscribe(() => "sub-late", () => "unsub-late");
    await until(() => conns[0]?.received.length === 1, "late subscription");
    clock.advance(1000);
    await until(() => conns[0]!.received.length === 2, "first ping");
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(conns[0]!.received.length, 2);
    clock.advance(1);
    await until(() => conns[0]!.received.length === 3, "second ping");
    off();
    off();
    await until(() => conns[0]!.received.length === 4, "unsubscribe");
    assert.deepEqual(conns[0]!.received, ["sub-late", "ping", "ping", "unsub-late"]);
    await socket.close();
    await socket.close();
    assert.equal(clock.pending, 0);
  });
});

Deno.test("socket: invalid options are refused", () => {
  const base = { url: "ws://127.0.0.1:1", onMessage: () => {} };
  assert.throws(() => new ReconnectingSocket({ ...base, url: "not a url" }), TypeError);
  assert.throws(() => new ReconnectingSocket({ ...base, staleMs: -1 }), /staleMs/);
  assert.throws(() => new ReconnectingSocket({ ...base, connectTimeoutMs: Number.NaN }), /connectTimeoutMs/);
  assert.throws(() => new ReconnectingSocket({ ...base, heartbeatMs: 10 }), /heartbeatMessage/);
});

/** A socket whose peer has vanished: it opens, records what is sent, and never completes a close. */
class VanishedPeerSocket extends EventTarget {
  readyState: number = WebSocket.CONNECTING;
  binaryType = "blob";
  readonly sent: string[] = [];
  closeCalls: number[] = [];

  constructor() {
    super();
    queueMicrotask(() => {
      this.readyState = WebSocket.OPEN;
      this.dispatchEvent(new Event("open"));
    });
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.closeCalls.push(code);
    this.readyState = WebSocket.CLOSING;
  }
}

Deno.test("socket: an injected socket whose close never completes is abandoned after a grace", async () => {
  const clock = new ManualClock();
  const events: SocketEvent[] = [];
  const made: VanishedPeerSocket[] = [];
  const urls: string[] = [];
  const socket = new ReconnectingSocket({
    url: "wss://venue.invalid/stream",
    clock,
    staleMs: 1000,
    backoff: BACKOFF,
    webSocket: (url) => {
      urls.push(url);
      const s = new VanishedPeerSocket();
      made.push(s);
      return s as unknown as WebSocket;
    },
    onMessage: () => {},
    onEvent: (e) => events.push(e),
  });
  socket.subscribe(() => "sub");
  socket.start();
  await until(() => made[0]?.sent.length === 1, "subscription on the injected socket");
  assert.equal(made[0]!.binaryType, "arraybuffer");
  clock.advance(1000);
  await until(() => events.some((e) => e.type === "stale"), "stale");
  assert.deepEqual(made[0]!.closeCalls, [4000]);
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(!events.some((e) => e.type === "backoff"), "waits for the closing handshake first");
  clock.advance(2000);
  await until(() => events.some((e) => e.type === "backoff"), "abandoned");
  const close = events.find((e) => e.type === "close");
  assert.deepEqual(close, { type: "close", code: 1006, reason: "abandoned after a stale period" });
  clock.advance(50);
  await until(() => made.length === 2 && made[1]!.sent.length === 1, "a new socket");
  assert.deepEqual(urls, ["wss://venue.invalid/stream", "wss://venue.invalid/stream"]);
  // close() also gives up on a peer that never answers.
  const closing = socket.close();
  await until(() => made[1]!.closeCalls.length === 1, "close requested");
  clock.advance(2000);
  await closing;
  assert.equal(clock.pending, 0);
  assert.equal(socket.connected, false);
});

Deno.test("ReconnectingSocket: a message sent right after the handshake is not lost, nor a close", async () => {
  // The server speaks first on every connection and closes every other one at once: each message must arrive,
  // and each early close must lead to a reconnect.
  const listening = Promise.withResolvers<number>();
  let served = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => listening.resolve(port),
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const n = ++served;
    socket.addEventListener("open", () => {
      socket.send(`hello ${n}`);
      if (n % 2 === 0) socket.close(1000, "bye");
    });
    return response;
  });
  const port = await listening.promise;
  const clock = new ManualClock();
  const received: string[] = [];
  const socket = new ReconnectingSocket({
    url: `ws://127.0.0.1:${port}`,
    clock,
    staleMs: 0,
    onMessage: (m) => received.push(m),
  });
  try {
    socket.start();
    for (let round = 1; round <= 20; round++) {
      await until(() => received.includes(`hello ${round}`), `message ${round}`);
      if (round % 2 === 1) {
        await until(() => socket.connected, `connection ${round} open`);
        socket.reconnect("next round");
      }
      // Let the backoff pass.
      const deadline = Date.now() + 3000;
      while (served === round && Date.now() < deadline) {
        clock.advance(1000);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    assert.deepEqual(received.slice(0, 20), Array.from({ length: 20 }, (_, i) => `hello ${i + 1}`));
  } finally {
    await socket.close();
    await server.shutdown();
  }
});
