/**
 * A loopback Backpack Exchange: the REST API (`/api/v1/…`, `/wapi/v1/…`) and the WebSocket streams, over
 * the paper engine.
 *
 * It checks what the venue checks: every signed request is verified with the configured ED25519 public key by
 * rebuilding the instruction string from what was received (`instruction=<name>&<sorted query>&<sorted
 * body>&timestamp=<X-Timestamp>&window=<X-Window>`), the timestamp must lie within the window, and order
 * fields are validated (types, enums, tick and step multiples, post-only crossing). Errors use the venue's
 * JSON, `{"code": "<ApiErrorCode>", "message": "…"}`.
 *
 * Choices where the venue's documentation is silent, strict on purpose so an adapter cannot lean on them:
 * - a client id is not deduplicated (a repeated `clientId` creates a second order) unless
 *   {@link BackpackFakeOptions.duplicateClientId} says `reject`;
 * - `GET /api/v1/order` and `DELETE /api/v1/order` know only resting orders (404 `RESOURCE_NOT_FOUND`
 *   otherwise); finished orders are in `GET /wapi/v1/history/orders`;
 * - depth levels come in ascending price order on both sides (best bid last);
 * - a flat position is absent from `GET /api/v1/position`;
 * - a subscription is not acknowledged; a refused one gets `{"id":…, "error":{"code":…, "message":…}}`;
 * - a bad signature is HTTP 401 `INVALID_SIGNATURE`, an expired timestamp HTTP 400 `INVALID_CLIENT_REQUEST`.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import type { Clock } from "../../bot/clock.ts";
import { RealClock, SleepAbortedError } from "../../bot/clock.ts";
import { Decimal, ZERO } from "../../exchanges/decimal.ts";
import type { PaperMarketSpec } from "../../exchanges/paper/price_path.ts";
import type { OrderSnapshot, Side } from "../../exchanges/venue.ts";
import { FaultPlan, type FaultRule, type HttpFault, type RequestMatch } from "./faults.ts";
import {
  type FakeRequest,
  jsonResponse,
  LoopbackServer,
  PaperBackend,
  type RequestRecord,
  type SocketSession,
} from "./loopback.ts";

/** The RFC 8032 §7.1 test-1 key pair, the key of every Backpack test. */
export const BACKPACK_TEST_KEY = {
  seedHex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
  publicHex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
  /** `BACKPACK_SECRET_KEY`: base64 of the seed. */
  secretB64: "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
  /** `BACKPACK_PUBLIC_KEY` and `X-API-Key`: base64 of the public key. */
  publicB64: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
} as const;

/** Largest `X-Window` the venue accepts, ms. */
export const BACKPACK_MAX_WINDOW_MS = 60_000;
/** `X-Window` assumed when the header is absent, ms. */
export const BACKPACK_DEFAULT_WINDOW_MS = 5000;

/** One `account.orderUpdate` payload (the `data` of the envelope). */
export interface BackpackOrderEvent {
  readonly e: "orderAccepted" | "orderFill" | "orderCancelled" | "orderExpired";
  readonly E: number;
  readonly s: string;
  readonly c?: number;
  readonly S: "Bid" | "Ask";
  readonly o: "LIMIT" | "MARKET";
  readonly f: "GTC" | "IOC" | "FOK";
  readonly q: string;
  readonly p?: string;
  readonly X: "New" | "PartiallyFilled" | "Filled" | "Cancelled" | "Expired";
  readonly i: string;
  readonly z: string;
  readonly Z: string;
  readonly l?: string;
  readonly L?: string;
  readonly m?: boolean;
  readonly n?: string;
  readonly N?: string;
  readonly t: number | null;
  readonly T: number;
  readonly O: "USER";
  readonly V: string;
  readonly y: boolean;
  readonly r: boolean;
}

/** How to start a {@link BackpackFake}. */
export interface BackpackFakeOptions {
  /** Ticker of the perp market traded (`SOL` → `SOL_USDC_PERP`); default `SOL`. */
  readonly ticker?: string;
  /** Filters of that market; defaults: tick 0.01, step 0.01, min quantity 0.01. */
  readonly tickSize?: string;
  readonly stepSize?: string;
  readonly minQuantity?: string;
  /** Starting quote; default 150.00 / 150.01 (rounded to the tick). */
  readonly bid?: string;
  readonly ask?: string;
  /** Time of the signature window, the log and the streams; default the real clock. */
  readonly clock?: Clock;
  /** The API key the fake accepts (base64 public key); default {@link BACKPACK_TEST_KEY}. */
  readonly publicKey?: string;
  /** What a repeated client id does: `accept` (a second order, the default) or `reject` (400). */
  readonly duplicateClientId?: "accept" | "reject";
  /** Resend the book ticker to subscribers this often, ms, like a live market does; 0 = only on change. */
  readonly tickerIntervalMs?: number;
  /** Move the market on its own every this many ms (random walk); default off. */
  readonly marketStepMs?: number;
  /** Seed of the random walk. */
  readonly seed?: number;
}

interface WireOrder {
  readonly id: string;
  readonly engineId: string;
  readonly clientId: number | undefined;
  readonly orderType: "Limit" | "Market";
  readonly timeInForce: "GTC" | "IOC" | "FOK";
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly selfTradePrevention: string;
  readonly createdAt: number;
  readonly quoteQuantity: string | undefined;
}

interface Seen {
  filled: Decimal;
  notional: Decimal;
  fee: Decimal;
  status: OrderSnapshot["status"];
}

/** One fill, as `GET /wapi/v1/history/fills` reports it. */
export interface BackpackFill {
  readonly tradeId: number;
  readonly orderId: string;
  readonly clientId: number | undefined;
  readonly side: "Bid" | "Ask";
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly isMaker: boolean;
  readonly time: number;
}

type Params = Record<string, string | number | boolean>;

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const ORDER_ID_BASE = 114_575_000_000_000_000n;
const DECIMAL_TEXT = /^\d+(\.\d+)?$/;
const UINT32_MAX = 4_294_967_295;

