/**
 * The Aster venue: {@link AsterClient} (REST) and the two Aster streams behind the {@link Venue} contract, for
 * one `<TICKER>USDT` perpetual.
 *
 * Order events come from the user-data stream, merged per order so that `filled` never decreases and a
 * finished order stays finished; duplicates are dropped. After every reconnect (and after a stream message
 * that failed validation) the open orders are read by REST and each order known as working is queried, so
 * a fill missed while a socket was down still reaches the bot. An order's fee is the sum of the commissions
 * of its trades as the stream reports them (`n`, per trade); REST answers carry no fee.
 *
 * Environment: V3 (`ASTER_USER`, `ASTER_SIGNER`, `ASTER_SIGNER_PRIVATE_KEY`) when complete, else V1
 * (`ASTER_API_KEY`, `ASTER_SECRET_KEY`); `ASTER_ENVIRONMENT` (`mainnet` or `testnet`: hosts and EIP-712 chain
 * id); `ASTER_BASE_URL` and `ASTER_WS_URL` (default the environment's hosts); for tuning `ASTER_HTTP_TIMEOUT_MS`
 * (per request, default 10000), `ASTER_WS_STALE_MS` (reconnect after this much market-stream silence, default
 * 30000) and `ASTER_RECV_WINDOW_MS` (V1 `recvWindow`, default 5000).
 * @module
 */
import { type Clock, RealClock, SleepAbortedError } from "../../bot/clock.ts";
import { ConfigError } from "../../bot/errors.ts";
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
import { positiveMs, shown, url } from "../venue_env.ts";
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
import { AsterClient } from "./client.ts";
import { type AsterOrderUpdate, OrderFees, perpSymbol } from "./parse.ts";
import {
  ASTER_MAINNET_CHAIN_ID,
  ASTER_TESTNET_CHAIN_ID,
  type AsterSigner,
  asterSignerFromEnv,
  DEFAULT_RECV_WINDOW_MS,
  MAX_RECV_WINDOW_MS,
} from "./signer.ts";
import { AsterMarketStream, AsterUserStream } from "./stream.ts";

/** Host names of each environment, for the release build's `--allow-net` list. */
export const ASTER_HOSTS = {
  mainnet: { rest: "fapi.asterdex.com", ws: "fstream.asterdex.com" },
  testnet: { rest: "fapi.asterdex-testnet.com", ws: "fstream.asterdex-testnet.com" },
} as const;

/** Aster environments. */
export type AsterEnvironment = keyof typeof ASTER_HOSTS;

/** Default: how old the streamed best bid/ask may be before `bbo()` asks REST instead, ms. */
export const DEFAULT_BBO_MAX_AGE_MS = 5000;
/** Default: how long `connect()` waits for the stream's first best bid/ask, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** How long a filled market order waits for its fee from the stream (REST answers carry none), ms. */
const MARKET_FEE_WAIT_MS = 1500;

/** How to build an {@link AsterVenue}. */
export interface AsterVenueOptions {
  readonly ticker: string;
  /** Request timestamps, nonces and retry waits. */
  readonly clock: Clock;
  readonly signer: AsterSigner;
  readonly baseUrl?: string;
  readonly wsUrl?: string;
  readonly fetch?: typeof fetch;
  readonly webSocket?: WebSocketFactory;
  /** Socket timers (stale detection, backoff, keepalive, first-quote wait); default real time. */
  readonly socketClock?: Clock;
  readonly redact?: (text: string) => string;
  readonly requestTimeoutMs?: number;
  /** Attempts per REST call, the first included. */
  readonly attempts?: number;
  readonly jitter?: () => number;
  readonly staleMs?: number;
  readonly bboMaxAgeMs?: number;
  readonly connectTimeoutMs?: number;
  readonly keepAliveMs?: number;
  readonly socketBackoff?: BackoffOptions;
  readonly log?: StreamLog;
}

