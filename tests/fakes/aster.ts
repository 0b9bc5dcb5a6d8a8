/**
 * A loopback Aster futures venue: the REST API under `/fapi/v1/*` (+ `/fapi/v2/positionRisk`, HMAC keys) and
 * `/fapi/v3/*` (EIP-712 API wallet), the market and user-data WebSocket streams, over the paper engine.
 *
 * It checks what the venue checks:
 * - V1: the `X-MBX-APIKEY` header (`-2015`), `timestamp` and `signature` on TRADE and USER_DATA endpoints
 *   (`-1102`), `signature` = hex HMAC-SHA256(secret, queryString + body) over the bytes received (`-1022`),
 *   and `timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow` (`-1021`; `recvWindow` at most
 *   60000). Listen-key calls need the key header only.
 * - V3: `user`, `signer`, `nonce`, `signature` on every private call, listen keys included; the signer
 *   recovered from the EIP-712 `Message(string msg)` signature (domain `AsterSignTransaction`, version `1`,
 *   chain 1666 or 714, zero verifying contract), with `msg` the parameter string as received without the
 *   trailing `&signature=…`, must equal `signer` (`-1022`) and be the API wallet registered for `user`
 *   (`-2015`); the nonce (µs) must lie within 10 s of the server's time and not repeat among the last 100 of
 *   the user, nor be older than all of them once 100 are kept (`-4225 Nonce Expired`).
 * - Orders: mandatory parameters (`-1102`), symbol (`-1121`), enums (`-1117` side, `-1116` type, `-1115`
 *   time in force, `-1100` other values), plain decimals only (`-1100`) with no more decimals than the filter
 *   (`-1111`), tick (`-4014`) and step (`-4023`) multiples, minimum quantity (`-4003`), minimum notional
 *   (`-4164`, reduce-only exempt), client id syntax (`-4015`) and uniqueness among open orders (`-4116`),
 *   reduce-only that would grow the position or (for a limit order) exceed it (`-2022`), a price on a market
 *   order (`-1106`), a hedge-mode `positionSide` in one-way mode (`-4061`), `recvWindow` above 60000
 *   (`-1131`), a keepalive or close of a listen key that is not alive (`-1125`). A `GTX` (post-only) order
 *   that would cross does not rest: it answers 200 with status `EXPIRED` and streams one `EXPIRED` update.
 *
 * Errors are `{"code": -1121, "msg": "Invalid symbol."}`, HTTP 400, 401 for `-1022` and `-2015`. Every answer
 * carries `X-MBX-USED-WEIGHT-1M`.
 *
 * Choices where the documentation is silent, strict on purpose so an adapter cannot lean on them:
 * - `signature` must be the last parameter of everything sent (of the body when there is one). V1 signs
 *   `query + body` with nothing between (the documented mixed example); V3 joins a non-empty query and body
 *   with `&`. A V3 `signature` is accepted with or without `0x`.
 * - V3 `timestamp` is optional; when sent it is checked against `recvWindow` like V1. A nonce more than 10 s
 *   from the server's time is `-1021` (outside the window), a reused or too old one `-4225`.
 * - Decimals are counted on the value (`"0.010"` has two), so trailing zeros are harmless.
 * - `ACK` (the default) answers a placement with status `NEW` and nothing executed, whatever happened since;
 *   only `RESULT` shows the order after matching. A crossing `GTX` answers `EXPIRED` in both.
 * - `GET /order` by `orderId` or `origClientOrderId` knows finished orders too; `DELETE /order` knows open
 *   orders only (`-2011` otherwise). A client id may be reused once its order is finished.
 * - Market streams are raw (`/ws/<symbol>@bookTicker`), no combined `/stream`; live SUBSCRIBE is accepted on
 *   `/ws`. The book ticker is sent on every change of the quote and, when configured, periodically; nothing
 *   is sent on connect. A socket on an unknown stream or listen key is closed at once (code 1008).
 * - One listen key per account, shared by both signing modes; after it expires its sockets get
 *   `listenKeyExpired` and no more events, and `POST` makes a new key.
 * - `PERCENT_PRICE` and the rate limits of `exchangeInfo` are reported, not enforced (faults do that).
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { getAddress, verifyTypedData } from "ethers";
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

/** The V1 (HMAC) test credentials: the key and secret of the venue's signing example. */
export const ASTER_TEST_V1 = {
  apiKey: "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
  secretKey: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
} as const;

/** The V3 (EIP-712) test account: the documentation's demo API wallet, registered for a fixed user. */
export const ASTER_TEST_V3 = {
  user: "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
  signer: "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0",
  signerPrivateKey: "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1",
} as const;

/** EIP-712 chain id of the V3 signatures on mainnet. */
export const ASTER_MAINNET_CHAIN_ID = 1666;
/** EIP-712 chain id of the V3 signatures on testnet. */
export const ASTER_TESTNET_CHAIN_ID = 714;
/** `recvWindow` assumed when absent, ms. */
export const ASTER_DEFAULT_RECV_WINDOW_MS = 5000;
/** Largest `recvWindow` accepted, ms. */
export const ASTER_MAX_RECV_WINDOW_MS = 60_000;
/** How far a V3 nonce may be from the server's time, µs. */
export const ASTER_NONCE_WINDOW_US = 10_000_000;
/** V3 nonces kept per user. */
export const ASTER_NONCES_KEPT = 100;
/** Life of a listen key without keepalive, ms. */
export const ASTER_LISTEN_KEY_TTL_MS = 60 * 60 * 1000;

/** The EIP-712 domain of V3 signatures for `chainId`. */
export function asterDomain(chainId: number): {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: string;
} {
  return {
    name: "AsterSignTransaction",
    version: "1",
    chainId,
    verifyingContract: "0x0000000000000000000000000000000000000000",
  };
}

/** The EIP-712 types of V3 signatures. */
export const ASTER_TYPES = { Message: [{ name: "msg", type: "string" }] };

/** Signing mode of a request: V1 HMAC or V3 EIP-712. */
export type AsterMode = "v1" | "v3";

/** Aster order status. */
export type AsterStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED" | "REJECTED";

/** Execution type of an `ORDER_TRADE_UPDATE`. */
export type AsterExecutionType = "NEW" | "TRADE" | "CANCELED" | "EXPIRED";

/** The `o` object of an `ORDER_TRADE_UPDATE`. */
export interface AsterOrderUpdate {
  readonly s: string;
  readonly c: string;
  readonly S: "BUY" | "SELL";
  readonly o: "LIMIT" | "MARKET";
  readonly f: "GTC" | "IOC" | "FOK" | "GTX";
  readonly q: string;
  readonly p: string;
  readonly ap: string;
  readonly sp: string;
  readonly x: AsterExecutionType;
  readonly X: AsterStatus;
  readonly i: number;
  readonly l: string;
  readonly z: string;
  readonly L: string;
  readonly n: string;
  readonly N: string;
  readonly T: number;
  readonly t: number;
  readonly b: string;
  readonly a: string;
  readonly m: boolean;
  readonly R: boolean;
  readonly wt: string;
  readonly ot: string;
  readonly ps: "BOTH";
  readonly cp: boolean;
  readonly rp: string;
}

/** One `ORDER_TRADE_UPDATE` user-data event. */
export interface AsterOrderEvent {
  readonly e: "ORDER_TRADE_UPDATE";
  readonly E: number;
  readonly T: number;
  readonly o: AsterOrderUpdate;
}

