/**
 * A WebSocket that stays connected: reconnects with exponential backoff and jitter, detects a connection that
 * is open but silent, sends an optional application heartbeat, and replays the registered subscriptions on
 * every new connection. A callback after each reconnect lets the venue resynchronise by REST, since messages
 * sent while the socket was down are lost.
 *
 * Every timer is a {@link Clock} sleep cancelled by an AbortSignal, so {@link ReconnectingSocket.close}
 * leaves nothing behind. The clock must advance in real time while real sockets are open (a VirtualClock
 * that leaps forward while a socket waits would declare it stale at once); tests inject a clock they advance
 * by hand.
 * @module
 */
import { type Clock, RealClock, SleepAbortedError } from "../bot/clock.ts";
import { backoffDelay, type BackoffOptions } from "./retry.ts";

/** Builds the WebSocket for a URL; tests and proxies replace it. */
export type WebSocketFactory = (url: string) => WebSocket;

/** What happened to the socket, for logs and tests. */
export type SocketEvent =
  | { readonly type: "connecting"; readonly attempt: number }
  | { readonly type: "open"; readonly connection: number }
  | { readonly type: "close"; readonly code: number; readonly reason: string }
  | { readonly type: "stale"; readonly silentMs: number }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "backoff"; readonly attempt: number; readonly delayMs: number };

/** Default: reconnect when nothing arrived for this long, ms. */
export const DEFAULT_STALE_MS = 30_000;
/** Default: give up on an opening handshake after this long, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default backoff between connection attempts. */
export const DEFAULT_SOCKET_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 30_000 };
/** How long a closing handshake may take before the socket is abandoned, ms. */
const CLOSE_GRACE_MS = 2000;

/** How to build a {@link ReconnectingSocket}. */
export interface ReconnectingSocketOptions {
  /** The address, or a function giving it afresh for every connection attempt (a token in the path). */
  readonly url: string | (() => string);
  /** Named in error messages (`backpack stream`). */
  readonly label?: string;
  /** Called with every text message (binary frames are decoded as UTF-8). Must not throw. */
  readonly onMessage: (data: string) => void;
  /**
   * Called after every reconnect (not after the first connection), once the subscriptions were sent again.
   * Not awaited by the socket: messages keep flowing while it runs. Errors are reported as `error` events.
   */
  readonly onReconnect?: () => void | Promise<void>;
  /** Reports what the socket does; must not throw. */
  readonly onEvent?: (event: SocketEvent) => void;
  /** Timers; default {@link RealClock}. */
  readonly clock?: Clock;
  /** Default: the global `WebSocket`. */
  readonly webSocket?: WebSocketFactory;
  /** No message for this long → the connection is closed and reopened, ms; 0 disables. */
  readonly staleMs?: number;
  /** Interval of the application heartbeat, ms; 0 or absent sends none. */
  readonly heartbeatMs?: number;
  /** The heartbeat message; required when `heartbeatMs` is set. */
  readonly heartbeatMessage?: () => string;
  /** Limit of one opening handshake, ms. */
  readonly connectTimeoutMs?: number;
  /** Backoff between attempts; the attempt count restarts after a connection that delivered a message. */
  readonly backoff?: BackoffOptions;
}

interface Subscription {
  readonly subscribe: () => string;
  readonly unsubscribe: (() => string) | undefined;
}

/** A WebSocket that reconnects by itself until closed. */
export class ReconnectingSocket {
  readonly #opts: ReconnectingSocketOptions;
  readonly #clock: Clock;
  readonly #label: string;
  readonly #stop = new AbortController();
  readonly #subscriptions = new Set<Subscription>();
  #ws: WebSocket | undefined;
  #open = false;
  #connections = 0;
  #lastMessageAt = 0;
  #loop: Promise<void> | undefined;
  /** Messages received between the handshake and the start of serving the connection. */
  #early: { ws: WebSocket; events: MessageEvent[]; listener: (ev: MessageEvent) => void } | undefined;

