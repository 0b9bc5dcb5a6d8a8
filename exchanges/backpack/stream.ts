/**
 * Backpack WebSocket streams of one market: `bookTicker.<symbol>` for best bid/ask and the signed private
 * `account.orderUpdate.<symbol>` for order events, on one {@link ReconnectingSocket}.
 *
 * Subscriptions are rebuilt on every connection, so the private one is signed with a fresh timestamp:
 * `{"method":"SUBSCRIBE","params":["account.orderUpdate.<symbol>"],"signature":[key, sig, ts, window]}` over
 * `instruction=subscribe&timestamp=<ts>&window=<window>`. Frames arrive as `{"stream": name, "data": {...}}`.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { BboFeed, type TimedBbo } from "../bbo_feed.ts";
import type { BackoffOptions } from "../retry.ts";
import { ReconnectingSocket, type SocketEvent, type WebSocketFactory } from "../socket.ts";
import { logSafely, logSocketEvent, type StreamLog, type StreamLogLevel } from "../stream_log.ts";
import type { Bbo } from "../venue.ts";
import { VenueDataError } from "../venue.ts";
import { type BackpackOrderUpdate, parseBookTicker, parseOrderUpdate, parseStreamMessage } from "./parse.ts";
import { type BackpackSigner, DEFAULT_WINDOW_MS } from "./signer.ts";

/** How to build a {@link BackpackStream}. */
export interface BackpackStreamOptions {
  /** `wss://ws.backpack.exchange`, or a fake's address. */
  readonly url: string;
  readonly symbol: string;
  readonly signer: BackpackSigner;
  /** Timers of the socket (stale detection, backoff); must run in real time with real sockets. */
  readonly clock: Clock;
  /** Time of the subscription signature, ms since the epoch; default `clock.now`. */
  readonly now?: () => number;
  readonly windowMs?: number;
  readonly webSocket?: WebSocketFactory;
  /** No message for this long → reconnect, ms. */
  readonly staleMs?: number;
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Every order event, validated. */
  readonly onOrder: (update: BackpackOrderUpdate) => void;
  /** After each reconnect (the subscriptions are already sent again). */
  readonly onReconnect?: () => void | Promise<void>;
  /** An order update failed validation and was dropped; the venue should resynchronise by REST. */
  readonly onBadData?: (error: VenueDataError) => void;
  readonly log?: StreamLog;
}

/** The stream name of the best bid/ask. */
export function bookTickerStream(symbol: string): string {
  return `bookTicker.${symbol}`;
}

/** The stream name of the account's order updates. */
export function orderUpdateStream(symbol: string): string {
  return `account.orderUpdate.${symbol}`;
}

/** The public subscription message. */
export function publicSubscription(symbol: string): string {
  return JSON.stringify({ method: "SUBSCRIBE", params: [bookTickerStream(symbol)] });
}

/** The signed private subscription message at `timestampMs`. */
export function privateSubscription(
  symbol: string,
  signer: BackpackSigner,
  timestampMs: number,
  windowMs: number = DEFAULT_WINDOW_MS,
): string {
  return JSON.stringify({
    method: "SUBSCRIBE",
    params: [orderUpdateStream(symbol)],
    signature: signer.streamSignature(timestampMs, windowMs),
  });
}

/** Book ticker and order updates of one market, reconnecting by itself. */
export class BackpackStream {
  readonly #opts: BackpackStreamOptions;
  readonly #socket: ReconnectingSocket;
  readonly #bboStream: string;
  readonly #orderStream: string;
  readonly #feed: BboFeed;

  constructor(options: BackpackStreamOptions) {
    this.#opts = options;
    this.#feed = new BboFeed(options.clock);
    this.#bboStream = bookTickerStream(options.symbol);
    this.#orderStream = orderUpdateStream(options.symbol);
    this.#socket = new ReconnectingSocket({
      url: options.url,
      label: "backpack stream",
      clock: options.clock,
      onMessage: (text) => this.#onMessage(text),
      onEvent: (e) => this.#onSocketEvent(e),
      ...(options.onReconnect === undefined ? {} : { onReconnect: options.onReconnect }),
      ...(options.webSocket === undefined ? {} : { webSocket: options.webSocket }),
      ...(options.staleMs === undefined ? {} : { staleMs: options.staleMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });
    const now = options.now ?? (() => options.clock.now());
    this.#socket.subscribe(() => publicSubscription(options.symbol));
    this.#socket.subscribe(() =>
      privateSubscription(options.symbol, options.signer, Math.floor(now()), options.windowMs)
    );
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
      this.#bad(e, false);
      return;
    }
    if (message.kind === "error") {
      // A refused subscription (the signed one fails on a skewed clock, for example) would leave the socket
      // up without order events: start over, which signs the subscription afresh.
      this.#log("error", `backpack stream error: ${message.message}; reconnecting`);
      this.#socket.reconnect(`stream error: ${message.message}`);
      return;
    }
    if (message.kind === "other") return;
    if (message.stream === this.#bboStream) {
      let bbo: Bbo;
      try {
        bbo = parseBookTicker(message.data, this.#opts.symbol);
      } catch (e) {
        // The previous quote ages out and bbo() falls back to REST; orders are not affected.
        this.#bad(e, false);
        return;
      }
      this.#feed.update(bbo);
    } else if (message.stream === this.#orderStream) {
      let update: BackpackOrderUpdate;
      try {
        update = parseOrderUpdate(message.data);
      } catch (e) {
        this.#bad(e, true);
        return;
      }
      this.#opts.onOrder(update);
    }
  }

  /** Logs a dropped message; a dropped order update asks the venue to resynchronise. */
  #bad(e: unknown, orderData: boolean): void {
    if (!(e instanceof VenueDataError)) {
      this.#log("error", `backpack stream handler failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#log("warning", `${e.message}; message ignored`);
    if (!orderData) return;
    try {
      this.#opts.onBadData?.(e);
    } catch {
      // The hook must not break message delivery.
    }
  }

  #onSocketEvent(e: SocketEvent): void {
    logSocketEvent(this.#opts.log, "backpack stream", e);
  }

  #log(level: StreamLogLevel, message: string): void {
    logSafely(this.#opts.log, level, message);
  }
}