/** A loopback Backpack venue for one perp market and one account. */
export class BackpackFake {
  /** The HTTP + WebSocket server: request and socket logs, sockets. */
  readonly server: LoopbackServer;
  /** The paper engine behind the venue. */
  readonly backend: PaperBackend;
  /** The fault plan; order events pass through `faults.events`. */
  readonly faults: FaultPlan<BackpackOrderEvent>;
  /** The perp symbol (`SOL_USDC_PERP`). */
  readonly symbol: string;
  /** The ticker (`SOL`). */
  readonly ticker: string;
  /** The one API key accepted (base64). */
  readonly publicKey: string;
  /** Time of the signature window, the logs and the streams. */
  readonly clock: Clock;
  /** Every order event the fake produced, before faults were applied. */
  readonly orderEvents: BackpackOrderEvent[] = [];
  /** Every fill. */
  readonly fills: BackpackFill[] = [];
  readonly #options: BackpackFakeOptions;
  readonly #wire = new Map<string, WireOrder>();
  readonly #byVenueId = new Map<string, string>();
  readonly #seen = new Map<string, Seen>();
  #nextTradeId = 1;
  #updateId = 1;
  #placing = false;
  #refusePrivate = 0;
  #book: { bids: [string, string][]; asks: [string, string][] } = { bids: [], asks: [] };
  readonly #stop = new AbortController();
  #tickerLoop: Promise<void> | undefined;

