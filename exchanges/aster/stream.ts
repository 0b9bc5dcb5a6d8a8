/**
 * Aster WebSocket streams of one market, on two {@link ReconnectingSocket}s:
 *
 * - the market stream `<ws>/ws/<symbol lower case>@bookTicker`, for the best bid/ask; the venue sends it on
 *   every change and periodically, so silence means a dead connection (stale detection reconnects);
 * - the user-data stream `<ws>/ws/<listenKey>`, for `ORDER_TRADE_UPDATE`. The listen key is created by REST,
 *   kept alive with a `PUT` every 30 minutes, and replaced on `listenKeyExpired` (or when a keepalive finds
 *   it gone), after which the socket reconnects with the new key. This socket is legitimately quiet while no
 *   order changes, so its silence is judged by the market stream: when that one goes stale, both reconnect.
 *
 * Both reconnect on any close, with backoff and jitter; after a reconnect the owner resynchronises by REST.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { SleepAbortedError } from "../../bot/clock.ts";
import { BboFeed, type TimedBbo } from "../bbo_feed.ts";
import { backoffDelay, type BackoffOptions } from "../retry.ts";
import { ReconnectingSocket, type SocketEvent, type WebSocketFactory } from "../socket.ts";
import { logSafely, logSocketEvent, type StreamLog, type StreamLogLevel } from "../stream_log.ts";
import type { Bbo } from "../venue.ts";
import { VenueDataError, VenueRejectedError } from "../venue.ts";
import { Wakeup } from "../wakeup.ts";
import { type AsterOrderUpdate, parseStreamMessage } from "./parse.ts";

/** Interval of listen-key keepalives, ms (the key lives 60 minutes). */
export const KEEPALIVE_MS = 30 * 60_000;

/** The market stream URL of a symbol. */
export function bookTickerUrl(wsBase: string, symbol: string): string {
  return `${wsBase.replace(/\/+$/, "")}/ws/${symbol.toLowerCase()}@bookTicker`;
}

/** The user-data stream URL of a listen key. */
export function userStreamUrl(wsBase: string, listenKey: string): string {
  return `${wsBase.replace(/\/+$/, "")}/ws/${listenKey}`;
}

/** Options shared by both streams. */
export interface AsterSocketOptions {
  /** WebSocket base, no path: `wss://fstream.asterdex.com`, or a fake's address. */
  readonly wsBase: string;
  readonly symbol: string;
  /** Timers of the sockets (stale detection, backoff, keepalive). */
  readonly clock: Clock;
  readonly webSocket?: WebSocketFactory;
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly log?: StreamLog;
}

/** How to build an {@link AsterMarketStream}. */
export interface AsterMarketStreamOptions extends AsterSocketOptions {
  /** No message for this long → reconnect, ms. */
  readonly staleMs?: number;
  /** After each reconnect. */
  readonly onReconnect?: () => void | Promise<void>;
  /** The connection was silent for too long and is being replaced. */
  readonly onStale?: () => void;
}

/** Best bid/ask of one symbol, reconnecting by itself. */
export class AsterMarketStream {
  readonly #opts: AsterMarketStreamOptions;
  readonly #socket: ReconnectingSocket;
  readonly #feed: BboFeed;

  constructor(options: AsterMarketStreamOptions) {
    this.#opts = options;
    this.#feed = new BboFeed(options.clock);
    this.#socket = new ReconnectingSocket({
      url: bookTickerUrl(options.wsBase, options.symbol),
      label: "aster market stream",
      clock: options.clock,
      onMessage: (text) => this.#onMessage(text),
      onEvent: (e) => this.#onSocketEvent(e),
      ...(options.onReconnect === undefined ? {} : { onReconnect: options.onReconnect }),
      ...(options.webSocket === undefined ? {} : { webSocket: options.webSocket }),
      ...(options.staleMs === undefined ? {} : { staleMs: options.staleMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });
  }

