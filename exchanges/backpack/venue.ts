/**
 * The Backpack venue: {@link BackpackClient} (REST) and {@link BackpackStream} (WebSocket) behind the
 * {@link Venue} contract, for one `<TICKER>_USDC_PERP` market.
 *
 * Order events come from the private stream, merged per order so that `filled` never decreases and a finished
 * order stays finished; duplicates are dropped. After every reconnect (and after a stream message that failed
 * validation) the open orders are read by REST and every order whose state changed meanwhile is reported, so
 * a fill missed while the socket was down still reaches the bot.
 *
 * Environment: `BACKPACK_PUBLIC_KEY`, `BACKPACK_SECRET_KEY` (base64, required), `BACKPACK_BASE_URL`,
 * `BACKPACK_WS_URL` (default the production hosts), and for tuning `BACKPACK_WS_STALE_MS` (reconnect after
 * this much silence, default 30000) and `BACKPACK_HTTP_TIMEOUT_MS` (per request, default 10000).
 * @module
 */
import { type Clock, RealClock } from "../../bot/clock.ts";
import { Redactor } from "../../bot/redact.ts";
import { recentBbo } from "../bbo_feed.ts";
import type { Decimal } from "../decimal.ts";
import type { VenueContext } from "../factory.ts";
import { checkPrice, checkQuantity, type OrderTarget } from "../market_checks.ts";
import { awaitFinal } from "../market_order.ts";
import { OrderStates } from "../order_states.ts";
import { OrderResync } from "../resync.ts";
import type { BackoffOptions } from "../retry.ts";
import type { WebSocketFactory } from "../socket.ts";
import { type StreamLog, venueLog } from "../stream_log.ts";
import { positiveMs, url } from "../venue_env.ts";
import {
  type Bbo,
  isTerminal,
  type LimitOrderRequest,
  type Market,
  type MarketOrderRequest,
  type OrderListener,
  type OrderSnapshot,
  type PlaceResult,
  type Unsubscribe,
  type Venue,
  VenueError,
  VenueUnavailableError,
} from "../venue.ts";
import { BackpackClient } from "./client.ts";
import { type BackpackOrder, type BackpackOrderUpdate, perpSymbol } from "./parse.ts";
import { BackpackSigner } from "./signer.ts";
import { BackpackStream } from "./stream.ts";

/** Production host names, for the release build's `--allow-net` list. */
export const BACKPACK_HOSTS = { rest: "api.backpack.exchange", ws: "ws.backpack.exchange" } as const;
/** Default REST base URL. */
export const BACKPACK_DEFAULT_BASE_URL = `https://${BACKPACK_HOSTS.rest}`;
/** Default WebSocket URL (no path). */
export const BACKPACK_DEFAULT_WS_URL = `wss://${BACKPACK_HOSTS.ws}`;

/** Default: how old the streamed best bid/ask may be before `bbo()` asks REST instead, ms. */
export const DEFAULT_BBO_MAX_AGE_MS = 5000;
/** Default: how long `connect()` waits for the stream's first best bid/ask, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Orders whose fill fees are remembered, at most. */
const FEE_ORDERS_REMEMBERED = 2000;

/** How to build a {@link BackpackVenue}. */
export interface BackpackVenueOptions {
  readonly ticker: string;
  /** Request timestamps and retry waits. */
  readonly clock: Clock;
  readonly signer: BackpackSigner;
  readonly baseUrl?: string;
  readonly wsUrl?: string;
  readonly fetch?: typeof fetch;
  readonly webSocket?: WebSocketFactory;
  /** Socket timers (stale detection, backoff, first-quote wait); default real time. */
  readonly socketClock?: Clock;
  readonly redact?: (text: string) => string;
  readonly windowMs?: number;
  readonly requestTimeoutMs?: number;
  /** Attempts per REST call, the first included. */
  readonly attempts?: number;
  readonly jitter?: () => number;
  readonly staleMs?: number;
  readonly bboMaxAgeMs?: number;
  readonly connectTimeoutMs?: number;
  readonly socketBackoff?: BackoffOptions;
  readonly log?: StreamLog;
}