  private constructor(
    server: LoopbackServer,
    options: BackpackFakeOptions,
    faults: FaultPlan<BackpackOrderEvent>,
  ) {
    this.server = server;
    this.faults = faults;
    this.#options = options;
    this.clock = server.clock;
    this.ticker = (options.ticker ?? "SOL").toUpperCase();
    this.symbol = `${this.ticker}_USDC_PERP`;
    this.publicKey = options.publicKey ?? BACKPACK_TEST_KEY.publicB64;
    const tick = new Decimal(options.tickSize ?? "0.01");
    const step = new Decimal(options.stepSize ?? "0.01");
    const spec: PaperMarketSpec = {
      ticker: this.ticker,
      symbol: this.symbol,
      tickSize: tick,
      stepSize: step,
      minQuantity: new Decimal(options.minQuantity ?? step.toString()),
      startMid: new Decimal(options.bid ?? "150"),
      volatilityPerSecond: 0.0001,
      maxSpreadTicks: 3,
    };
    const bid = new Decimal(options.bid ?? "150").toNearest(tick, Decimal.ROUND_DOWN);
    const ask = options.ask === undefined ? bid.plus(tick) : new Decimal(options.ask);
    this.backend = new PaperBackend({
      spec,
      clock: this.clock,
      quote: { bid, ask },
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.#book = this.#levels();
    this.backend.onUpdates((updates) => this.#onUpdates(updates));
    this.backend.onQuote(() => this.#onQuote());
  }

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(options: BackpackFakeOptions = {}): Promise<BackpackFake> {
    const faults = new FaultPlan<BackpackOrderEvent>();
    const server = await LoopbackServer.start({
      name: "backpack",
      clock: options.clock ?? new RealClock(),
      faults: faults as FaultPlan<unknown>,
      errorBody: (status) => JSON.stringify(errorForStatus(status)),
      notFound: () => error(404, "RESOURCE_NOT_FOUND", "Not found"),
    });
    const fake = new BackpackFake(server, options, faults);
    fake.#routes();
    if ((options.tickerIntervalMs ?? 0) > 0) fake.#tickerLoop = fake.#runTicker(options.tickerIntervalMs!);
    if (options.marketStepMs !== undefined) fake.backend.startMarket(options.marketStepMs);
    return fake;
  }

  /** `http://127.0.0.1:<port>`, for `BACKPACK_BASE_URL`. */
  get baseUrl(): string {
    return this.server.httpUrl;
  }

  /** `ws://127.0.0.1:<port>`, for `BACKPACK_WS_URL`. */
  get wsUrl(): string {
    return this.server.wsUrl;
  }

  /** The environment an adapter needs to talk to this fake with the test key. */
  env(): Record<string, string> {
    return {
      BACKPACK_PUBLIC_KEY: this.publicKey,
      BACKPACK_SECRET_KEY: BACKPACK_TEST_KEY.secretB64,
      BACKPACK_BASE_URL: this.baseUrl,
      BACKPACK_WS_URL: this.wsUrl,
    };
  }

  /** Every HTTP request received. */
  get requests(): readonly RequestRecord[] {
    return this.server.requests;
  }

  /** Moves the market; resting orders it reaches fill. */
  setQuote(bid: Decimal | string, ask: Decimal | string): void {
    this.backend.setQuote(new Decimal(bid), new Decimal(ask));
  }

  /** Fills `quantity` (default: all that is left) of the order with venue id `orderId`. */
  forceFill(orderId: string, quantity?: Decimal | string): void {
    const engineId = this.#byVenueId.get(orderId);
    const o = engineId === undefined ? undefined : this.backend.order(engineId);
    if (engineId === undefined || o === undefined) {
      throw new RangeError(`Backpack fake: no order "${orderId}" to fill`);
    }
    this.backend.forceFill(
      engineId,
      quantity === undefined ? o.quantity.minus(o.filled) : new Decimal(quantity),
    );
  }

  /** The venue id of an engine order id. */
  venueId(engineId: string): string {
    const w = this.#wire.get(engineId);
    if (w === undefined) throw new RangeError(`Backpack fake: unknown engine order "${engineId}"`);
    return w.id;
  }

  /** Every order ever accepted, with venue ids, oldest first. */
  orders(): (OrderSnapshot & { readonly orderType: "Limit" | "Market"; readonly postOnly: boolean })[] {
    return this.backend.orders().map((o) => {
      const w = this.#wire.get(o.orderId)!;
      return { ...o.last, orderId: w.id, orderType: w.orderType, postOnly: w.postOnly };
    });
  }

  /** Orders that carried client id `clientId`. */
  ordersWithClientId(clientId: string | number): OrderSnapshot[] {
    return this.orders().filter((o) => o.clientId === String(clientId));
  }

  /** Resting orders, with venue ids. */
  openOrders(): OrderSnapshot[] {
    return this.orders().filter((o) => o.status === "OPEN" || o.status === "PARTIALLY_FILLED");
  }

  /** Signed position. */
  position(): Decimal {
    return this.backend.position();
  }

  /** Closes every socket from the server side. */
  dropSockets(): number {
    return this.server.dropSockets();
  }

  /** Makes every open socket silent. */
  silenceSockets(): number {
    return this.server.silenceSockets();
  }

  /** Open sessions subscribed to `stream`. */
  subscribers(stream: string): SocketSession[] {
    return this.server.sessions().filter((s) => subscriptions(s).has(stream));
  }

  /** Every SUBSCRIBE the fake accepted, in order: the session and the stream. */
  readonly subscriptions: { session: number; stream: string; time: number }[] = [];

  /**
   * The next order placement is applied, and its answer never arrives. With `unreachableMs`, every request
   * that arrives after it goes unanswered too until that much time has passed since the placement arrived (an
   * outage long enough for a client to give up its own retries).
   */
  loseNextPlacementAnswer(unreachableMs = 0): FaultRule<HttpFault> {
    return this.server.loseNextAnswer({ method: "POST", path: "/api/v1/order" }, unreachableMs);
  }

  /**
   * The next order placement is answered 503 at once and executed anyway `applyAfterMs` later: the venue
   * said nothing about what happened to it.
   */
  executeNextPlacementLate(applyAfterMs: number): FaultRule<HttpFault> {
    return this.faults.lateExecution({ method: "POST", path: "/api/v1/order" }, applyAfterMs);
  }

  /** The next cancel finds the order filled by `quantity` (default: all of it) just before it is handled. */
  fillDuringNextCancel(quantity?: Decimal | string): FaultRule<HttpFault> {
    return this.faults.before({ method: "DELETE", path: "/api/v1/order" }, (req) => {
      const body = safeJson(req.body) as Record<string, unknown> | undefined;
      const target = this.#findOpen(body?.orderId, body?.clientId);
      if (target !== undefined) this.backend.fillUpTo(target.engineId, quantity);
    });
  }

  /**
   * Refuses the next `times` private subscriptions as if their signature had expired (clock skew), while
   * public ones still succeed.
   */
  refusePrivateSubscriptions(times = 1): void {
    this.#refusePrivate += times;
  }

  /** Answers the next `times` requests matching `match` with 429 and `Retry-After: <seconds>`. */
  rateLimit(match: RequestMatch, retryAfterSeconds: number, times = 1): FaultRule<HttpFault> {
    return this.faults.rateLimit(match, retryAfterSeconds, times);
  }

  /** Stops the fake and releases every resource. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#tickerLoop;
    await this.backend.close();
    await this.server.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------- routes

  #routes(): void {
    const s = this.server;
    const pub = (fn: (req: FakeRequest) => unknown) => (req: FakeRequest) => this.#answer(() => fn(req));
    const signed =
      (instruction: string, fn: (req: FakeRequest, params: Params) => unknown) => (req: FakeRequest) =>
        this.#answer(() => fn(req, this.#authenticate(req, instruction)));

    s.route("GET", "/api/v1/ping", () => new Response("pong", { headers: { "content-type": "text/plain" } }));
    s.route("GET", "/api/v1/time", () => new Response(String(this.clock.now())));
    s.route("GET", "/api/v1/status", pub(() => ({ status: "Ok", message: null })));
    s.route("GET", "/api/v1/markets", pub(() => this.#markets()));
    s.route("GET", "/api/v1/market", pub((req) => this.#market(req.query.symbol)));
    s.route("GET", "/api/v1/ticker", pub((req) => this.#tickerRest(req.query.symbol)));
    s.route("GET", "/api/v1/depth", pub((req) => this.#depthRest(req.query)));

    s.route("POST", "/api/v1/order", signed("orderExecute", (_r, p) => this.#execute(p)));
    s.route("POST", "/api/v1/orders", (req) => this.#answer(() => this.#executeBatch(req)));
    s.route("DELETE", "/api/v1/order", signed("orderCancel", (_r, p) => this.#cancel(p)));
    s.route("DELETE", "/api/v1/orders", signed("orderCancelAll", (_r, p) => this.#cancelAll(p)));
    s.route("GET", "/api/v1/order", signed("orderQuery", (_r, p) => this.#queryOne(p)));
    s.route("GET", "/api/v1/orders", signed("orderQueryAll", (_r, p) => this.#queryAll(p)));
    s.route("GET", "/api/v1/position", signed("positionQuery", (_r, p) => this.#positions(p)));
    s.route("GET", "/api/v1/account", signed("accountQuery", () => this.#account()));
    s.route("GET", "/api/v1/capital", signed("balanceQuery", () => this.#balances()));
    s.route("GET", "/api/v1/capital/collateral", signed("collateralQuery", () => this.#collateral()));
    s.route("GET", "/wapi/v1/history/orders", signed("orderHistoryQueryAll", (_r, p) => this.#history(p)));
    s.route("GET", "/wapi/v1/history/fills", signed("fillHistoryQueryAll", (_r, p) => this.#fillHistory(p)));

    s.websocket("/", {
      onOpen: (session) => session.state.set("subs", new Set<string>()),
      onMessage: (session, data) => this.#onSocketMessage(session, data),
    });
  }

  async #answer(fn: () => unknown): Promise<Response> {
    try {
      const out = await fn();
      return out instanceof Response ? out : jsonResponse(out);
    } catch (e) {
      if (e instanceof ApiError) return error(e.status, e.code, e.message);
      throw e;
    }
  }

  // ---------------------------------------------------------------- authentication

  /** Verifies the signature of `req` for `instruction` and returns its parameters (query, then body). */
  #authenticate(req: FakeRequest, instruction: string, bodyOverride?: unknown): Params {
    const key = req.rawHeaders.get("x-api-key");
    const signature = req.rawHeaders.get("x-signature");
    const timestamp = req.rawHeaders.get("x-timestamp");
    const windowHeader = req.rawHeaders.get("x-window");
    if (key === null || signature === null || timestamp === null) {
      throw new ApiError(401, "UNAUTHORIZED", "Missing X-API-Key, X-Signature or X-Timestamp header");
    }
    const window = windowHeader === null ? BACKPACK_DEFAULT_WINDOW_MS : parseWhole(windowHeader);
    if (window === undefined || window <= 0 || window > BACKPACK_MAX_WINDOW_MS) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid X-Window "${windowHeader}"`);
    }
    const ts = parseWhole(timestamp);
    if (ts === undefined) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid X-Timestamp "${timestamp}"`);
    }
    if (key !== this.publicKey) throw new ApiError(401, "UNAUTHORIZED", "Invalid API key");
    const now = this.clock.now();
    if (Math.abs(now - ts) > window) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Request has expired");
    }

    const queryParams: Params = {};
    req.searchParams.forEach((v, k) => (queryParams[k] = v));
    // The venue reads a GET's parameters from the query and the others' from the JSON body, never both.
    if (req.method !== "GET" && [...req.searchParams.keys()].length > 0) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", `${req.method} parameters belong in the JSON body`);
    }
    const body = bodyOverride ?? this.#jsonBody(req);
    let signing = `instruction=${instruction}`;
    signing += sortedPairs(queryParams);
    if (Array.isArray(body)) {
      // Batch: one instruction per item, timestamp and window once at the end.
      signing = body.map((item) => `instruction=${instruction}${sortedPairs(asParams(item))}`).join("&");
    } else if (body !== undefined) {
      signing += sortedPairs(asParams(body));
    }
    signing += `&timestamp=${timestamp}&window=${window}`;
    if (!verify(this.publicKey, signing, signature)) {
      throw new ApiError(401, "INVALID_SIGNATURE", "Invalid signature");
    }
    return Array.isArray(body)
      ? queryParams
      : { ...queryParams, ...(body === undefined ? {} : asParams(body)) };
  }

  #jsonBody(req: FakeRequest): unknown {
    if (req.body === "") return undefined;
    const type = req.rawHeaders.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/json")) {
      throw new ApiError(
        415,
        "INVALID_CLIENT_REQUEST",
        `Expected Content-Type application/json, got "${type}"`,
      );
    }
    const parsed = safeJson(req.body);
    if (parsed === undefined || parsed === null || typeof parsed !== "object") {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Request body is not a JSON object");
    }
    return parsed;
  }

  // ---------------------------------------------------------------- public market data

  #marketJson(symbol: string, base: string, type: "PERP" | "SPOT", tick: string, step: string, min: string) {
    return {
      symbol,
      baseSymbol: base,
      quoteSymbol: "USDC",
      marketType: type,
      filters: {
        price: {
          minPrice: tick,
          maxPrice: "1000000",
          tickSize: tick,
          maxMultiplier: "1.25",
          minMultiplier: "0.75",
        },
        quantity: { minQuantity: min, maxQuantity: "1000000", stepSize: step },
        ...(type === "PERP" ? { leverage: { minLeverage: "1", maxLeverage: "50", stepSize: "1" } } : {}),
      },
      ...(type === "PERP" ? { fundingInterval: 28_800_000, openInterestLimit: "0" } : {}),
      orderBookState: "Open",
      createdAt: "2025-01-01T00:00:00",
    };
  }

  #markets(): unknown[] {
    const spec = this.backend.spec;
    return [
      // The spot market of the same ticker comes first, with other filters: an adapter must pick the perp.
      this.#marketJson(`${this.ticker}_USDC`, this.ticker, "SPOT", "0.001", "0.001", "0.001"),
      this.#marketJson(
        this.symbol,
        this.ticker,
        "PERP",
        spec.tickSize.toString(),
        spec.stepSize.toString(),
        spec.minQuantity.toString(),
      ),
      this.#marketJson("OTHER_USDC_PERP", "OTHER", "PERP", "0.5", "5", "10"),
    ];
  }

  #market(symbol: string | undefined): unknown {
    if (symbol === undefined) throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Missing parameter symbol");
    const m = this.#markets().find((x) => (x as { symbol: string }).symbol === symbol);
    if (m === undefined) throw new ApiError(400, "INVALID_SYMBOL", `Invalid symbol "${symbol}"`);
    return m;
  }

  #requireSymbol(symbol: unknown): void {
    if (symbol === undefined) throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Missing parameter symbol");
    if (symbol !== this.symbol) {
      const known = this.#markets().some((x) => (x as { symbol: string }).symbol === symbol);
      if (!known) throw new ApiError(400, "INVALID_SYMBOL", `Invalid symbol "${symbol}"`);
      throw new ApiError(400, "INVALID_MARKET", `Market "${symbol}" is not traded by this account`);
    }
  }

  #tickerRest(symbol: string | undefined): unknown {
    this.#requireSymbol(symbol);
    const { bid, ask } = this.backend.quote();
    return {
      symbol: this.symbol,
      firstPrice: bid.toString(),
      lastPrice: bid.toString(),
      priceChange: "0",
      priceChangePercent: "0",
      high: ask.toString(),
      low: bid.toString(),
      volume: "0",
      quoteVolume: "0",
      trades: "0",
    };
  }

  #levels(count = 20): { bids: [string, string][]; asks: [string, string][] } {
    const { bid, ask } = this.backend.quote();
    const { tickSize, stepSize } = this.backend.spec;
    const bids: [string, string][] = [];
    const asks: [string, string][] = [];
    for (let i = 0; i < count; i++) {
      const size = stepSize.mul(100 + 10 * i).toString();
      const b = bid.minus(tickSize.mul(i));
      if (b.gt(0)) bids.push([b.toString(), size]);
      asks.push([ask.plus(tickSize.mul(i)).toString(), size]);
    }
    // Ascending prices on both sides, best bid last, as the venue sends them.
    bids.reverse();
    return { bids, asks };
  }

  #depthRest(query: Readonly<Record<string, string>>): unknown {
    this.#requireSymbol(query.symbol);
    let limit = 100;
    if (query.limit !== undefined) {
      const n = parseWhole(query.limit);
      if (n === undefined || n < 1 || n > 1000) {
        throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid limit "${query.limit}"`);
      }
      limit = n;
    }
    const book = this.#book;
    return {
      asks: book.asks.slice(0, limit),
      bids: book.bids.slice(Math.max(0, book.bids.length - limit)),
      lastUpdateId: String(this.#updateId),
      timestamp: this.clock.now() * 1000,
    };
  }

  // ---------------------------------------------------------------- orders

  #execute(p: Params): unknown {
    return this.#orderJson(this.#place(p));
  }

  #executeBatch(req: FakeRequest): Promise<Response> {
    return this.#answer(() => {
      const body = this.#jsonBody(req);
      if (!Array.isArray(body)) {
        throw new ApiError(400, "INVALID_CLIENT_REQUEST", "A batch body must be a JSON array of orders");
      }
      this.#authenticate(req, "orderExecute", body);
      return body.map((item) => {
        try {
          return this.#orderJson(this.#place(asParams(item)));
        } catch (e) {
          if (e instanceof ApiError) return { code: e.code, message: e.message };
          throw e;
        }
      });
    });
  }

  #place(p: Params): WireOrder {
    this.#requireSymbol(p.symbol);
    const side = enumField(p, "side", ["Bid", "Ask"], true)!;
    const orderType = enumField(p, "orderType", ["Limit", "Market"], true)!;
    const timeInForce = enumField(p, "timeInForce", ["GTC", "IOC", "FOK"], false) ?? "GTC";
    const stp =
      enumField(p, "selfTradePrevention", ["RejectTaker", "RejectMaker", "RejectBoth", "Allow"], false) ??
        "RejectTaker";
    const postOnly = boolField(p, "postOnly") ?? false;
    const reduceOnly = boolField(p, "reduceOnly") ?? false;
    const clientId = clientIdField(p.clientId);
    if (clientId !== undefined && (this.#options.duplicateClientId ?? "accept") === "reject") {
      if (this.backend.ordersWithClientId(String(clientId)).length > 0) {
        throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Duplicate client id ${clientId}`);
      }
    }
    const ourSide: Side = side === "Bid" ? "buy" : "sell";

    if (orderType === "Limit") {
      const price = this.#price(p.price);
      const quantity = this.#quantity(p.quantity, true)!;
      if (postOnly && timeInForce !== "GTC") {
        throw new ApiError(400, "INVALID_ORDER", "Post only orders must be GTC");
      }
      this.#placing = true;
      this.#pendingWire = { orderType: "Limit", timeInForce, stp, quote: undefined };
      let result;
      try {
        result = this.backend.placeLimit({
          side: ourSide,
          price,
          quantity,
          postOnly,
          reduceOnly,
          clientId: clientId === undefined ? undefined : String(clientId),
        });
      } finally {
        this.#placing = false;
        this.#pendingWire = undefined;
      }
      if (result.kind === "rejected") {
        if (result.postOnlyWouldCross) {
          throw new ApiError(400, "INVALID_ORDER", "Order would immediately match and take.");
        }
        throw new ApiError(400, "INVALID_ORDER", rejectMessage(result.reason));
      }
      const wire = this.#wire.get(result.order.orderId)!;
      const final = this.backend.order(result.order.orderId)!;
      if (timeInForce !== "GTC" && (final.status === "OPEN" || final.status === "PARTIALLY_FILLED")) {
        // IOC and FOK never rest: what did not fill at once expires.
        this.backend.cancel(result.order.orderId);
      }
      return wire;
    }

    // Market: quantity xor quoteQuantity.
    const hasQty = p.quantity !== undefined;
    const hasQuote = p.quoteQuantity !== undefined;
    if (hasQty === hasQuote) {
      throw new ApiError(
        400,
        "INVALID_CLIENT_REQUEST",
        "A market order needs exactly one of quantity, quoteQuantity",
      );
    }
    if (p.price !== undefined) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", "A market order takes no price");
    }
    if (postOnly) throw new ApiError(400, "INVALID_ORDER", "A market order cannot be post only");
    let quantity: Decimal;
    if (hasQty) {
      quantity = this.#quantity(p.quantity, true)!;
    } else {
      const quote = decimalField("quoteQuantity", p.quoteQuantity);
      const touch = ourSide === "buy" ? this.backend.quote().ask : this.backend.quote().bid;
      quantity = quote.div(touch).toNearest(this.backend.spec.stepSize, Decimal.ROUND_DOWN);
      if (quantity.lt(this.backend.spec.minQuantity)) {
        throw new ApiError(400, "INVALID_QUANTITY", "Quantity is below the minimum allowed value");
      }
    }
    this.#placing = true;
    let order: OrderSnapshot;
    try {
      this.#pendingWire = {
        orderType: "Market",
        timeInForce,
        stp,
        quote: hasQuote ? String(p.quoteQuantity) : undefined,
      };
      order = this.backend.placeMarket({
        side: ourSide,
        quantity,
        reduceOnly,
        clientId: clientId === undefined ? undefined : String(clientId),
      });
    } finally {
      this.#placing = false;
      this.#pendingWire = undefined;
    }
    if (order.status === "REJECTED") {
      throw new ApiError(400, "INVALID_ORDER", "Reduce only order not reduced.");
    }
    return this.#wire.get(order.orderId)!;
  }

  /** Wire details of the order being placed, for the first update of a new engine order. */
  #pendingWire:
    | {
      orderType: "Limit" | "Market";
      timeInForce: "GTC" | "IOC" | "FOK";
      stp: string;
      quote: string | undefined;
    }
    | undefined;

  #price(value: unknown): Decimal {
    if (value === undefined) throw new ApiError(400, "INVALID_CLIENT_REQUEST", "A limit order needs a price");
    const price = decimalField("price", value);
    const tick = this.backend.spec.tickSize;
    if (price.decimalPlaces() > tick.decimalPlaces()) {
      throw new ApiError(400, "INVALID_PRICE", "Price decimal too long");
    }
    if (!price.mod(tick).isZero()) {
      throw new ApiError(400, "INVALID_PRICE", `Price must be a multiple of ${tick}`);
    }
    if (price.lt(tick)) throw new ApiError(400, "INVALID_PRICE", "Price is below the minimum allowed value");
    return price;
  }

  #quantity(value: unknown, required: boolean): Decimal | undefined {
    if (value === undefined) {
      if (required) throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Missing parameter quantity");
      return undefined;
    }
    const q = decimalField("quantity", value);
    const { stepSize, minQuantity } = this.backend.spec;
    if (q.decimalPlaces() > stepSize.decimalPlaces()) {
      throw new ApiError(400, "INVALID_QUANTITY", "Quantity decimal too long");
    }
    if (!q.mod(stepSize).isZero()) {
      throw new ApiError(400, "INVALID_QUANTITY", `Quantity must be a multiple of ${stepSize}`);
    }
    if (q.lt(minQuantity)) {
      throw new ApiError(400, "INVALID_QUANTITY", "Quantity is below the minimum allowed value");
    }
    return q;
  }

  /** The resting order named by `orderId` xor `clientId`. */
  #findOpen(orderId: unknown, clientId: unknown): WireOrder | undefined {
    const open = (w: WireOrder) => {
      const s = this.backend.order(w.engineId)?.status;
      return s === "OPEN" || s === "PARTIALLY_FILLED";
    };
    if (orderId !== undefined) {
      const engineId = this.#byVenueId.get(String(orderId));
      const w = engineId === undefined ? undefined : this.#wire.get(engineId);
      return w !== undefined && open(w) ? w : undefined;
    }
    if (clientId === undefined) return undefined;
    return [...this.#wire.values()].find((w) => String(w.clientId) === String(clientId) && open(w));
  }

  #selector(p: Params): { orderId: unknown; clientId: unknown } {
    const hasId = p.orderId !== undefined;
    const hasClient = p.clientId !== undefined;
    if (hasId === hasClient) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Exactly one of orderId, clientId must be given");
    }
    // The venue's own example signs a numeric orderId; its clients send a string. Both are accepted.
    const idText = typeof p.orderId === "number" && Number.isSafeInteger(p.orderId)
      ? String(p.orderId)
      : p.orderId;
    if (hasId && (typeof idText !== "string" || !/^\d+$/.test(idText))) {
      throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid orderId "${p.orderId}"`);
    }
    if (hasClient) clientIdField(typeof p.clientId === "string" ? Number(p.clientId) : p.clientId);
    return { orderId: idText, clientId: p.clientId };
  }

  #cancel(p: Params): unknown {
    this.#requireSymbol(p.symbol);
    const { orderId, clientId } = this.#selector(p);
    const w = this.#findOpen(orderId, clientId);
    if (w === undefined) throw new ApiError(404, "RESOURCE_NOT_FOUND", "Order not found");
    this.backend.cancel(w.engineId);
    return this.#orderJson(w);
  }

  #cancelAll(p: Params): unknown {
    this.#requireSymbol(p.symbol);
    enumField(p, "orderType", ["RestingLimitOrder", "ConditionalOrder"], false);
    if (p.orderType === "ConditionalOrder") return [];
    const out: unknown[] = [];
    for (const o of this.backend.openOrders()) {
      this.backend.cancel(o.orderId);
      out.push(this.#orderJson(this.#wire.get(o.orderId)!));
    }
    return out;
  }

  #queryOne(p: Params): unknown {
    this.#requireSymbol(p.symbol);
    const { orderId, clientId } = this.#selector(p);
    const w = this.#findOpen(orderId, clientId);
    if (w === undefined) throw new ApiError(404, "RESOURCE_NOT_FOUND", "Order not found");
    return this.#orderJson(w);
  }

  #queryAll(p: Params): unknown {
    if (p.symbol !== undefined) this.#requireSymbol(p.symbol);
    enumField(p, "marketType", ["SPOT", "PERP", "IPERP", "DATED", "PREDICTION", "RFQ"], false);
    if (p.marketType !== undefined && p.marketType !== "PERP") return [];
    return this.backend.openOrders().map((o) => this.#orderJson(this.#wire.get(o.orderId)!));
  }

  #history(p: Params): unknown {
    if (p.symbol !== undefined) this.#requireSymbol(p.symbol);
    const { limit, offset } = paging(p);
    let list = [...this.#wire.values()].reverse();
    if (p.orderId !== undefined) list = list.filter((w) => w.id === String(p.orderId));
    return list.slice(offset, offset + limit).map((w) => {
      const o = this.#orderJson(w) as Record<string, unknown>;
      return { ...o, createdAt: isoTime(w.createdAt), expiryReason: null };
    });
  }

  #fillHistory(p: Params): unknown {
    if (p.symbol !== undefined) this.#requireSymbol(p.symbol);
    const { limit, offset } = paging(p);
    let list = [...this.fills].reverse();
    if (p.orderId !== undefined) list = list.filter((f) => f.orderId === String(p.orderId));
    return list.slice(offset, offset + limit).map((f) => ({
      clientId: f.clientId === undefined ? null : String(f.clientId),
      fee: f.fee,
      feeSymbol: "USDC",
      isMaker: f.isMaker,
      orderId: f.orderId,
      price: f.price,
      quantity: f.quantity,
      side: f.side,
      symbol: this.symbol,
      systemOrderType: null,
      timestamp: isoTime(f.time),
      tradeId: f.tradeId,
    }));
  }

  #orderJson(w: WireOrder): unknown {
    const o = this.backend.order(w.engineId)!;
    const executedQuote = (o.avgPrice ?? ZERO).mul(o.filled);
    const common = {
      id: w.id,
      ...(w.clientId === undefined ? {} : { clientId: w.clientId }),
      symbol: this.symbol,
      side: o.side === "buy" ? "Bid" : "Ask",
      quantity: o.quantity.toString(),
      executedQuantity: o.filled.toString(),
      executedQuoteQuantity: executedQuote.toString(),
      triggerPrice: null,
      triggerQuantity: null,
      timeInForce: w.timeInForce,
      selfTradePrevention: w.selfTradePrevention,
      reduceOnly: w.reduceOnly,
      status: wireStatus(o.status, w),
      createdAt: w.createdAt,
      relatedOrderId: null,
    };
    return w.orderType === "Limit"
      ? { orderType: "Limit", ...common, price: o.price.toString(), postOnly: w.postOnly }
      : { orderType: "Market", ...common, quoteQuantity: w.quoteQuantity ?? null };
  }

  // ---------------------------------------------------------------- account

  #positions(p: Params): unknown {
    if (p.symbol !== undefined) this.#requireSymbol(p.symbol);
    const a = this.backend.engine.account();
    if (a.position.isZero()) return [];
    const { bid, ask } = this.backend.quote();
    const mark = bid.plus(ask).div(2);
    const unrealized = mark.minus(a.avgEntry).mul(a.position);
    return [{
      breakEvenPrice: a.avgEntry.toString(),
      cumulativeFundingPayment: "0",
      cumulativeInterest: "0",
      entryPrice: a.avgEntry.toString(),
      estLiquidationPrice: "0",
      imf: "0.02",
      imfFunction: { type: "sqrt", base: "0.02", factor: "0.0001" },
      markPrice: mark.toString(),
      mmf: "0.0125",
      mmfFunction: { type: "sqrt", base: "0.0125", factor: "0.00006" },
      netCost: a.avgEntry.mul(a.position).toString(),
      netExposureNotional: mark.mul(a.position.abs()).toString(),
      netExposureQuantity: a.position.abs().toString(),
      netQuantity: a.position.toString(),
      pnlRealized: a.realizedPnl.toString(),
      pnlUnrealized: unrealized.toString(),
      positionId: "1",
      subaccountId: null,
      symbol: this.symbol,
      userId: 1,
    }];
  }

  #account(): unknown {
    return {
      autoBorrowSettlements: true,
      autoLend: false,
      autoRealizePnl: true,
      autoRepayBorrows: true,
      borrowLimit: "0",
      futuresMakerFee: "2",
      futuresTakerFee: "5",
      leverageLimit: "10",
      limitOrders: 1000,
      liquidating: false,
      positionLimit: "1000000",
      spotMakerFee: "8",
      spotTakerFee: "10",
      triggerOrders: 100,
    };
  }

  #balances(): unknown {
    return { USDC: { available: "100000", locked: "0", staked: "0" } };
  }

  #collateral(): unknown {
    return {
      assetsValue: "100000",
      borrowLiability: "0",
      collateral: [],
      imf: "0",
      unsettledEquity: "0",
      liabilitiesValue: "0",
      marginFraction: null,
      mmf: "0",
      netEquity: "100000",
      netEquityAvailable: "100000",
      netEquityLocked: "0",
      netExposureFutures: "0",
      pnlUnrealized: "0",
    };
  }

  // ---------------------------------------------------------------- engine updates → stream

  #onUpdates(updates: readonly OrderSnapshot[]): void {
    for (const u of updates) {
      let w = this.#wire.get(u.orderId);
      if (w === undefined) w = this.#register(u);
      for (const event of this.#eventsFor(u, w)) {
        this.orderEvents.push(event);
        for (const out of this.faults.events.process(event)) this.#sendOrderEvent(out);
      }
    }
  }

  #register(u: OrderSnapshot): WireOrder {
    const pending = this.#pendingWire;
    const record = this.backend.record(u.orderId);
    const n = BigInt(u.orderId.replace(/^\D+/, ""));
    const w: WireOrder = {
      id: String(ORDER_ID_BASE + n),
      engineId: u.orderId,
      clientId: record?.clientId === undefined ? undefined : Number(record.clientId),
      orderType: pending?.orderType ?? (record?.market ? "Market" : "Limit"),
      timeInForce: pending?.timeInForce ?? "GTC",
      postOnly: record?.postOnly ?? false,
      reduceOnly: record?.reduceOnly ?? false,
      selfTradePrevention: pending?.stp ?? "RejectTaker",
      createdAt: record?.placedAt ?? this.clock.now(),
      quoteQuantity: pending?.quote,
    };
    this.#wire.set(u.orderId, w);
    this.#byVenueId.set(w.id, u.orderId);
    return w;
  }

  #eventsFor(u: OrderSnapshot, w: WireOrder): BackpackOrderEvent[] {
    const nowUs = this.clock.now() * 1000;
    const prev = this.#seen.get(u.orderId);
    const out: BackpackOrderEvent[] = [];
    const base = {
      E: nowUs,
      s: this.symbol,
      ...(w.clientId === undefined ? {} : { c: w.clientId }),
      S: u.side === "buy" ? "Bid" as const : "Ask" as const,
      o: w.orderType === "Limit" ? "LIMIT" as const : "MARKET" as const,
      f: w.timeInForce,
      q: u.quantity.toString(),
      ...(w.orderType === "Limit" ? { p: u.price.toString() } : {}),
      i: w.id,
      T: nowUs,
      O: "USER" as const,
      V: w.selfTradePrevention,
      y: w.postOnly,
      r: w.reduceOnly,
    };
    const seen: Seen = prev ?? { filled: ZERO, notional: ZERO, fee: ZERO, status: "OPEN" };
    if (prev === undefined) {
      out.push({ ...base, e: "orderAccepted", X: "New", z: "0", Z: "0", t: null });
    }
    const notional = (u.avgPrice ?? ZERO).mul(u.filled);
    if (u.filled.gt(seen.filled)) {
      const l = u.filled.minus(seen.filled);
      const price = notional.minus(seen.notional).div(l);
      const fee = (u.fee ?? ZERO).minus(seen.fee);
      const tradeId = this.#nextTradeId++;
      const isMaker = !this.#placing;
      this.fills.push({
        tradeId,
        orderId: w.id,
        clientId: w.clientId,
        side: base.S,
        price: price.toString(),
        quantity: l.toString(),
        fee: fee.toString(),
        isMaker,
        time: this.clock.now(),
      });
      out.push({
        ...base,
        e: "orderFill",
        X: u.status === "FILLED" ? "Filled" : "PartiallyFilled",
        z: u.filled.toString(),
        Z: notional.toString(),
        l: l.toString(),
        L: price.toString(),
        m: isMaker,
        n: fee.toString(),
        N: "USDC",
        t: tradeId,
      });
    }
    if (u.status === "CANCELED" && seen.status !== "CANCELED") {
      const expired = w.orderType === "Market" || w.timeInForce !== "GTC";
      out.push({
        ...base,
        e: expired ? "orderExpired" : "orderCancelled",
        X: expired ? "Expired" : "Cancelled",
        z: u.filled.toString(),
        Z: notional.toString(),
        t: null,
      });
    }
    this.#seen.set(u.orderId, { filled: u.filled, notional, fee: u.fee ?? ZERO, status: u.status });
    return out;
  }

  #sendOrderEvent(event: BackpackOrderEvent): void {
    for (const stream of ["account.orderUpdate", `account.orderUpdate.${this.symbol}`]) {
      this.server.broadcast({ stream, data: event }, (s) => subscriptions(s).has(stream));
    }
  }

  #onQuote(): void {
    const before = this.#book;
    this.#book = this.#levels();
    const firstUpdate = this.#updateId + 1;
    this.#updateId++;
    this.#sendTicker();
    // Depth diff: absolute quantities, "0" removes a level.
    const diff = (old: [string, string][], now: [string, string][]): [string, string][] => {
      const had = new Map(old);
      const has = new Map(now);
      const out: [string, string][] = [];
      for (const [p] of old) if (!has.has(p)) out.push([p, "0"]);
      for (const [p, q] of now) if (had.get(p) !== q) out.push([p, q]);
      return out;
    };
    const nowUs = this.clock.now() * 1000;
    const data = {
      e: "depth",
      E: nowUs,
      s: this.symbol,
      a: diff(before.asks, this.#book.asks),
      b: diff(before.bids, this.#book.bids),
      U: firstUpdate,
      u: this.#updateId,
      T: nowUs,
    };
    for (const stream of [`depth.${this.symbol}`, `depth.200ms.${this.symbol}`]) {
      this.server.broadcast({ stream, data }, (s) => subscriptions(s).has(stream));
    }
  }

  #tickerData(): unknown {
    const { bid, ask } = this.backend.quote();
    const size = this.backend.spec.stepSize.mul(100).toString();
    const nowUs = this.clock.now() * 1000;
    return {
      e: "bookTicker",
      E: nowUs,
      s: this.symbol,
      a: ask.toString(),
      A: size,
      b: bid.toString(),
      B: size,
      u: String(this.#updateId),
      T: nowUs,
    };
  }

  #sendTicker(only?: SocketSession): void {
    const stream = `bookTicker.${this.symbol}`;
    const message = { stream, data: this.#tickerData() };
    if (only !== undefined) only.send(message);
    else this.server.broadcast(message, (s) => subscriptions(s).has(stream));
  }

  async #runTicker(intervalMs: number): Promise<void> {
    try {
      while (!this.#stop.signal.aborted) {
        await this.clock.sleep(intervalMs, this.#stop.signal);
        this.#sendTicker();
      }
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    }
  }

  // ---------------------------------------------------------------- socket

  #onSocketMessage(session: SocketSession, data: string): void {
    const msg = safeJson(data) as { method?: unknown; params?: unknown; signature?: unknown; id?: unknown };
    const id = msg !== undefined && msg !== null && typeof msg === "object" && "id" in msg ? msg.id : null;
    const fail = (code: number, message: string) => session.send({ id, error: { code, message } });
    if (msg === undefined || msg === null || typeof msg !== "object") return void fail(4000, "Invalid JSON");
    if (msg.method !== "SUBSCRIBE" && msg.method !== "UNSUBSCRIBE") {
      return void fail(4001, `Invalid method "${String(msg.method)}"`);
    }
    const params = msg.params;
    if (!Array.isArray(params) || params.length === 0 || !params.every((p) => typeof p === "string")) {
      return void fail(4002, "params must be a non-empty array of stream names");
    }
    const subs = subscriptions(session);
    if (msg.method === "UNSUBSCRIBE") {
      for (const p of params as string[]) subs.delete(p);
      return;
    }
    const streams = params as string[];
    for (const stream of streams) {
      if (!this.#knownStream(stream)) return void fail(4005, `Invalid stream "${stream}"`);
    }
    if (streams.some((s) => s.startsWith("account."))) {
      const problem = this.#checkStreamSignature(msg.signature);
      if (problem !== undefined) return void fail(4006, problem);
      if (this.#refusePrivate > 0) {
        this.#refusePrivate--;
        return void fail(4006, "Signature has expired");
      }
    }
    for (const stream of streams) {
      subs.add(stream);
      this.subscriptions.push({ session: session.id, stream, time: this.clock.now() });
      if (stream === `bookTicker.${this.symbol}`) this.#sendTicker(session);
      if (stream.startsWith("account.positionUpdate")) this.#sendPositionSnapshot(session, stream);
    }
  }

  #knownStream(stream: string): boolean {
    const sym = this.symbol;
    return [
      `bookTicker.${sym}`,
      `depth.${sym}`,
      `depth.200ms.${sym}`,
      "account.orderUpdate",
      `account.orderUpdate.${sym}`,
      "account.positionUpdate",
      `account.positionUpdate.${sym}`,
    ].includes(stream);
  }

  #checkStreamSignature(signature: unknown): string | undefined {
    if (
      !Array.isArray(signature) || signature.length !== 4 || !signature.every((x) => typeof x === "string")
    ) {
      return "Private streams need signature: [apiKey, signature, timestamp, window]";
    }
    const [key, sig, timestamp, windowText] = signature as [string, string, string, string];
    if (key !== this.publicKey) return "Invalid API key";
    const ts = parseWhole(timestamp);
    const window = parseWhole(windowText);
    if (ts === undefined || window === undefined || window <= 0 || window > BACKPACK_MAX_WINDOW_MS) {
      return "Invalid timestamp or window";
    }
    if (Math.abs(this.clock.now() - ts) > window) return "Signature has expired";
    if (!verify(this.publicKey, `instruction=subscribe&timestamp=${timestamp}&window=${windowText}`, sig)) {
      return "Invalid signature";
    }
    return undefined;
  }

  #sendPositionSnapshot(session: SocketSession, stream: string): void {
    const a = this.backend.engine.account();
    session.send({
      stream,
      data: {
        B: a.avgEntry.toString(),
        E: this.clock.now() * 1000,
        q: a.position.toString(),
        s: this.symbol,
        T: this.clock.now() * 1000,
      },
    });
  }
}

// ---------------------------------------------------------------- helpers

function subscriptions(session: SocketSession): Set<string> {
  let subs = session.state.get("subs") as Set<string> | undefined;
  if (subs === undefined) {
    subs = new Set();
    session.state.set("subs", subs);
  }
  return subs;
}

function error(status: number, code: string, message: string): Response {
  return jsonResponse({ code, message }, status);
}

function errorForStatus(status: number): { code: string; message: string } {
  if (status === 429) return { code: "TOO_MANY_REQUESTS", message: "Too many requests" };
  if (status === 503) return { code: "MAINTENANCE", message: "Service unavailable" };
  if (status >= 500) return { code: "SERVER_ERROR", message: "Internal server error" };
  if (status === 404) return { code: "RESOURCE_NOT_FOUND", message: "Not found" };
  return { code: "INVALID_CLIENT_REQUEST", message: `HTTP ${status}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseWhole(text: string): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A JSON object's fields as signable values; anything else is a malformed request. */
function asParams(value: unknown): Params {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "INVALID_CLIENT_REQUEST", "Request body is not a JSON object");
  }
  const out: Params = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) {
      out[k] = v;
    } else {
      throw new ApiError(
        400,
        "INVALID_CLIENT_REQUEST",
        `Invalid value of parameter "${k}": ${JSON.stringify(v)}`,
      );
    }
  }
  return out;
}