/** How to start an {@link AsterFake}. */
export interface AsterFakeOptions {
  /** Ticker of the market traded (`SOL` → `SOLUSDT`); default `SOL`. */
  readonly ticker?: string;
  /**
   * Filters of that market, sent verbatim in `exchangeInfo` (so `"0.01000000"` or `"10"` work); defaults:
   * tick `"0.0100"`, step `"0.01"`, minimum quantity `"0.01"`, minimum notional `"5"`.
   */
  readonly tickSize?: string;
  readonly stepSize?: string;
  readonly minQuantity?: string;
  readonly minNotional?: string;
  /** `PRICE_FILTER.minPrice` (default: the tick) and `maxPrice` (default `"1000000"`). */
  readonly minPrice?: string;
  readonly maxPrice?: string;
  /** Starting quote; default 150 and one tick above (rounded to the tick). */
  readonly bid?: string;
  readonly ask?: string;
  /** Time of the windows, nonces, listen keys, logs and streams; default the real clock. */
  readonly clock?: Clock;
  /** The V1 key and secret accepted; default {@link ASTER_TEST_V1}. */
  readonly apiKey?: string;
  readonly secretKey?: string;
  /** The V3 user and its registered API wallet; default {@link ASTER_TEST_V3}. */
  readonly user?: string;
  readonly signer?: string;
  /** EIP-712 chain id; default {@link ASTER_MAINNET_CHAIN_ID}. */
  readonly chainId?: number;
  /** Life of a listen key without keepalive, ms; default {@link ASTER_LISTEN_KEY_TTL_MS}. */
  readonly listenKeyTtlMs?: number;
  /** Resend the book ticker this often, ms, like a live market; 0 (default) = only on change. */
  readonly tickerIntervalMs?: number;
  /** Move the market on its own every this many ms (random walk); default off. */
  readonly marketStepMs?: number;
  /** Seed of the random walk. */
  readonly seed?: number;
}

/** A parameter sent twice in the query, or twice in the body: the venue refuses the request. */
function duplicateParam(): Error {
  return new ApiError(-1101, "Duplicate values for a parameter detected.");
}

/** One order as the fake holds it, for tests. */
export interface AsterOrderView {
  /** The venue's order id, as text. */
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly side: "BUY" | "SELL";
  readonly type: "LIMIT" | "MARKET";
  readonly timeInForce: "GTC" | "IOC" | "FOK" | "GTX";
  /** Limit price; 0 for a market order. */
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly reduceOnly: boolean;
  readonly status: AsterStatus;
  readonly filled: Decimal;
  /** False for a post-only order that expired instead of crossing: it never reached the book. */
  readonly rested: boolean;
  /** The signing mode it was placed with. */
  readonly mode: AsterMode;
}

interface WireOrder {
  readonly orderId: number;
  readonly engineId: string | undefined;
  readonly clientOrderId: string;
  readonly side: "BUY" | "SELL";
  readonly type: "LIMIT" | "MARKET";
  readonly timeInForce: "GTC" | "IOC" | "FOK" | "GTX";
  readonly price: Decimal;
  readonly origQty: Decimal;
  readonly reduceOnly: boolean;
  readonly time: number;
  readonly mode: AsterMode;
  updateTime: number;
}

interface Seen {
  filled: Decimal;
  notional: Decimal;
  fee: Decimal;
  status: OrderSnapshot["status"];
}

interface ListenKey {
  readonly key: string;
  expiresAt: number;
  alive: boolean;
}

type Params = Map<string, string>;

/** What a placement knows of its order before the engine has it. */
type PendingOrder = Omit<WireOrder, "orderId" | "engineId" | "time" | "updateTime">;

/** The filter texts of one symbol, as `exchangeInfo` sends them. */
interface FilterTexts {
  readonly tick: string;
  readonly step: string;
  readonly minQty: string;
  readonly minNotional: string;
  readonly minPrice: string;
}

class ApiError extends Error {
  constructor(readonly code: number, message: string, readonly status = 400) {
    super(message);
  }
}

const ORDER_ID_BASE = 8_389_765_000;
const DECIMAL_TEXT = /^\d+(\.\d+)?$/;
const CLIENT_ID = /^[\.A-Z\:/a-z0-9_-]{1,36}$/;
const ORDER_TYPES = [
  "LIMIT",
  "MARKET",
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
];
const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];