/** Backpack perpetuals. */
export class BackpackVenue implements Venue {
  readonly name = "backpack";
  readonly #opts: BackpackVenueOptions;
  readonly #symbol: string;
  readonly #target: OrderTarget;
  readonly #client: BackpackClient;
  readonly #socketClock: Clock;
  readonly #log: StreamLog;
  #stream: BackpackStream | undefined;
  #market: Market | undefined;
  #closed = false;
  /** Merged state of every order, and the listeners. */
  readonly #orders = new OrderStates();
  /** Fees per order, summed from the stream's fill events (REST order answers carry none). */
  readonly #fees = new Map<string, { total: Decimal; trades: Set<string> }>();
  readonly #resync = new OrderResync({
    venue: this.name,
    orders: this.#orders,
    openOrders: () => this.#client.openOrders(),
    order: (orderId) => this.#client.order(orderId),
    closed: () => this.#closed,
    now: () => this.#socketClock.now(),
    log: (level, message) => this.#log(level, message),
  });

  constructor(options: BackpackVenueOptions) {
    this.#opts = options;
    this.#symbol = perpSymbol(options.ticker);
    this.#target = { venue: this.name, symbol: this.#symbol };
    this.#socketClock = options.socketClock ?? new RealClock();
    this.#log = venueLog(this.name, options.log, options.redact);
    this.#client = new BackpackClient({
      baseUrl: options.baseUrl ?? BACKPACK_DEFAULT_BASE_URL,
      signer: options.signer,
      clock: options.clock,
      symbol: this.#symbol,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
    });
  }

  /** The REST client, for tools and tests. */
  get client(): BackpackClient {
    return this.#client;
  }

  /**
   * Loads the market, opens the streams and waits (bounded) for the first best bid/ask; then reads the open
   * orders, so a later resync can tell what changed.
   * @throws UnknownMarketError when the ticker has no perpetual on Backpack
   * @throws VenueUnavailableError when the stream cannot be opened
   */
  async connect(): Promise<void> {
    if (this.#closed) throw new VenueError("The backpack venue was closed; build a new one");
    if (this.#stream !== undefined) return;
    this.#market = await this.#client.market(this.#opts.ticker);
    const stream = new BackpackStream({
      url: this.#opts.wsUrl ?? BACKPACK_DEFAULT_WS_URL,
      symbol: this.#symbol,
      signer: this.#opts.signer,
      clock: this.#socketClock,
      now: () => this.#opts.clock.now(),
      onOrder: (u) => this.#onStreamOrder(u),
      onReconnect: () => this.#resync.run("reconnect"),
      onBadData: () => this.#resync.afterBadData(),
      log: this.#log,
      ...(this.#opts.webSocket === undefined ? {} : { webSocket: this.#opts.webSocket }),
      ...(this.#opts.windowMs === undefined ? {} : { windowMs: this.#opts.windowMs }),
      ...(this.#opts.staleMs === undefined ? {} : { staleMs: this.#opts.staleMs }),
      ...(this.#opts.socketBackoff === undefined ? {} : { backoff: this.#opts.socketBackoff }),
      ...(this.#opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.#opts.connectTimeoutMs }),
    });
    this.#stream = stream;
    stream.start();
    try {
      const timeoutMs = this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const first = await stream.waitForBbo(timeoutMs);
      if (first === undefined) {
        if (!stream.connected) {
          const url = this.#opts.wsUrl ?? BACKPACK_DEFAULT_WS_URL;
          throw new VenueUnavailableError(`Cannot open the backpack stream at ${url} within ${timeoutMs} ms`);
        }
        // A quiet book sends no ticker: the REST book must then be readable.
        this.#log("warning", `No best bid/ask on the backpack stream within ${timeoutMs} ms; using REST`);
        await this.#client.depth();
      }
      for (const o of await this.#client.openOrders()) this.#observe(o, false);
    } catch (e) {
      // A failed connect leaves nothing running.
      this.#stream = undefined;
      await stream.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close();
    await this.#resync.settled();
  }

  market(): Market {
    if (this.#market === undefined) {
      throw new VenueError("The backpack venue is not connected: call connect() first");
    }
    return this.#market;
  }

  /** From the stream while it is connected and recent; from the REST book otherwise. */
  async bbo(): Promise<Bbo> {
    const maxAge = this.#opts.bboMaxAgeMs ?? DEFAULT_BBO_MAX_AGE_MS;
    return recentBbo(this.#stream, this.#socketClock.now(), maxAge) ?? await this.#client.depth();
  }

  async placeLimit(request: LimitOrderRequest): Promise<PlaceResult> {
    const m = this.market();
    checkPrice(this.#target, m, request.price);
    checkQuantity(this.#target, m, request.quantity);
    const result = await this.#client.placeLimit(request);
    if (result.kind === "accepted") {
      return { kind: "accepted", order: this.#observe(result.order as BackpackOrder, false) };
    }
    return result;
  }

  async placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot> {
    checkQuantity(this.#target, this.market(), request.quantity);
    let order: OrderSnapshot = this.#observe(await this.#client.placeMarket(request), false);
    order = await awaitFinal(order, {
      clock: this.#opts.clock,
      read: (orderId) => this.#client.order(orderId),
      merge: (report) => this.#observe(report, false),
    });
    // The answer has no fee: the fills say what this order cost (boost mode reports it).
    if (order.filled.gt(0) && order.fee === undefined) {
      try {
        const fee = await this.#client.fillFees(order.orderId);
        if (fee !== undefined) order = this.#observe({ ...order, fee }, false);
      } catch (e) {
        this.#log(
          "warning",
          `backpack: no fee for market order ${order.orderId}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    return order;
  }

  async cancel(orderId: string): Promise<OrderSnapshot> {
    return this.#observe(await this.#client.cancel(orderId), false);
  }

  async cancelAll(): Promise<OrderSnapshot[]> {
    return (await this.#client.cancelAll()).map((o) => this.#observe(o, false));
  }

  async order(orderId: string): Promise<OrderSnapshot | undefined> {
    const o = await this.#client.order(orderId);
    return o === undefined ? undefined : this.#observe(o, false);
  }

  async openOrders(): Promise<OrderSnapshot[]> {
    return (await this.#client.openOrders()).map((o) => this.#observe(o, false)).filter((o) =>
      !isTerminal(o.status)
    );
  }

  async position(): Promise<Decimal> {
    return await this.#client.position();
  }

  onOrderEvent(listener: OrderListener): Unsubscribe {
    return this.#orders.listen(listener);
  }

  #onStreamOrder(update: BackpackOrderUpdate): void {
    if (this.#closed) return;
    const { event: _event, engineTime: _engineTime, fill, ...snapshot } = update;
    const fee = fill === undefined ? undefined : this.#addFillFee(snapshot.orderId, fill.tradeId, fill.fee);
    this.#observe(fee === undefined ? snapshot : { ...snapshot, fee }, true);
  }

  /** Adds one fill's fee to its order's total (once per trade id) and returns the total. */
  #addFillFee(orderId: string, tradeId: string, fee: Decimal): Decimal {
    let known = this.#fees.get(orderId);
    if (known === undefined) {
      known = { total: fee.mul(0), trades: new Set() };
      this.#fees.set(orderId, known);
      if (this.#fees.size > FEE_ORDERS_REMEMBERED) this.#fees.delete(this.#fees.keys().next().value!);
    }
    if (!known.trades.has(tradeId)) {
      known.trades.add(tradeId);
      known.total = known.total.plus(fee);
    }
    return known.total;
  }

  /** Merges a report into the order's known state; with `deliver`, listeners get the change. */
  #observe(report: OrderSnapshot, deliver: boolean): OrderSnapshot {
    return this.#orders.merge(report, deliver);
  }
}

/**
 * The Backpack venue from a {@link VenueContext}: keys from `BACKPACK_PUBLIC_KEY` and `BACKPACK_SECRET_KEY`,
 * hosts from `BACKPACK_BASE_URL` and `BACKPACK_WS_URL`.
 * @throws ConfigError naming a missing or invalid variable
 */
export function createBackpackVenue(ctx: VenueContext): BackpackVenue {
  const signer = BackpackSigner.fromEnv(ctx.env);
  const staleMs = positiveMs(ctx.env, "BACKPACK_WS_STALE_MS");
  const requestTimeoutMs = positiveMs(ctx.env, "BACKPACK_HTTP_TIMEOUT_MS");
  const redactor = Redactor.fromEnv(ctx.env);
  return new BackpackVenue({
    ticker: ctx.ticker,
    clock: ctx.clock,
    signer,
    baseUrl: url(ctx.env, "BACKPACK_BASE_URL", BACKPACK_DEFAULT_BASE_URL, ["https:", "http:"]),
    wsUrl: url(ctx.env, "BACKPACK_WS_URL", BACKPACK_DEFAULT_WS_URL, ["wss:", "ws:"]),
    redact: (text) => redactor.redact(text),
    ...(staleMs === undefined ? {} : { staleMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  });
}