/** `&k=v` for every key in byte order; booleans as true/false, numbers in decimal, strings raw. */
function sortedPairs(params: Params): string {
  const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `&${k}=${String(params[k])}`).join("");
}

function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function verify(publicKeyB64: string, message: string, signatureB64: string): boolean {
  const key = base64Bytes(publicKeyB64);
  const sig = base64Bytes(signatureB64);
  if (key?.length !== 32 || sig?.length !== 64) return false;
  try {
    return ed25519.verify(sig, new TextEncoder().encode(message), key);
  } catch {
    return false;
  }
}

function enumField<T extends string>(
  p: Params,
  name: string,
  allowed: readonly T[],
  required: boolean,
): T | undefined {
  const v = p[name];
  if (v === undefined) {
    if (required) throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Missing parameter ${name}`);
    return undefined;
  }
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid ${name} ${JSON.stringify(v)}`);
  }
  return v as T;
}

function boolField(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") {
    throw new ApiError(
      400,
      "INVALID_CLIENT_REQUEST",
      `Invalid ${name} ${JSON.stringify(v)}: expected a boolean`,
    );
  }
  return v;
}

function clientIdField(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
    throw new ApiError(
      400,
      "INVALID_CLIENT_REQUEST",
      `Invalid clientId ${JSON.stringify(v)}: expected a uint32`,
    );
  }
  return v;
}