  constructor(options: ReconnectingSocketOptions) {
    for (const key of ["staleMs", "heartbeatMs", "connectTimeoutMs"] as const) {
      const v = options[key];
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) {
        throw new RangeError(`${key} must be a number of ms >= 0, got ${v}`);
      }
    }
    if ((options.heartbeatMs ?? 0) > 0 && options.heartbeatMessage === undefined) {
      throw new RangeError("heartbeatMs needs a heartbeatMessage");
    }
    if (typeof options.url === "string") new URL(options.url); // a malformed URL fails here, once
    this.#opts = options;
    this.#clock = options.clock ?? new RealClock();
    this.#label = options.label ?? "websocket";
  }

  /** Starts connecting (and reconnecting). Calling it again does nothing. */
  start(): void {
    if (this.#loop !== undefined || this.#stop.signal.aborted) return;
    this.#loop = this.#run();
  }

  /** True while a connection is open. */
  get connected(): boolean {
    return this.#open;
  }

  /** Connections opened so far. */
  get connections(): number {
    return this.#connections;
  }

  /** Clock time of the last message received, ms; 0 before the first. */
  get lastMessageAt(): number {
    return this.#lastMessageAt;
  }

  /** Sends a message now; returns false (and drops it) when no connection is open. */
  send(data: string): boolean {
    const ws = this.#ws;
    if (!this.#open || ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(data);
      return true;
    } catch (e) {
      this.#emit({ type: "error", message: `send failed: ${describe(e)}` });
      return false;
    }
  }

  /**
   * Registers a subscription: its message is built and sent now (when open) and again on every new
   * connection, so signed subscriptions get a fresh timestamp. The returned function unregisters it (and
   * sends the unsubscribe message when one is given).
   */
  subscribe(subscribe: () => string, unsubscribe?: () => string): () => void {
    const sub: Subscription = { subscribe, unsubscribe };
    this.#subscriptions.add(sub);
    if (this.#open) this.#sendSubscription(sub);
    return () => {
      if (!this.#subscriptions.delete(sub)) return;
      if (sub.unsubscribe !== undefined && this.#open) this.send(sub.unsubscribe());
    };
  }

  /**
   * Drops the open connection so that a new one is made (after the usual backoff) and every subscription is
   * built and sent again: for a venue that refused a subscription, a fresh, re-signed attempt.
   */
  reconnect(reason: string): void {
    const ws = this.#ws;
    if (ws === undefined || !this.#open) return;
    this.#emit({ type: "error", message: `${this.#label}: reconnecting: ${reason}` });
    closeQuietly(ws, 4000, reason.slice(0, 120));
  }

  /** Closes the connection and stops reconnecting; resolves when every timer is gone. Safe to call twice. */
  async close(): Promise<void> {
    this.#stop.abort();
    const ws = this.#ws;
    if (ws !== undefined) closeQuietly(ws, 1000, "closing");
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      this.#emit({ type: "connecting", attempt: failures + 1 });
      let delivered = false;
      try {
        const ws = await this.#connect();
        if (ws !== undefined) delivered = await this.#serve(ws);
      } catch (e) {
        this.#emit({ type: "error", message: `${this.#label}: ${describe(e)}` });
      }
      if (signal.aborted) break;
      // A connection that carried data was healthy: the next failure starts the backoff again.
      failures = delivered ? 1 : failures + 1;
      const delayMs = backoffDelay(failures, this.#opts.backoff ?? DEFAULT_SOCKET_BACKOFF);
      this.#emit({ type: "backoff", attempt: failures, delayMs });
      try {
        await this.#clock.sleep(delayMs, signal);
      } catch (e) {
        if (e instanceof SleepAbortedError) break;
        throw e;
      }
    }
  }

  /** Opens one connection; `undefined` when stopped while opening. Throws when the handshake fails. */
  async #connect(): Promise<WebSocket | undefined> {
    const factory = this.#opts.webSocket ?? ((url: string) => new WebSocket(url));
    const url = typeof this.#opts.url === "string" ? this.#opts.url : this.#opts.url();
    const ws = factory(url);
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    // A venue may send right after the handshake, before the connection is served: those messages are kept.
    const early: MessageEvent[] = [];
    const keep = (ev: MessageEvent) => early.push(ev);
    ws.addEventListener("message", keep);
    this.#early = { ws, events: early, listener: keep };
    const opened = Promise.withResolvers<boolean>();
    const closed = Promise.withResolvers<void>();
    let failure = "";
    const onOpen = () => opened.resolve(true);
    const onError = (ev: Event) => {
      failure = errorText(ev);
    };
    const onClose = (ev: CloseEvent) => {
      failure ||= `closed during the handshake (code ${ev.code})`;
      opened.resolve(false);
      closed.resolve();
    };
    ws.addEventListener("open", onOpen);
    ws.addEventListener("error", onError);
    ws.addEventListener("close", onClose);
    const timer = new AbortController();
    const stop = () => opened.resolve(false);
    this.#stop.signal.addEventListener("abort", stop, { once: true });
    const timeoutMs = this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#clock.sleep(timeoutMs, timer.signal).then(() => {
      failure = `no answer to the handshake within ${timeoutMs} ms`;
      opened.resolve(false);
    }, () => {});
    const ok = await opened.promise;
    timer.abort();
    this.#stop.signal.removeEventListener("abort", stop);
    ws.removeEventListener("open", onOpen);
    ws.removeEventListener("error", onError);
    ws.removeEventListener("close", onClose);
    if (ok && !this.#stop.signal.aborted) return ws;
    // The socket is released before the next attempt, so no handshake outlives its turn.
    if (ws.readyState !== WebSocket.CLOSED) {
      ws.addEventListener("close", () => closed.resolve());
      closeQuietly(ws, 1000, "giving up");
      await this.#within(closed.promise, CLOSE_GRACE_MS);
    }
    if (this.#ws === ws) this.#ws = undefined;
    if (this.#stop.signal.aborted) return undefined;
    throw new Error(`cannot connect to ${this.#shownUrl(url)}: ${failure || "connection failed"}`);
  }

  /** Runs one open connection until it closes; returns whether it delivered at least one message. */
  async #serve(ws: WebSocket): Promise<boolean> {
    const conn = new AbortController();
    const closed = Promise.withResolvers<void>();
    let delivered = false;
    const decoder = new TextDecoder();
    const handle = (ev: MessageEvent) => {
      if (this.#ws !== ws) return;
      this.#lastMessageAt = this.#clock.now();
      delivered = true;
      const data = typeof ev.data === "string"
        ? ev.data
        : ev.data instanceof ArrayBuffer
        ? decoder.decode(ev.data)
        : String(ev.data);
      try {
        this.#opts.onMessage(data);
      } catch (e) {
        this.#emit({ type: "error", message: `${this.#label}: message handler failed: ${describe(e)}` });
      }
    };
    ws.addEventListener("error", (ev: Event) => {
      this.#emit({ type: "error", message: `${this.#label}: ${errorText(ev)}` });
    });
    let ended = false;
    const end = (code: number, reason: string) => {
      if (ended) return;
      ended = true;
      if (this.#ws === ws) this.#open = false;
      this.#emit({ type: "close", code, reason });
      closed.resolve();
    };
    ws.addEventListener("close", (ev: CloseEvent) => end(ev.code, ev.reason));
    // A close that came between the handshake and this point fired no listener of ours.
    if (ws.readyState === WebSocket.CLOSED) end(1006, "closed before it was served");
    const stop = () => {
      closeQuietly(ws, 1000, "closing");
      // close() must return even when the peer never answers the closing handshake.
      this.#clock.sleep(CLOSE_GRACE_MS, conn.signal).then(() => end(1006, "no closing handshake"), () => {});
    };
    this.#stop.signal.addEventListener("abort", stop, { once: true });
    if (this.#stop.signal.aborted) stop(); // close() ran between the handshake and this point

    this.#open = true;
    this.#connections++;
    this.#lastMessageAt = this.#clock.now();
    this.#emit({ type: "open", connection: this.#connections });
    for (const sub of this.#subscriptions) this.#sendSubscription(sub);
    // Early messages first, then the live ones: nothing can arrive between these lines.
    const early = this.#early?.ws === ws ? this.#early : undefined;
    this.#early = undefined;
    if (early !== undefined) ws.removeEventListener("message", early.listener);
    ws.addEventListener("message", handle);
    for (const ev of early?.events ?? []) handle(ev);
    if (this.#connections > 1) this.#reconnected();

    const watchdog = this.#watch(ws, conn.signal, () => end(1006, "abandoned after a stale period"));
    const heartbeat = this.#heartbeat(conn.signal);
    await closed.promise;
    conn.abort();
    this.#stop.signal.removeEventListener("abort", stop);
    await Promise.all([watchdog, heartbeat]);
    this.#open = false;
    if (this.#ws === ws) this.#ws = undefined;
    return delivered;
  }

  #reconnected(): void {
    const hook = this.#opts.onReconnect;
    if (hook === undefined) return;
    Promise.resolve()
      .then(hook)
      .catch((e) => this.#emit({ type: "error", message: `${this.#label}: resync failed: ${describe(e)}` }));
  }

  /** Closes a connection that stays silent for `staleMs`. */
  async #watch(ws: WebSocket, signal: AbortSignal, abandon: () => void): Promise<void> {
    const staleMs = this.#opts.staleMs ?? DEFAULT_STALE_MS;
    if (staleMs <= 0) return;
    while (!signal.aborted) {
      const silent = this.#clock.now() - this.#lastMessageAt;
      if (silent >= staleMs) {
        this.#emit({ type: "stale", silentMs: silent });
        closeQuietly(ws, 4000, "stale");
        const settled = await this.#within(onceClosed(ws, signal), CLOSE_GRACE_MS, signal);
        // A peer that is gone never completes the closing handshake: the connection is given up instead.
        if (!settled && !signal.aborted) abandon();
        return;
      }
      try {
        await this.#clock.sleep(staleMs - silent, signal);
      } catch (e) {
        if (e instanceof SleepAbortedError) return;
        throw e;
      }
    }
  }

  async #heartbeat(signal: AbortSignal): Promise<void> {
    const every = this.#opts.heartbeatMs ?? 0;
    const message = this.#opts.heartbeatMessage;
    if (every <= 0 || message === undefined) return;
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(every, signal);
      } catch (e) {
        if (e instanceof SleepAbortedError) return;
        throw e;
      }
      if (!signal.aborted) this.send(message());
    }
  }

  #sendSubscription(sub: Subscription): void {
    let message: string;
    try {
      message = sub.subscribe();
    } catch (e) {
      this.#emit({ type: "error", message: `${this.#label}: cannot build a subscription: ${describe(e)}` });
      return;
    }
    this.send(message);
  }

  /** Resolves true when `p` settles within `ms`, false otherwise (or when `outer` aborts first). */
  async #within(p: Promise<void>, ms: number, outer?: AbortSignal): Promise<boolean> {
    const timer = new AbortController();
    const onAbort = () => timer.abort();
    outer?.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([
        p.then(() => true),
        this.#clock.sleep(ms, timer.signal).then(() => false, () => false),
      ]);
    } finally {
      timer.abort();
      outer?.removeEventListener("abort", onAbort);
    }
  }

  /** A URL built by a function may carry a token in its path: only its origin is shown. */
  #shownUrl(url: string): string {
    if (typeof this.#opts.url === "string") return url;
    try {
      return `${new URL(url).origin}/…`;
    } catch {
      return "(invalid URL)";
    }
  }

  #emit(event: SocketEvent): void {
    try {
      this.#opts.onEvent?.(event);
    } catch {
      // A reporting hook must not break the connection.
    }
  }
}

/** Resolves when `ws` closes (or at once when already closed), or when `signal` aborts. */
function onceClosed(ws: WebSocket, signal: AbortSignal): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      ws.removeEventListener("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    ws.addEventListener("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  } catch {
    // Already closing.
  }
}

function errorText(ev: Event): string {
  const message = (ev as ErrorEvent).message;
  return typeof message === "string" && message !== "" ? message : "socket error";
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