/** Aster perpetuals. */
export class AsterVenue implements Venue {
  readonly name = "aster";
  readonly #opts: AsterVenueOptions;
  readonly #symbol: string;
  readonly #target: OrderTarget;
  readonly #client: AsterClient;
  readonly #socketClock: Clock;
  readonly #log: StreamLog;
  readonly #orders = new OrderStates();
  readonly #fees = new OrderFees();
  #market: Market | undefined;
  #marketStream: AsterMarketStream | undefined;
  #userStream: AsterUserStream | undefined;
  #closed = false;
  readonly #resync = new OrderResync({
    venue: this.name,
    orders: this.#orders,
    openOrders: () => this.#client.openOrders(),
    order: (orderId) => this.#client.order(orderId),
    closed: () => this.#closed,
    now: () => this.#socketClock.now(),
    log: (level, message) => this.#log(level, message),
  });

  constructor(options: AsterVenueOptions) {
    this.#opts = options;
    this.#symbol = perpSymbol(options.ticker);
    this.#target = { venue: this.name, symbol: this.#symbol };
    this.#socketClock = options.socketClock ?? new RealClock();
    this.#log = venueLog(this.name, options.log, options.redact);
    this.#client = new AsterClient({
      baseUrl: options.baseUrl ?? `https://${ASTER_HOSTS.mainnet.rest}`,
      signer: options.signer,
      clock: options.clock,
      symbol: this.#symbol,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
    });
  }

  /** The REST client, for tools and tests. */
  get client(): AsterClient {
    return this.#client;
  }

  /** The user-data stream, once connected (tests). */
  get userStream(): AsterUserStream | undefined {
    return this.#userStream;
  }

  /**
   * Loads the market, opens both streams (creating the listen key) and waits (bounded) for the first best
   * bid/ask; then reads the open orders, so a later resync can tell what changed.
   * @throws UnknownMarketError when the ticker has no perpetual on Aster
   * @throws VenueUnavailableError when a stream cannot be opened
   */
  async connect(): Promise<void> {
    if (this.#closed) throw new VenueError("The aster venue was closed; build a new one");
    if (this.#marketStream !== undefined) return;
    await this.#client.syncTime();
    this.#market = await this.#client.market(this.#opts.ticker);
    const wsBase = this.#opts.wsUrl ?? `wss://${ASTER_HOSTS.mainnet.ws}`;
    const common = {
      wsBase,
      symbol: this.#symbol,
      clock: this.#socketClock,
      log: this.#log,
      ...(this.#opts.webSocket === undefined ? {} : { webSocket: this.#opts.webSocket }),
      ...(this.#opts.socketBackoff === undefined ? {} : { backoff: this.#opts.socketBackoff }),
      ...(this.#opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.#opts.connectTimeoutMs }),
    };
    const user = new AsterUserStream({
      ...common,
      api: this.#client,
      onOrder: (u) => this.#onStreamOrder(u),
      onReconnect: () => this.#resync.run("a user-stream reconnect"),
      onBadData: () => this.#resync.afterBadData(),
      ...(this.#opts.keepAliveMs === undefined ? {} : { keepAliveMs: this.#opts.keepAliveMs }),
    });
    const market = new AsterMarketStream({
      ...common,
      onStale: () => user.reconnect("the market stream went silent"),
      ...(this.#opts.staleMs === undefined ? {} : { staleMs: this.#opts.staleMs }),
    });
    this.#marketStream = market;
    this.#userStream = user;
    market.start();
    try {
      await user.start();
      const timeoutMs = this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      // Order events flow only once the user stream is open: trading before that could miss a fill.
      if (!await user.waitForConnection(timeoutMs)) {
        throw new VenueUnavailableError(
          `Cannot open the aster user-data stream at ${wsBase} within ${timeoutMs} ms`,
        );
      }
      const first = await market.waitForBbo(timeoutMs);
      if (first === undefined) {
        if (!market.connected) {
          throw new VenueUnavailableError(
            `Cannot open the aster market stream at ${wsBase} within ${timeoutMs} ms`,
          );
        }
        this.#log("warning", `No best bid/ask on the aster stream within ${timeoutMs} ms; using REST`);
        await this.#client.bookTicker();
      }
      for (const o of await this.#client.openOrders()) this.#orders.merge(o, false);
    } catch (e) {
      // A failed connect leaves nothing running.
      this.#marketStream = undefined;
      this.#userStream = undefined;
      await Promise.all([market.close(), user.close()]);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const market = this.#marketStream;
    const user = this.#userStream;
    this.#marketStream = undefined;
    this.#userStream = undefined;
    await Promise.all([market?.close(), user?.close()]);
    await this.#resync.settled();
  }

  market(): Market {
    if (this.#market === undefined) {
      throw new VenueError("The aster venue is not connected: call connect() first");
    }
    return this.#market;
  }

  /** From the stream while it is connected and recent; from REST otherwise. */
  async bbo(): Promise<Bbo> {
    const maxAge = this.#opts.bboMaxAgeMs ?? DEFAULT_BBO_MAX_AGE_MS;
    return recentBbo(this.#marketStream, this.#socketClock.now(), maxAge) ?? await this.#client.bookTicker();
  }

  async placeLimit(request: LimitOrderRequest): Promise<PlaceResult> {
    const m = this.market();
    checkPrice(this.#target, m, request.price);
    checkQuantity(this.#target, m, request.quantity);
    const result = await this.#client.placeLimit(request);
    if (result.kind === "accepted") {
      return { kind: "accepted", order: this.#orders.merge(result.order, false) };
    }
    return result;
  }

  /**
   * Places a market order and resolves with its final state: filled quantity, average price and, when the
   * user stream reports it in time, the fee (REST answers carry none).
   */
  async placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot> {
    checkQuantity(this.#target, this.market(), request.quantity);
    let order = this.#orders.merge(await this.#client.placeMarket(request), false);
    order = await awaitFinal(order, {
      clock: this.#opts.clock,
      read: (orderId) => this.#client.order(orderId),
      merge: (report) => this.#orders.merge(report, false),
    });
    if (order.filled.gt(0)) order = await this.#waitForFee(order);
    return order;
  }

  /** The order's merged state once the fee of its whole fill is known, or after a short wait without it. */
  async #waitForFee(order: OrderSnapshot): Promise<OrderSnapshot> {
    const complete = (s: OrderSnapshot | undefined) =>
      s !== undefined && s.fee !== undefined && isTerminal(s.status) &&
      (this.#fees.covered(s.orderId)?.gte(s.filled) ?? false);
    if (complete(this.#orders.get(order.orderId))) return this.#orders.get(order.orderId)!;
    const stop = new AbortController();
    const off = this.#orders.observe((s) => {
      if (s.orderId === order.orderId && complete(s)) stop.abort();
    });
    try {
      await this.#socketClock.sleep(MARKET_FEE_WAIT_MS, stop.signal);
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    } finally {
      off();
    }
    return this.#orders.get(order.orderId) ?? order;
  }

  async cancel(orderId: string): Promise<OrderSnapshot> {
    return this.#orders.merge(await this.#client.cancel(orderId), false);
  }

  async cancelAll(): Promise<OrderSnapshot[]> {
    return (await this.#client.cancelAll()).map((o) => this.#orders.merge(o, false));
  }

  async order(orderId: string): Promise<OrderSnapshot | undefined> {
    const o = await this.#client.order(orderId);
    return o === undefined ? undefined : this.#orders.merge(o, false);
  }

  async openOrders(): Promise<OrderSnapshot[]> {
    return (await this.#client.openOrders()).map((o) => this.#orders.merge(o, false)).filter((o) =>
      !isTerminal(o.status)
    );
  }

  async position(): Promise<Decimal> {
    return await this.#client.position();
  }

  onOrderEvent(listener: OrderListener): Unsubscribe {
    return this.#orders.listen(listener);
  }

  #onStreamOrder(update: AsterOrderUpdate): void {
    if (this.#closed) return;
    const fee = this.#fees.add(update);
    this.#orders.merge(fee === undefined ? update : { ...update, fee }, true);
  }
}

/** The environment named by `ASTER_ENVIRONMENT` (default mainnet). */
export function asterEnvironment(env: Readonly<Record<string, string>>): AsterEnvironment {
  const raw = env.ASTER_ENVIRONMENT?.trim();
  if (raw === undefined || raw === "" || raw === "mainnet") return "mainnet";
  if (raw === "testnet") return "testnet";
  throw new ConfigError("ASTER_ENVIRONMENT", `${shown(raw)} must be mainnet or testnet`);
}

/**
 * The Aster venue from a {@link VenueContext}: V3 or V1 credentials (V3 when complete), hosts from
 * `ASTER_ENVIRONMENT`, `ASTER_BASE_URL` and `ASTER_WS_URL`, tuning from `ASTER_HTTP_TIMEOUT_MS`,
 * `ASTER_WS_STALE_MS` and `ASTER_RECV_WINDOW_MS`.
 * @throws ConfigError naming a missing or invalid variable
 */
export function createAsterVenue(ctx: VenueContext): AsterVenue {
  const environment = asterEnvironment(ctx.env);
  const chainId = environment === "testnet" ? ASTER_TESTNET_CHAIN_ID : ASTER_MAINNET_CHAIN_ID;
  const recvWindowMs = positiveMs(ctx.env, "ASTER_RECV_WINDOW_MS", MAX_RECV_WINDOW_MS) ??
    DEFAULT_RECV_WINDOW_MS;
  const signer = asterSignerFromEnv(ctx.env, chainId, recvWindowMs);
  const staleMs = positiveMs(ctx.env, "ASTER_WS_STALE_MS");
  const requestTimeoutMs = positiveMs(ctx.env, "ASTER_HTTP_TIMEOUT_MS");
  const redactor = Redactor.fromEnv(ctx.env);
  const hosts = ASTER_HOSTS[environment];
  return new AsterVenue({
    ticker: ctx.ticker,
    clock: ctx.clock,
    signer,
    baseUrl: url(ctx.env, "ASTER_BASE_URL", `https://${hosts.rest}`, ["https:", "http:"], { hostOnly: true }),
    wsUrl: url(ctx.env, "ASTER_WS_URL", `wss://${hosts.ws}`, ["wss:", "ws:"], { hostOnly: true }),
    redact: (text) => redactor.redact(text),
    ...(staleMs === undefined ? {} : { staleMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  });
}