function decimalField(name: string, v: unknown): Decimal {
  if (typeof v !== "string" || !DECIMAL_TEXT.test(v)) {
    throw new ApiError(
      400,
      "INVALID_CLIENT_REQUEST",
      `Invalid ${name} ${JSON.stringify(v)}: expected a decimal string`,
    );
  }
  const d = new Decimal(v);
  if (d.lte(0)) {
    throw new ApiError(400, name === "price" ? "INVALID_PRICE" : "INVALID_QUANTITY", `${name} must be > 0`);
  }
  return d;
}

function paging(p: Params): { limit: number; offset: number } {
  const limit = p.limit === undefined ? 100 : parseWhole(String(p.limit));
  const offset = p.offset === undefined ? 0 : parseWhole(String(p.offset));
  if (limit === undefined || limit < 1 || limit > 1000) {
    throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid limit "${p.limit}"`);
  }
  if (offset === undefined) throw new ApiError(400, "INVALID_CLIENT_REQUEST", `Invalid offset "${p.offset}"`);
  return { limit, offset };
}

function rejectMessage(reason: string): string {
  return reason.startsWith("reduce-only") ? "Reduce only order not reduced." : reason;
}

function wireStatus(status: OrderSnapshot["status"], w: WireOrder): string {
  switch (status) {
    case "OPEN":
      return "New";
    case "PARTIALLY_FILLED":
      return "PartiallyFilled";
    case "FILLED":
      return "Filled";
    case "CANCELED":
      return w.orderType === "Market" || w.timeInForce !== "GTC" ? "Expired" : "Cancelled";
    case "REJECTED":
      return "Expired";
  }
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}

/** The fault types a test needs next to the fake. */
export type { FaultRule, HttpFault, RequestMatch };