  /** Starts connecting. */
  start(): void {
    this.#socket.start();
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Connections opened so far. */
  get connections(): number {
    return this.#socket.connections;
  }

  /** The latest best bid/ask, if any arrived. */
  get bbo(): TimedBbo | undefined {
    return this.#feed.latest;
  }

  /** Resolves with the first best bid/ask, or `undefined` after `timeoutMs` (socket clock). */
  waitForBbo(timeoutMs: number): Promise<Bbo | undefined> {
    return this.#feed.first(timeoutMs);
  }

  /** Closes the socket; resolves when nothing is left running. */
  async close(): Promise<void> {
    this.#feed.close();
    await this.#socket.close();
  }

  #onMessage(text: string): void {
    let message;
    try {
      message = parseStreamMessage(text);
    } catch (e) {
      // The previous quote ages out and bbo() falls back to REST.
      log(this.#opts, "warning", `${describe(e)}; message ignored`);
      return;
    }
    if (message.kind !== "bookTicker" || message.symbol !== this.#opts.symbol) return;
    this.#feed.update(message.bbo);
  }

  #onSocketEvent(e: SocketEvent): void {
    if (e.type === "stale") {
      try {
        this.#opts.onStale?.();
      } catch {
        // The hook must not break the socket.
      }
    }
    logSocketEvent(this.#opts.log, "aster market stream", e);
  }
}

/** The listen-key calls the user stream needs (the REST client). */
export interface ListenKeyApi {
  createListenKey(): Promise<string>;
  keepAliveListenKey(): Promise<void>;
  closeListenKey(): Promise<void>;
}

/** How to build an {@link AsterUserStream}. */
export interface AsterUserStreamOptions extends AsterSocketOptions {
  readonly api: ListenKeyApi;
  /** Interval of keepalives, ms; default {@link KEEPALIVE_MS}. */
  readonly keepAliveMs?: number;
  /** No message for this long → reconnect, ms; default 0 (off: the market stream judges liveness). */
  readonly staleMs?: number;
  /** Every order update of this symbol, validated. */
  readonly onOrder: (update: AsterOrderUpdate) => void;
  /** After each reconnect, once the key is known to be valid. */
  readonly onReconnect?: () => void | Promise<void>;
  /** An order update failed validation and was dropped; the owner should resynchronise by REST. */
  readonly onBadData?: (error: VenueDataError) => void;
}

/** Order updates of the account for one symbol, with listen-key upkeep, reconnecting by itself. */
export class AsterUserStream {
  readonly #opts: AsterUserStreamOptions;
  readonly #socket: ReconnectingSocket;
  readonly #stop = new AbortController();
  #key: string | undefined;
  /** The key of the connection being opened or open. */
  #socketKey: string | undefined;
  #renewing: Promise<void> | undefined;
  #keepAlive: Promise<void> | undefined;
  #started = false;
  readonly #opened: Wakeup;

  constructor(options: AsterUserStreamOptions) {
    this.#opts = options;
    this.#opened = new Wakeup(options.clock);
    this.#socket = new ReconnectingSocket({
      url: () => {
        const key = this.#key;
        if (key === undefined) throw new Error("no listen key yet");
        this.#socketKey = key;
        return userStreamUrl(options.wsBase, key);
      },
      label: "aster user stream",
      clock: options.clock,
      onMessage: (text) => this.#onMessage(text),
      onEvent: (e) => this.#onSocketEvent(e),
      onReconnect: () => this.#onReconnect(),
      staleMs: options.staleMs ?? 0,
      ...(options.webSocket === undefined ? {} : { webSocket: options.webSocket }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });
  }

  /** Creates the listen key (throws when the venue refuses), then connects and starts the keepalives. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#key = await this.#opts.api.createListenKey();
    if (this.#stop.signal.aborted) return;
    this.#socket.start();
    this.#keepAlive = this.#keepAliveLoop();
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Connections opened so far. */
  get connections(): number {
    return this.#socket.connections;
  }

  /** The listen key in use. */
  get listenKey(): string | undefined {
    return this.#key;
  }

  /** Drops the connection and opens a new one (after the usual backoff). */
  reconnect(reason: string): void {
    this.#socket.reconnect(reason);
  }

  /** Resolves true once the socket is open, or false after `timeoutMs` (socket clock). */
  async waitForConnection(timeoutMs: number): Promise<boolean> {
    if (this.#socket.connected) return true;
    await this.#opened.sleep(timeoutMs);
    return this.#socket.connected;
  }

  /**
   * Stops keepalives and closes the socket. The listen key is left to expire rather than closed: the venue
   * keeps one key per account, and another process trading on the same account may be using it.
   */
  async close(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#opened.wake();
    await this.#socket.close();
    await this.#keepAlive;
    await this.#renewing?.catch(() => {});
  }

  async #keepAliveLoop(): Promise<void> {
    const every = this.#opts.keepAliveMs ?? KEEPALIVE_MS;
    let wait = every;
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      try {
        await this.#opts.clock.sleep(wait, this.#stop.signal);
      } catch (e) {
        if (e instanceof SleepAbortedError) return;
        throw e;
      }
      try {
        await this.#keepAliveOrRenew("keepalive");
        failures = 0;
        wait = every;
      } catch (e) {
        if (this.#stop.signal.aborted) return;
        failures++;
        // A key lives 60 minutes: a failed keepalive is tried again well before that.
        wait = Math.min(every, backoffDelay(failures, { baseDelayMs: 5000, maxDelayMs: 5 * 60_000 }));
        log(this.#opts, "warning", `aster listen-key keepalive failed (${describe(e)}); again in ${wait} ms`);
      }
    }
  }

  /** Extends the key; a key the venue no longer knows is replaced. */
  async #keepAliveOrRenew(why: string): Promise<void> {
    try {
      await this.#opts.api.keepAliveListenKey();
    } catch (e) {
      if (!(e instanceof VenueRejectedError)) throw e;
      log(this.#opts, "warning", `aster listen key refused at ${why} (${describe(e)}); creating a new one`);
      await this.#renew(`listen key refused at ${why}`);
    }
  }

  /** Gets a new key (retrying until it works or the stream closes), then reconnects with it. One at a time. */
  #renew(why: string): Promise<void> {
    if (this.#renewing !== undefined) return this.#renewing;
    this.#renewing = (async () => {
      try {
        for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
          try {
            this.#key = await this.#opts.api.createListenKey();
            break;
          } catch (e) {
            const delay = backoffDelay(
              attempt,
              this.#opts.backoff ?? { baseDelayMs: 500, maxDelayMs: 30_000 },
            );
            log(
              this.#opts,
              "warning",
              `aster: cannot create a listen key (${describe(e)}); again in ${delay} ms`,
            );
            try {
              await this.#opts.clock.sleep(delay, this.#stop.signal);
            } catch {
              return;
            }
          }
        }
        if (this.#stop.signal.aborted) return;
        if (this.#socketKey !== this.#key) this.#socket.reconnect(why);
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  async #onReconnect(): Promise<void> {
    // After an outage the key may have lapsed without a listenKeyExpired reaching us.
    try {
      await this.#keepAliveOrRenew("reconnect");
    } catch (e) {
      log(this.#opts, "warning", `aster listen-key check after reconnect failed: ${describe(e)}`);
    }
    await this.#opts.onReconnect?.();
  }

  #onMessage(text: string): void {
    let message;
    try {
      message = parseStreamMessage(text);
    } catch (e) {
      if (!(e instanceof VenueDataError)) {
        log(this.#opts, "error", `aster user stream handler failed: ${describe(e)}`);
        return;
      }
      log(this.#opts, "warning", `${e.message}; message ignored`);
      try {
        this.#opts.onBadData?.(e);
      } catch {
        // The hook must not break message delivery.
      }
      return;
    }
    if (message.kind === "listenKeyExpired") {
      log(this.#opts, "info", "aster listen key expired; creating a new one and reconnecting");
      void this.#renew("listen key expired");
      return;
    }
    if (message.kind !== "order" || message.update.symbol !== this.#opts.symbol) return;
    this.#opts.onOrder(message.update);
  }

  #onSocketEvent(e: SocketEvent): void {
    // A connection opened with a key that has since been replaced carries nothing: start over.
    if (e.type === "open" && this.#key !== undefined && this.#socketKey !== this.#key) {
      this.#socket.reconnect("listen key replaced");
    } else if (e.type === "open") {
      this.#opened.wake();
    }
    logSocketEvent(this.#opts.log, "aster user stream", e);
  }
}

function log(opts: AsterSocketOptions, level: StreamLogLevel, message: string): void {
  logSafely(opts.log, level, message);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