const ERR = {
  badSignature: () => new ApiError(-1022, "Signature for this request is not valid.", 401),
  badKey: () => new ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401),
  missing: (name: string) =>
    new ApiError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  illegal: (name: string, range: string) =>
    new ApiError(-1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`),
  outsideWindow: () => new ApiError(-1021, "Timestamp for this request is outside of the recvWindow."),
  unknownOrder: () => new ApiError(-2011, "Unknown order sent."),
  noSuchOrder: () => new ApiError(-2013, "Order does not exist."),
  noListenKey: () => new ApiError(-1125, "This listenKey does not exist."),
};

/** A loopback Aster futures venue for one market and one account. */
export class AsterFake {
  /** The HTTP + WebSocket server: request and socket logs, sockets. */
  readonly server: LoopbackServer;
  /** The paper engine behind the venue. */
  readonly backend: PaperBackend;
  /** The fault plan; `ORDER_TRADE_UPDATE` events pass through `faults.events`. */
  readonly faults: FaultPlan<AsterOrderEvent>;
  /** The symbol (`SOLUSDT`). */
  readonly symbol: string;
  /** The ticker (`SOL`). */
  readonly ticker: string;
  /** Time of the windows, the logs and the streams. */
  readonly clock: Clock;
  /** The V1 key and secret accepted. */
  readonly apiKey: string;
  readonly secretKey: string;
  /** The V3 user and its API wallet. */
  readonly user: string;
  readonly signer: string;
  /** EIP-712 chain id of V3 signatures. */
  readonly chainId: number;
  /** Every `ORDER_TRADE_UPDATE` produced, before faults were applied. */
  readonly orderEvents: AsterOrderEvent[] = [];
  /** Every error answer of a handler (faults excluded): the request's `seq`, path, code and message. */
  readonly errors: { seq: number; method: string; path: string; code: number; msg: string }[] = [];
  /** Every listen key handed out, oldest first. */
  readonly listenKeys: string[] = [];
  readonly #options: AsterFakeOptions;
  readonly #texts: FilterTexts;
  readonly #pricePrecision: number;
  readonly #qtyPrecision: number;
  readonly #minPrice: Decimal;
  readonly #maxPrice: Decimal;
  readonly #minNotional: Decimal;
  readonly #wire = new Map<number, WireOrder>();
  readonly #byEngineId = new Map<string, number>();
  readonly #seen = new Map<string, Seen>();
  readonly #nonces = new Map<string, number[]>();
  #nextOrderId = 1;
  #nextTradeId = 1;
  #updateId = 1;
  #placing = false;
  #pending: PendingOrder | undefined;
  #listenKey: ListenKey | undefined;
  readonly #stop = new AbortController();
  readonly #loops: Promise<void>[] = [];

  private constructor(server: LoopbackServer, options: AsterFakeOptions, faults: FaultPlan<AsterOrderEvent>) {
    this.server = server;
    this.faults = faults;
    this.#options = options;
    this.clock = server.clock;
    this.ticker = (options.ticker ?? "SOL").toUpperCase();
    this.symbol = `${this.ticker}USDT`;
    this.apiKey = options.apiKey ?? ASTER_TEST_V1.apiKey;
    this.secretKey = options.secretKey ?? ASTER_TEST_V1.secretKey;
    this.user = getAddress(options.user ?? ASTER_TEST_V3.user);
    this.signer = getAddress(options.signer ?? ASTER_TEST_V3.signer);
    this.chainId = options.chainId ?? ASTER_MAINNET_CHAIN_ID;
    const tickText = options.tickSize ?? "0.0100";
    const stepText = options.stepSize ?? "0.01";
    this.#texts = {
      tick: tickText,
      step: stepText,
      minQty: options.minQuantity ?? stepText,
      minNotional: options.minNotional ?? "5",
      minPrice: options.minPrice ?? tickText,
    };
    const tick = new Decimal(tickText);
    const step = new Decimal(stepText);
    this.#pricePrecision = tick.decimalPlaces();
    this.#qtyPrecision = step.decimalPlaces();
    this.#minPrice = new Decimal(this.#texts.minPrice);
    this.#maxPrice = new Decimal(options.maxPrice ?? "1000000");
    this.#minNotional = new Decimal(this.#texts.minNotional);
    const spec: PaperMarketSpec = {
      ticker: this.ticker,
      symbol: this.symbol,
      tickSize: tick,
      stepSize: step,
      minQuantity: new Decimal(this.#texts.minQty),
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
    this.backend.onUpdates((updates) => this.#onUpdates(updates));
    this.backend.onQuote(() => this.#onQuote());
  }

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(options: AsterFakeOptions = {}): Promise<AsterFake> {
    const faults = new FaultPlan<AsterOrderEvent>();
    const ref: { fake?: AsterFake } = {};
    const server = await LoopbackServer.start({
      name: "aster",
      clock: options.clock ?? new RealClock(),
      faults: faults as FaultPlan<unknown>,
      errorBody: (status) => JSON.stringify(errorForStatus(status)),
      notFound: (req) =>
        jsonResponse({ code: -5000, msg: `Path ${req.path}, Method ${req.method} is invalid` }, 404),
      responseHeaders: (record) => (ref.fake === undefined ? {} : ref.fake.#weightHeaders(record)),
    });
    const fake = new AsterFake(server, options, faults);
    ref.fake = fake;
    fake.#routes();
    fake.#loops.push(fake.#runListenKeyExpiry());
    if ((options.tickerIntervalMs ?? 0) > 0) fake.#loops.push(fake.#runTicker(options.tickerIntervalMs!));
    if (options.marketStepMs !== undefined) fake.backend.startMarket(options.marketStepMs);
    return fake;
  }

  /** `http://127.0.0.1:<port>`, for `ASTER_BASE_URL`. */
  get baseUrl(): string {
    return this.server.httpUrl;
  }

  /** `ws://127.0.0.1:<port>`, for `ASTER_WS_URL`. */
  get wsUrl(): string {
    return this.server.wsUrl;
  }

  /** The environment an adapter needs to talk to this fake in `mode` with the test credentials. */
  env(mode: AsterMode): Record<string, string> {
    const common = { ASTER_BASE_URL: this.baseUrl, ASTER_WS_URL: this.wsUrl };
    if (mode === "v1") {
      return { ...common, ASTER_API_KEY: this.apiKey, ASTER_SECRET_KEY: this.secretKey };
    }
    return {
      ...common,
      ASTER_USER: this.user,
      ASTER_SIGNER: this.signer,
      ASTER_SIGNER_PRIVATE_KEY: ASTER_TEST_V3.signerPrivateKey,
    };
  }

  /** Every HTTP request received. */
  get requests(): readonly RequestRecord[] {
    return this.server.requests;
  }

  /** The account's current listen key, if one is alive. */
  get listenKey(): string | undefined {
    const k = this.#listenKey;
    return k?.alive ? k.key : undefined;
  }

  /** Moves the market; resting orders it reaches fill. */
  setQuote(bid: Decimal | string, ask: Decimal | string): void {
    this.backend.setQuote(new Decimal(bid), new Decimal(ask));
  }

  /** Fills `quantity` (default: all that is left) of the resting order with venue id `orderId`. */
  forceFill(orderId: string | number, quantity?: Decimal | string): void {
    const w = this.#wire.get(Number(orderId));
    const o = w?.engineId === undefined ? undefined : this.backend.order(w.engineId);
    if (w?.engineId === undefined || o === undefined) {
      throw new RangeError(`Aster fake: no resting order "${orderId}" to fill`);
    }
    this.backend.forceFill(
      w.engineId,
      quantity === undefined ? o.quantity.minus(o.filled) : new Decimal(quantity),
    );
  }

  /** Every order placed, oldest first, post-only orders that expired instead of crossing included. */
  orders(): AsterOrderView[] {
    return [...this.#wire.values()].map((w) => {
      const st = this.#state(w);
      return {
        orderId: String(w.orderId),
        clientOrderId: w.clientOrderId,
        side: w.side,
        type: w.type,
        timeInForce: w.timeInForce,
        price: w.price,
        quantity: w.origQty,
        reduceOnly: w.reduceOnly,
        status: st.status,
        filled: st.filled,
        rested: w.engineId !== undefined,
        mode: w.mode,
      };
    });
  }

  /** Orders that carried `clientOrderId` and reached the book (in any state since). */
  ordersWithClientId(clientOrderId: string): AsterOrderView[] {
    return this.orders().filter((o) => o.clientOrderId === clientOrderId && o.rested);
  }

  /** Working orders. */
  openOrders(): AsterOrderView[] {
    return this.orders().filter((o) => o.status === "NEW" || o.status === "PARTIALLY_FILLED");
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

  /** Open sessions on the user-data stream (any listen key, alive or not). */
  userSessions(): SocketSession[] {
    return this.server.sessions().filter((s) => s.state.has("listenKey"));
  }

  /** Open sessions receiving the book ticker. */
  tickerSessions(): SocketSession[] {
    return this.server.sessions().filter((s) => streams(s).size > 0);
  }

  /** Expires the listen key now: its sockets get `listenKeyExpired` and no more order events. */
  expireListenKey(): boolean {
    const k = this.#listenKey;
    if (k === undefined || !k.alive) return false;
    this.#expire(k);
    return true;
  }

  /**
   * The next order placement is applied, and its answer never arrives. With `unreachableMs`, every request
   * after it goes unanswered too until that much time has passed (an outage outlasting a client's retries).
   */
  loseNextPlacementAnswer(unreachableMs = 0): FaultRule<HttpFault> {
    return this.server.loseNextAnswer({ method: "POST", path: /^\/fapi\/v[13]\/order$/ }, unreachableMs);
  }

  /**
   * The next order placement is answered 503 at once and executed anyway `applyAfterMs` later: the venue
   * said nothing about what happened to it.
   */
  executeNextPlacementLate(applyAfterMs: number): FaultRule<HttpFault> {
    return this.faults.lateExecution({ method: "POST", path: /^\/fapi\/v[13]\/order$/ }, applyAfterMs);
  }

  /** The next cancel finds its order filled by `quantity` (default: all of it) just before it is handled. */
  fillDuringNextCancel(quantity?: Decimal | string): FaultRule<HttpFault> {
    return this.faults.before({ method: "DELETE", path: /^\/fapi\/v[13]\/order$/ }, (req) => {
      const p = new Map(Object.entries(req.query));
      new URLSearchParams(req.body).forEach((v, k) => {
        if (!p.has(k)) p.set(k, v);
      });
      const w = this.#findOpen(p.get("orderId"), p.get("origClientOrderId"));
      if (w?.engineId !== undefined) this.backend.fillUpTo(w.engineId, quantity);
    });
  }

  /** Answers the next `times` requests matching `match` with 429, `Retry-After: <seconds>` and `-1003`. */
  rateLimit(match: RequestMatch, retryAfterSeconds: number, times = 1): FaultRule<HttpFault> {
    return this.faults.rateLimit(match, retryAfterSeconds, times);
  }

  /**
   * Bans the IP for `seconds`: every request matching `match` (default: all) is answered 418 with
   * `Retry-After: <seconds>` and `-1003 … banned until …` until the ban ends.
   */
  ban(seconds: number, match: RequestMatch = {}): FaultRule<HttpFault> {
    const until = this.clock.now() + seconds * 1000;
    const body = JSON.stringify({
      code: -1003,
      msg:
        `Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`,
    });
    const rule = this.faults.http(
      match,
      { kind: "status", status: 418, retryAfter: String(seconds), body },
      Infinity,
    );
    void this.server.pause(seconds * 1000).then(() => rule.cancel());
    return rule;
  }

  /** Stops the fake and releases every resource. */
  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#loops);
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
    const pub = (fn: (p: Params) => unknown) => (req: FakeRequest) =>
      this.#answer(req, () => fn(this.#params(req)));
    const priv = (mode: AsterMode, fn: (p: Params, mode: AsterMode) => unknown) => (req: FakeRequest) =>
      this.#answer(req, () => fn(mode === "v1" ? this.#authV1(req, true) : this.#authV3(req), mode));
    for (const mode of ["v1", "v3"] as const) {
      const base = `/fapi/${mode}`;
      s.route("GET", `${base}/ping`, pub(() => ({})));
      s.route("GET", `${base}/time`, pub(() => ({ serverTime: this.clock.now() })));
      s.route("GET", `${base}/exchangeInfo`, pub(() => this.#exchangeInfo()));
      s.route("GET", `${base}/ticker/bookTicker`, pub((p) => this.#bookTickerRest(p)));
      s.route("GET", `${base}/depth`, pub((p) => this.#depthRest(p)));
      s.route("POST", `${base}/order`, priv(mode, (p, m) => this.#place(p, m)));
      s.route("GET", `${base}/order`, priv(mode, (p) => this.#queryOrder(p, false)));
      s.route("GET", `${base}/openOrder`, priv(mode, (p) => this.#queryOrder(p, true)));
      s.route("DELETE", `${base}/order`, priv(mode, (p) => this.#cancel(p)));
      s.route("GET", `${base}/openOrders`, priv(mode, (p) => this.#openOrdersRest(p)));
      s.route("DELETE", `${base}/allOpenOrders`, priv(mode, (p) => this.#cancelAll(p)));
      const accountBase = mode === "v1" ? "/fapi/v2" : base;
      s.route("GET", `${accountBase}/positionRisk`, priv(mode, (p) => this.#positionRisk(p)));
      s.route("GET", `${accountBase}/balance`, priv(mode, () => this.#balance()));
      const listen = (fn: () => unknown) => (req: FakeRequest) =>
        this.#answer(req, () => {
          if (mode === "v1") this.#authV1(req, false);
          else this.#authV3(req);
          return fn();
        });
      s.route("POST", `${base}/listenKey`, listen(() => this.#newListenKey()));
      s.route("PUT", `${base}/listenKey`, listen(() => this.#keepAlive()));
      s.route("DELETE", `${base}/listenKey`, listen(() => this.#closeListenKey()));
    }
    s.websocket({ prefix: "/ws" }, {
      onOpen: (session) => this.#onSocketOpen(session),
      onMessage: (session, data) => this.#onSocketMessage(session, data),
    });
  }

  async #answer(req: FakeRequest, fn: () => unknown): Promise<Response> {
    try {
      const out = await fn();
      return out instanceof Response ? out : jsonResponse(out);
    } catch (e) {
      if (e instanceof ApiError) {
        this.errors.push({
          seq: req.record.seq,
          method: req.method,
          path: req.path,
          code: e.code,
          msg: e.message,
        });
        return jsonResponse({ code: e.code, msg: e.message }, e.status);
      }
      throw e;
    }
  }

  #weightHeaders(record: RequestRecord): Record<string, string> {
    const since = record.time - 60_000;
    let used = 0;
    let orders = 0;
    for (let i = this.server.requests.length - 1; i >= 0; i--) {
      const r = this.server.requests[i]!;
      if (r.time <= since) break;
      used += weightOf(r);
      if (r.method === "POST" && /\/order$/.test(r.path)) orders++;
    }
    const out: Record<string, string> = { "X-MBX-USED-WEIGHT-1M": String(used) };
    if (record.method === "POST" && /\/order$/.test(record.path)) {
      out["X-MBX-ORDER-COUNT-1M"] = String(orders);
    }
    return out;
  }

  // ---------------------------------------------------------------- authentication

  /** Parameters of the body (form) and the query; a key in both takes the query's value. */
  #params(req: FakeRequest): Params {
    const out: Params = new Map();
    if (req.body !== "") {
      const type = req.rawHeaders.get("content-type") ?? "";
      if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        throw new ApiError(-1104, `A request body must be application/x-www-form-urlencoded, got "${type}".`);
      }
      const body = new URLSearchParams(req.body);
      body.forEach((v, k) => {
        if (body.getAll(k).length > 1) throw duplicateParam();
        out.set(k, v);
      });
    }
    req.searchParams.forEach((v, k) => {
      if (req.searchParams.getAll(k).length > 1) throw duplicateParam();
      out.set(k, v);
    });
    return out;
  }

  /** V1: the key header, then (when `signed`) the HMAC signature and the timestamp window. */
  #authV1(req: FakeRequest, signed: boolean): Params {
    const key = req.rawHeaders.get("x-mbx-apikey");
    if (key === null || key !== this.apiKey) throw ERR.badKey();
    const p = this.#params(req);
    if (!signed) return p;
    if (!p.has("timestamp")) throw ERR.missing("timestamp");
    if (!p.has("signature")) throw ERR.missing("signature");
    const { payload, signature } = signedPayload(req, "");
    const want = bytesToHex(hmac(sha256, utf8(this.secretKey), utf8(payload)));
    if (signature.toLowerCase() !== want) throw ERR.badSignature();
    this.#checkTimestamp(p);
    return p;
  }

  #checkTimestamp(p: Params): void {
    const ts = whole(p.get("timestamp")!);
    if (ts === undefined) throw ERR.illegal("timestamp", "^[0-9]{1,20}$");
    let window = ASTER_DEFAULT_RECV_WINDOW_MS;
    const rw = p.get("recvWindow");
    if (rw !== undefined) {
      const n = whole(rw);
      if (n === undefined) throw ERR.illegal("recvWindow", "^[0-9]{1,20}$");
      if (n > ASTER_MAX_RECV_WINDOW_MS) throw new ApiError(-1131, "recvWindow must be less than 60000");
      window = n;
    }
    const now = this.clock.now();
    if (!(ts < now + 1000 && now - ts <= window)) throw ERR.outsideWindow();
  }

  /** V3: the EIP-712 signature of the received string, the registered API wallet, the nonce. */
  #authV3(req: FakeRequest): Params {
    const p = this.#params(req);
    for (const name of ["user", "signer", "nonce", "signature"]) if (!p.has(name)) throw ERR.missing(name);
    const { payload, signature } = signedPayload(req, "&");
    const sig = signature.startsWith("0x") ? signature : `0x${signature}`;
    let recovered: string;
    try {
      recovered = verifyTypedData(asterDomain(this.chainId), ASTER_TYPES, { msg: payload }, sig);
    } catch {
      throw ERR.badSignature();
    }
    const signer = p.get("signer")!;
    if (recovered.toLowerCase() !== signer.toLowerCase()) throw ERR.badSignature();
    if (p.get("user")!.toLowerCase() !== this.user.toLowerCase() || recovered !== this.signer) {
      throw ERR.badKey();
    }
    if (p.has("timestamp")) this.#checkTimestamp(p);
    const nonce = whole(p.get("nonce")!);
    if (nonce === undefined) throw ERR.illegal("nonce", "^[0-9]{1,20}$");
    if (Math.abs(this.clock.now() * 1000 - nonce) > ASTER_NONCE_WINDOW_US) throw ERR.outsideWindow();
    const key = this.user.toLowerCase();
    const kept = this.#nonces.get(key) ?? [];
    if (kept.includes(nonce) || (kept.length >= ASTER_NONCES_KEPT && nonce < kept[0]!)) {
      throw new ApiError(-4225, "Nonce Expired");
    }
    kept.push(nonce);
    kept.sort((a, b) => a - b);
    while (kept.length > ASTER_NONCES_KEPT) kept.shift();
    this.#nonces.set(key, kept);
    return p;
  }

  // ---------------------------------------------------------------- public market data

  #symbolJson(symbol: string, base: string, quote: string, t: FilterTexts) {
    const tick = new Decimal(t.tick);
    const step = new Decimal(t.step);
    return {
      symbol,
      pair: symbol,
      contractType: "PERPETUAL",
      deliveryDate: 4133404800000,
      onboardDate: 1_700_000_000_000,
      status: "TRADING",
      maintMarginPercent: "2.5000",
      requiredMarginPercent: "5.0000",
      baseAsset: base,
      quoteAsset: quote,
      marginAsset: quote,
      pricePrecision: tick.decimalPlaces(),
      quantityPrecision: step.decimalPlaces(),
      baseAssetPrecision: 8,
      quotePrecision: 8,
      underlyingType: "COIN",
      underlyingSubType: [],
      settlePlan: 0,
      triggerProtect: "0.0500",
      liquidationFee: "0.010000",
      marketTakeBound: "0.05",
      filters: [
        { filterType: "PRICE_FILTER", minPrice: t.minPrice, maxPrice: "1000000", tickSize: t.tick },
        { filterType: "LOT_SIZE", stepSize: t.step, maxQty: "1000000", minQty: t.minQty },
        { filterType: "MARKET_LOT_SIZE", stepSize: t.step, maxQty: "100000", minQty: t.minQty },
        { filterType: "MAX_NUM_ORDERS", limit: 200 },
        { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
        { filterType: "MIN_NOTIONAL", notional: t.minNotional },
        {
          filterType: "PERCENT_PRICE",
          multiplierUp: "1.0500",
          multiplierDown: "0.9500",
          multiplierDecimal: 4,
        },
      ],
      orderTypes: ORDER_TYPES,
      timeInForce: ["GTC", "IOC", "FOK", "GTX", "HIDDEN"],
    };
  }

  #exchangeInfo(): unknown {
    const other = this.ticker === "BTC" ? "ETH" : "BTC";
    return {
      timezone: "UTC",
      serverTime: this.clock.now(),
      futuresType: "U_MARGINED",
      rateLimits: [
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400 },
        { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
        { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [{ asset: "USDT", marginAvailable: true, autoAssetExchange: "-10000" }],
      // Same base asset, other quote, other filters first: an adapter must pick `<TICKER>USDT`.
      symbols: [
        this.#symbolJson(`${this.ticker}USDC`, this.ticker, "USDC", {
          tick: "0.00100000",
          step: "0.001",
          minQty: "0.001",
          minNotional: "5",
          minPrice: "0.00100000",
        }),
        this.#symbolJson(`${other}USDT`, other, "USDT", {
          tick: "0.10",
          step: "0.001",
          minQty: "0.001",
          minNotional: "5",
          minPrice: "0.10",
        }),
        this.#symbolJson(this.symbol, this.ticker, "USDT", this.#texts),
      ],
    };
  }

  #requireSymbol(p: Params): void {
    const symbol = p.get("symbol");
    if (symbol === undefined) throw ERR.missing("symbol");
    if (symbol !== this.symbol) throw new ApiError(-1121, "Invalid symbol.");
  }

  #bookTickerJson(): Record<string, unknown> {
    const { bid, ask } = this.backend.quote();
    const size = this.#qty(this.backend.spec.stepSize.mul(100));
    return {
      symbol: this.symbol,
      bidPrice: this.#px(bid),
      bidQty: size,
      askPrice: this.#px(ask),
      askQty: size,
      time: this.clock.now(),
    };
  }

  #bookTickerRest(p: Params): unknown {
    if (!p.has("symbol")) return [this.#bookTickerJson()];
    this.#requireSymbol(p);
    return this.#bookTickerJson();
  }

  #depthRest(p: Params): unknown {
    this.#requireSymbol(p);
    let limit = 500;
    const text = p.get("limit");
    if (text !== undefined) {
      const n = whole(text);
      if (n === undefined || !DEPTH_LIMITS.includes(n)) throw ERR.illegal("limit", DEPTH_LIMITS.join(", "));
      limit = n;
    }
    const { bid, ask } = this.backend.quote();
    const { tickSize, stepSize } = this.backend.spec;
    const bids: [string, string][] = [];
    const asks: [string, string][] = [];
    for (let i = 0; i < Math.min(limit, 20); i++) {
      const size = this.#qty(stepSize.mul(100 + 10 * i));
      const b = bid.minus(tickSize.mul(i));
      if (b.gt(0)) bids.push([this.#px(b), size]);
      asks.push([this.#px(ask.plus(tickSize.mul(i))), size]);
    }
    const now = this.clock.now();
    return { lastUpdateId: this.#updateId, E: now, T: now, bids, asks };
  }

  // ---------------------------------------------------------------- orders

  #place(p: Params, mode: AsterMode): unknown {
    this.#requireSymbol(p);
    const side = enumParam(p, "side", ["BUY", "SELL"] as const, () => new ApiError(-1117, "Invalid side."));
    const typeText = p.get("type");
    if (typeText === undefined) throw ERR.missing("type");
    if (!ORDER_TYPES.includes(typeText)) throw new ApiError(-1116, "Invalid orderType.");
    if (typeText !== "LIMIT" && typeText !== "MARKET") {
      throw new ApiError(-1116, `Order type ${typeText} is not offered by this fake.`);
    }
    const type = typeText as "LIMIT" | "MARKET";
    const positionSide = p.get("positionSide");
    if (positionSide !== undefined) {
      if (!["BOTH", "LONG", "SHORT"].includes(positionSide)) {
        throw ERR.illegal("positionSide", "BOTH, LONG, SHORT");
      }
      if (positionSide !== "BOTH") {
        throw new ApiError(-4061, "Order's position side does not match user's setting.");
      }
    }
    const reduceOnly = boolParam(p, "reduceOnly") ?? false;
    const respType = p.get("newOrderRespType") ?? "ACK";
    if (respType !== "ACK" && respType !== "RESULT") throw ERR.illegal("newOrderRespType", "ACK, RESULT");
    const cid = p.get("newClientOrderId");
    if (cid !== undefined && !CLIENT_ID.test(cid)) throw new ApiError(-4015, "Client order id is not valid.");

    let timeInForce: WireOrder["timeInForce"] = "GTC";
    const tifText = p.get("timeInForce");
    if (type === "LIMIT" && tifText === undefined) throw ERR.missing("timeInForce");
    if (tifText !== undefined) {
      if (type === "MARKET") throw new ApiError(-1106, "Parameter 'timeInForce' sent when not required.");
      if (!["GTC", "IOC", "FOK", "GTX", "HIDDEN"].includes(tifText)) {
        throw new ApiError(-1115, "Invalid timeInForce.");
      }
      // Hidden orders rest like GTC here: the fake has no visible book of its own to hide them from.
      timeInForce = tifText === "HIDDEN" ? "GTC" : tifText as WireOrder["timeInForce"];
    }
    if (!p.has("quantity")) throw ERR.missing("quantity");
    const quantity = this.#quantityParam(p.get("quantity")!);
    let price = ZERO;
    if (type === "LIMIT") {
      if (!p.has("price")) throw ERR.missing("price");
      price = this.#priceParam(p.get("price")!);
    } else if (p.has("price")) {
      throw new ApiError(-1106, "Parameter 'price' sent when not required.");
    }
    if (cid !== undefined && this.#findOpen(undefined, cid) !== undefined) {
      throw new ApiError(-4116, "ClientOrderId is duplicated.");
    }
    const ourSide: Side = side === "BUY" ? "buy" : "sell";
    const position = this.backend.position();
    if (reduceOnly) {
      const reduces = ourSide === "buy" ? position.lt(0) : position.gt(0);
      if (!reduces || (type === "LIMIT" && quantity.gt(position.abs()))) {
        throw new ApiError(-2022, "ReduceOnly Order is rejected.");
      }
    }
    const { bid, ask } = this.backend.quote();
    if (!reduceOnly) {
      const notional = quantity.mul(type === "LIMIT" ? price : ourSide === "buy" ? ask : bid);
      if (notional.lt(this.#minNotional)) {
        throw new ApiError(
          -4164,
          `Order's notional must be no smaller than ${this.#minNotional} (unless you choose reduce only).`,
        );
      }
    }
    const clientOrderId = cid ?? randomClientId();
    const base = { clientOrderId, side, type, timeInForce, price, origQty: quantity, reduceOnly, mode };

    if (type === "LIMIT" && timeInForce === "GTX" && (ourSide === "buy" ? price.gte(ask) : price.lte(bid))) {
      return this.#orderJson(this.#expirePostOnly(base), "RESULT");
    }

    let w: WireOrder;
    this.#placing = true;
    this.#pending = base;
    try {
      if (type === "LIMIT") {
        const result = this.backend.placeLimit({
          side: ourSide,
          price,
          quantity,
          postOnly: timeInForce === "GTX",
          reduceOnly,
          clientId: clientOrderId,
        });
        if (result.kind === "rejected") {
          if (result.postOnlyWouldCross) return this.#orderJson(this.#expirePostOnly(base), "RESULT");
          throw new ApiError(-2022, "ReduceOnly Order is rejected.");
        }
        w = this.#wireOf(result.order);
        const now = this.backend.order(result.order.orderId)!;
        if (
          (timeInForce === "IOC" || timeInForce === "FOK") &&
          (now.status === "OPEN" || now.status === "PARTIALLY_FILLED")
        ) {
          // IOC and FOK never rest: what did not fill at once expires.
          this.backend.cancel(result.order.orderId);
        }
      } else {
        const order = this.backend.placeMarket({
          side: ourSide,
          quantity,
          reduceOnly,
          clientId: clientOrderId,
        });
        if (order.status === "REJECTED") throw new ApiError(-2022, "ReduceOnly Order is rejected.");
        w = this.#wireOf(order);
      }
    } finally {
      this.#placing = false;
      this.#pending = undefined;
    }
    return this.#orderJson(w, respType);
  }

  /** A crossing post-only order: given an id, never on the book, answered and streamed as `EXPIRED`. */
  #expirePostOnly(base: PendingOrder): WireOrder {
    const now = this.clock.now();
    const w: WireOrder = {
      ...base,
      orderId: ORDER_ID_BASE + this.#nextOrderId++,
      engineId: undefined,
      time: now,
      updateTime: now,
    };
    this.#wire.set(w.orderId, w);
    const event = this.#event(w, {
      x: "EXPIRED",
      X: "EXPIRED",
      filled: ZERO,
      notional: ZERO,
      last: ZERO,
      lastPrice: ZERO,
      fee: ZERO,
      tradeId: 0,
      maker: false,
    });
    this.#emit(event);
    return w;
  }

  #quantityParam(text: string): Decimal {
    if (!DECIMAL_TEXT.test(text)) throw ERR.illegal("quantity", "^([0-9]{1,20})(\\.[0-9]{1,20})?$");
    const q = new Decimal(text);
    const { stepSize, minQuantity } = this.backend.spec;
    if (q.decimalPlaces() > this.#qtyPrecision) {
      throw new ApiError(-1111, "Precision is over the maximum defined for this asset.");
    }
    if (q.lte(0)) throw new ApiError(-4003, "Quantity less than or equal to zero.");
    if (!q.mod(stepSize).isZero()) {
      throw new ApiError(-4023, `Quantity not increased by step size ${stepSize}.`);
    }
    if (q.lt(minQuantity)) throw new ApiError(-4003, `Quantity less than min quantity ${minQuantity}.`);
    if (q.gt(1_000_000)) throw new ApiError(-4005, "Quantity greater than max quantity.");
    return q;
  }

  #priceParam(text: string): Decimal {
    if (!DECIMAL_TEXT.test(text)) throw ERR.illegal("price", "^([0-9]{1,20})(\\.[0-9]{1,20})?$");
    const price = new Decimal(text);
    const tick = this.backend.spec.tickSize;
    if (price.decimalPlaces() > this.#pricePrecision) {
      throw new ApiError(-1111, "Precision is over the maximum defined for this asset.");
    }
    if (price.lte(0)) throw new ApiError(-4001, "Price less than 0.");
    if (price.lt(this.#minPrice)) throw new ApiError(-4013, `Price less than min price ${this.#minPrice}.`);
    if (price.gt(this.#maxPrice)) {
      throw new ApiError(-4016, `Price greater than max price ${this.#maxPrice}.`);
    }
    if (!price.minus(this.#minPrice).mod(tick).isZero()) {
      throw new ApiError(-4014, `Price not increased by tick size ${tick}.`);
    }
    return price;
  }

  #wireOf(o: OrderSnapshot): WireOrder {
    const id = this.#byEngineId.get(o.orderId);
    return id === undefined ? this.#register(o) : this.#wire.get(id)!;
  }

  #register(u: OrderSnapshot): WireOrder {
    const pending = this.#pending;
    const record = this.backend.record(u.orderId);
    const now = this.clock.now();
    const w: WireOrder = {
      orderId: ORDER_ID_BASE + this.#nextOrderId++,
      engineId: u.orderId,
      clientOrderId: pending?.clientOrderId ?? record?.clientId ?? randomClientId(),
      side: u.side === "buy" ? "BUY" : "SELL",
      type: pending?.type ?? (record?.market ? "MARKET" : "LIMIT"),
      timeInForce: pending?.timeInForce ?? "GTC",
      price: pending?.price ?? u.price,
      origQty: u.quantity,
      reduceOnly: record?.reduceOnly ?? false,
      mode: pending?.mode ?? "v1",
      time: record?.placedAt ?? now,
      updateTime: now,
    };
    this.#wire.set(w.orderId, w);
    this.#byEngineId.set(u.orderId, w.orderId);
    return w;
  }

  /** The order's state now: status, filled, average price, quote filled. */
  #state(w: WireOrder): { status: AsterStatus; filled: Decimal; avgPrice: Decimal; cumQuote: Decimal } {
    if (w.engineId === undefined) return { status: "EXPIRED", filled: ZERO, avgPrice: ZERO, cumQuote: ZERO };
    const o = this.backend.order(w.engineId) ?? this.backend.record(w.engineId)!.last;
    const avg = o.avgPrice ?? ZERO;
    return { status: wireStatus(o.status, w), filled: o.filled, avgPrice: avg, cumQuote: avg.mul(o.filled) };
  }

  #orderJson(w: WireOrder, respType: "ACK" | "RESULT" = "RESULT"): unknown {
    const st = respType === "RESULT" || w.engineId === undefined
      ? this.#state(w)
      : { status: "NEW" as const, filled: ZERO, avgPrice: ZERO, cumQuote: ZERO };
    return {
      orderId: w.orderId,
      symbol: this.symbol,
      status: st.status,
      clientOrderId: w.clientOrderId,
      price: this.#px(w.price),
      avgPrice: fmt(st.avgPrice, Math.max(this.#pricePrecision, 5)),
      origQty: this.#qty(w.origQty),
      executedQty: this.#qty(st.filled),
      cumQty: this.#qty(st.filled),
      cumQuote: fmt(st.cumQuote, Math.max(this.#pricePrecision, 5)),
      timeInForce: w.timeInForce,
      type: w.type,
      reduceOnly: w.reduceOnly,
      closePosition: false,
      side: w.side,
      positionSide: "BOTH",
      stopPrice: "0",
      workingType: "CONTRACT_PRICE",
      priceProtect: false,
      origType: w.type,
      time: w.time,
      updateTime: w.updateTime,
    };
  }

  /** The open order named by `orderId`, else by `origClientOrderId`. */
  #findOpen(orderId: string | undefined, clientId: string | undefined): WireOrder | undefined {
    const open = (w: WireOrder) => {
      const s = this.#state(w).status;
      return s === "NEW" || s === "PARTIALLY_FILLED";
    };
    if (orderId !== undefined) {
      const w = this.#wire.get(Number(orderId));
      return w !== undefined && open(w) ? w : undefined;
    }
    if (clientId === undefined) return undefined;
    return [...this.#wire.values()].find((w) => w.clientOrderId === clientId && open(w));
  }

  /** `orderId` xor-ish `origClientOrderId` (the id wins when both are sent). */
  #selector(p: Params): { orderId: string | undefined; clientId: string | undefined } {
    const orderId = p.get("orderId");
    const clientId = p.get("origClientOrderId");
    if (orderId === undefined && clientId === undefined) {
      throw new ApiError(
        -1102,
        "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
      );
    }
    if (orderId !== undefined && whole(orderId) === undefined) throw ERR.illegal("orderId", "^[0-9]{1,20}$");
    return { orderId, clientId: orderId === undefined ? clientId : undefined };
  }

  #queryOrder(p: Params, openOnly: boolean): unknown {
    this.#requireSymbol(p);
    const { orderId, clientId } = this.#selector(p);
    let w: WireOrder | undefined;
    if (openOnly) w = this.#findOpen(orderId, clientId);
    else if (orderId !== undefined) w = this.#wire.get(Number(orderId));
    else {
      const all = [...this.#wire.values()].filter((x) => x.clientOrderId === clientId);
      w = all.find((x) => ["NEW", "PARTIALLY_FILLED"].includes(this.#state(x).status)) ?? all.at(-1);
    }
    if (w === undefined) throw ERR.noSuchOrder();
    return this.#orderJson(w);
  }

  #cancel(p: Params): unknown {
    this.#requireSymbol(p);
    const { orderId, clientId } = this.#selector(p);
    const w = this.#findOpen(orderId, clientId);
    if (w?.engineId === undefined) throw ERR.unknownOrder();
    this.backend.cancel(w.engineId);
    return this.#orderJson(w);
  }

  #cancelAll(p: Params): unknown {
    this.#requireSymbol(p);
    for (const o of this.backend.openOrders()) this.backend.cancel(o.orderId);
    return { code: "200", msg: "The operation of cancel all open order is done." };
  }

  #openOrdersRest(p: Params): unknown {
    if (p.has("symbol")) this.#requireSymbol(p);
    return this.backend.openOrders().map((o) => this.#orderJson(this.#wireOf(o)));
  }

  // ---------------------------------------------------------------- account

  #positionRisk(p: Params): unknown {
    if (p.has("symbol")) this.#requireSymbol(p);
    const a = this.backend.engine.account();
    const { bid, ask } = this.backend.quote();
    const mark = bid.plus(ask).div(2);
    const unrealized = a.position.isZero() ? ZERO : mark.minus(a.avgEntry).mul(a.position);
    const now = this.clock.now();
    return [{
      symbol: this.symbol,
      positionAmt: this.#qty(a.position),
      entryPrice: fmt(a.avgEntry, 8),
      breakEvenPrice: fmt(a.avgEntry, 8),
      markPrice: fmt(mark, 8),
      unRealizedProfit: fmt(unrealized, 8),
      liquidationPrice: "0",
      leverage: "20",
      maxNotionalValue: "1000000",
      marginType: "cross",
      isolatedMargin: "0.00000000",
      isAutoAddMargin: "false",
      positionSide: "BOTH",
      notional: fmt(mark.mul(a.position), 8),
      isolatedWallet: "0",
      updateTime: now,
    }];
  }

  #balance(): unknown {
    return [{
      accountAlias: "SgsR",
      asset: "USDT",
      balance: "100000.00000000",
      crossWalletBalance: "100000.00000000",
      crossUnPnl: "0.00000000",
      availableBalance: "100000.00000000",
      maxWithdrawAmount: "100000.00000000",
      marginAvailable: true,
      updateTime: this.clock.now(),
    }];
  }

  // ---------------------------------------------------------------- listen keys

  #newListenKey(): unknown {
    const now = this.clock.now();
    const ttl = this.#options.listenKeyTtlMs ?? ASTER_LISTEN_KEY_TTL_MS;
    const k = this.#listenKey;
    if (k !== undefined && k.alive) {
      k.expiresAt = now + ttl;
      return { listenKey: k.key };
    }
    const key = randomText(64);
    this.#listenKey = { key, expiresAt: now + ttl, alive: true };
    this.listenKeys.push(key);
    return { listenKey: key };
  }

  #keepAlive(): unknown {
    const k = this.#listenKey;
    if (k === undefined || !k.alive) throw ERR.noListenKey();
    k.expiresAt = this.clock.now() + (this.#options.listenKeyTtlMs ?? ASTER_LISTEN_KEY_TTL_MS);
    return {};
  }

  #closeListenKey(): unknown {
    const k = this.#listenKey;
    if (k === undefined || !k.alive) throw ERR.noListenKey();
    k.alive = false;
    this.server.dropSockets((s) => s.state.get("listenKey") === k.key, 1000);
    return {};
  }

  #expire(k: ListenKey): void {
    k.alive = false;
    this.server.broadcast(
      { e: "listenKeyExpired", E: this.clock.now(), listenKey: k.key },
      (s) => s.state.get("listenKey") === k.key,
    );
  }

  async #runListenKeyExpiry(): Promise<void> {
    try {
      while (!this.#stop.signal.aborted) {
        await this.clock.sleep(20, this.#stop.signal);
        const k = this.#listenKey;
        if (k !== undefined && k.alive && this.clock.now() >= k.expiresAt) this.#expire(k);
      }
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    }
  }

  // ---------------------------------------------------------------- engine updates → stream

  #onUpdates(updates: readonly OrderSnapshot[]): void {
    for (const u of updates) {
      const w = this.#wireOf(u);
      w.updateTime = this.clock.now();
      for (const event of this.#eventsFor(u, w)) this.#emit(event);
      if (this.#seen.get(u.orderId)?.filled.gt(0)) this.#sendAccountUpdate();
    }
  }

  #emit(event: AsterOrderEvent): void {
    this.orderEvents.push(event);
    for (const out of this.faults.events.process(event)) {
      this.server.broadcast(out, (s) => this.#liveUserSession(s));
    }
  }

  #liveUserSession(s: SocketSession): boolean {
    const key = s.state.get("listenKey");
    return key !== undefined && this.#listenKey?.alive === true && this.#listenKey.key === key;
  }

  #event(
    w: WireOrder,
    f: {
      x: AsterExecutionType;
      X: AsterStatus;
      filled: Decimal;
      notional: Decimal;
      last: Decimal;
      lastPrice: Decimal;
      fee: Decimal;
      tradeId: number;
      maker: boolean;
    },
  ): AsterOrderEvent {
    const now = this.clock.now();
    const avg = f.filled.isZero() ? ZERO : f.notional.div(f.filled);
    return {
      e: "ORDER_TRADE_UPDATE",
      E: now,
      T: now,
      o: {
        s: this.symbol,
        c: w.clientOrderId,
        S: w.side,
        o: w.type,
        f: w.timeInForce,
        q: this.#qty(w.origQty),
        p: this.#px(w.price),
        ap: fmt(avg, Math.max(this.#pricePrecision, 5)),
        sp: "0",
        x: f.x,
        X: f.X,
        i: w.orderId,
        l: this.#qty(f.last),
        z: this.#qty(f.filled),
        L: this.#px(f.lastPrice),
        n: fmt(f.fee, 8),
        N: "USDT",
        T: now,
        t: f.tradeId,
        b: "0",
        a: "0",
        m: f.maker,
        R: w.reduceOnly,
        wt: "CONTRACT_PRICE",
        ot: w.type,
        ps: "BOTH",
        cp: false,
        rp: "0",
      },
    };
  }

  #eventsFor(u: OrderSnapshot, w: WireOrder): AsterOrderEvent[] {
    const prev = this.#seen.get(u.orderId);
    const seen: Seen = prev ?? { filled: ZERO, notional: ZERO, fee: ZERO, status: "OPEN" };
    const out: AsterOrderEvent[] = [];
    const base = { filled: seen.filled, notional: seen.notional, last: ZERO, lastPrice: ZERO, fee: ZERO };
    if (prev === undefined) {
      out.push(this.#event(w, { ...base, x: "NEW", X: "NEW", tradeId: 0, maker: false }));
    }
    const notional = (u.avgPrice ?? ZERO).mul(u.filled);
    if (u.filled.gt(seen.filled)) {
      const last = u.filled.minus(seen.filled);
      out.push(this.#event(w, {
        x: "TRADE",
        X: u.status === "FILLED" ? "FILLED" : "PARTIALLY_FILLED",
        filled: u.filled,
        notional,
        last,
        lastPrice: notional.minus(seen.notional).div(last),
        fee: (u.fee ?? ZERO).minus(seen.fee),
        tradeId: this.#nextTradeId++,
        maker: !this.#placing,
      }));
    }
    if (u.status === "CANCELED" && seen.status !== "CANCELED") {
      const x = wireStatus("CANCELED", w) as "CANCELED" | "EXPIRED";
      out.push(this.#event(w, { ...base, filled: u.filled, notional, x, X: x, tradeId: 0, maker: false }));
    }
    this.#seen.set(u.orderId, { filled: u.filled, notional, fee: u.fee ?? ZERO, status: u.status });
    return out;
  }

  #sendAccountUpdate(): void {
    const a = this.backend.engine.account();
    const now = this.clock.now();
    this.server.broadcast({
      e: "ACCOUNT_UPDATE",
      E: now,
      T: now,
      a: {
        m: "ORDER",
        B: [{ a: "USDT", wb: "100000.00000000", cw: "100000.00000000", bc: "0" }],
        P: [{
          s: this.symbol,
          pa: this.#qty(a.position),
          ep: fmt(a.avgEntry, 8),
          cr: fmt(a.realizedPnl, 8),
          up: "0",
          mt: "cross",
          iw: "0",
          ps: "BOTH",
        }],
      },
    }, (s) => this.#liveUserSession(s));
  }

  #onQuote(): void {
    this.#updateId++;
    this.#sendTicker();
  }

  #tickerEvent(): unknown {
    const { bid, ask } = this.backend.quote();
    const size = this.#qty(this.backend.spec.stepSize.mul(100));
    const now = this.clock.now();
    return {
      e: "bookTicker",
      u: this.#updateId,
      E: now,
      T: now,
      s: this.symbol,
      b: this.#px(bid),
      B: size,
      a: this.#px(ask),
      A: size,
    };
  }

  #sendTicker(): void {
    const stream = `${this.symbol.toLowerCase()}@bookTicker`;
    this.server.broadcast(this.#tickerEvent() as object, (s) => streams(s).has(stream));
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

  // ---------------------------------------------------------------- sockets

  #onSocketOpen(session: SocketSession): void {
    session.state.set("streams", new Set<string>());
    const path = session.url.pathname;
    if (path === "/ws" || path === "/ws/") return;
    const name = path.slice("/ws/".length);
    if (this.#knownStream(name)) {
      streams(session).add(name);
      return;
    }
    const k = this.#listenKey;
    if (k !== undefined && k.alive && k.key === name) {
      session.state.set("listenKey", name);
      return;
    }
    session.close(1008, "Invalid stream or listen key");
  }

  #knownStream(name: string): boolean {
    return name === `${this.symbol.toLowerCase()}@bookTicker`;
  }

  #onSocketMessage(session: SocketSession, data: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(data);
    } catch {
      return void session.send({ error: { code: 3, msg: "Invalid JSON" }, id: null });
    }
    const id = msg?.id ?? null;
    const params = msg?.params;
    if (msg?.method === "LIST_SUBSCRIPTIONS") return void session.send({ result: [...streams(session)], id });
    if (msg?.method !== "SUBSCRIBE" && msg?.method !== "UNSUBSCRIBE") {
      return void session.send({ error: { code: 2, msg: "Invalid request: unknown method" }, id });
    }
    if (!Array.isArray(params) || !params.every((x) => typeof x === "string")) {
      return void session.send({
        error: { code: 2, msg: "Invalid request: params must be stream names" },
        id,
      });
    }
    if (msg.method === "SUBSCRIBE") {
      if (!params.every((x) => this.#knownStream(x))) {
        return void session.send({ error: { code: 2, msg: "Invalid request: unknown stream" }, id });
      }
      for (const x of params) streams(session).add(x);
    } else {
      for (const x of params) streams(session).delete(x);
    }
    session.send({ result: null, id });
  }

  // ---------------------------------------------------------------- formatting

  #px(d: Decimal): string {
    return fmt(d, this.#pricePrecision);
  }

  #qty(d: Decimal): string {
    return fmt(d, this.#qtyPrecision);
  }
}

// ---------------------------------------------------------------- helpers

function streams(session: SocketSession): Set<string> {
  let s = session.state.get("streams") as Set<string> | undefined;
  if (s === undefined) {
    s = new Set();
    session.state.set("streams", s);
  }
  return s;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * What was signed and the signature: `signature=…` must be the last parameter of everything sent (of the
 * body when there is one); the signed text is the query, then the body, as received, without it.
 */
function signedPayload(req: FakeRequest, joiner: "" | "&"): { payload: string; signature: string } {
  const query = req.url.search.startsWith("?") ? req.url.search.slice(1) : req.url.search;
  const body = req.body;
  const last = body !== "" ? body : query;
  const m = /(?:^|&)signature=([^&]*)$/.exec(last);
  if (m === null) throw ERR.badSignature();
  const rest = last.slice(0, m.index);
  const payload = body !== "" ? query + (query !== "" && rest !== "" ? joiner : "") + rest : rest;
  if (/(?:^|&)signature=/.test(payload)) throw ERR.badSignature();
  return { payload, signature: decodeURIComponent(m[1]!) };
}

function whole(text: string): number | undefined {
  if (!/^\d{1,19}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function enumParam<T extends string>(p: Params, name: string, allowed: readonly T[], bad: () => ApiError): T {
  const v = p.get(name);
  if (v === undefined) throw ERR.missing(name);
  if (!(allowed as readonly string[]).includes(v)) throw bad();
  return v as T;
}

function boolParam(p: Params, name: string): boolean | undefined {
  const v = p.get(name);
  if (v === undefined) return undefined;
  if (v !== "true" && v !== "false") throw ERR.illegal(name, "true, false");
  return v === "true";
}

function wireStatus(status: OrderSnapshot["status"], w: WireOrder): AsterStatus {
  switch (status) {
    case "OPEN":
      return "NEW";
    case "PARTIALLY_FILLED":
      return "PARTIALLY_FILLED";
    case "FILLED":
      return "FILLED";
    case "CANCELED":
      return w.type === "MARKET" || w.timeInForce === "IOC" || w.timeInForce === "FOK"
        ? "EXPIRED"
        : "CANCELED";
    case "REJECTED":
      return "REJECTED";
  }
}

/** At least `places` decimals, and every decimal the value has: padded like the venue, never rounded. */
function fmt(d: Decimal, places: number): string {
  return d.toFixed(Math.max(places, d.decimalPlaces()));
}

const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomText(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => ALPHANUM[b % ALPHANUM.length]).join("");
}

function randomClientId(): string {
  return `autogen_${randomText(22)}`;
}

function weightOf(r: { method: string; path: string; query: Readonly<Record<string, string>> }): number {
  const name = r.path.replace(/^\/fapi\/v\d\//, "");
  if (name === "openOrders" && r.query.symbol === undefined) return 40;
  if (name === "positionRisk") return 5;
  if (name === "depth") return 5;
  return 1;
}

function errorForStatus(status: number): { code: number; msg: string } {
  if (status === 429) {
    return {
      code: -1003,
      msg:
        "Too many requests; current limit is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.",
    };
  }
  if (status === 418) {
    return {
      code: -1003,
      msg: "Way too many requests; IP banned. Please use the websocket for live updates to avoid bans.",
    };
  }
  if (status === 503) {
    return { code: -1001, msg: "Internal error; unable to process your request. Please try again." };
  }
  if (status >= 500) return { code: -1000, msg: "An unknown error occured while processing the request." };
  if (status === 404) return { code: -5000, msg: "Not found" };
  return { code: -1000, msg: `HTTP ${status}` };
}

/** The fault types a test needs next to the fake. */
export type { FaultRule, HttpFault, RequestMatch };
