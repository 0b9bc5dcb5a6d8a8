/**
 * Aster REST client for one perpetual market: exchange info, book ticker, orders, cancels, positions and
 * listen keys, signed V1 (HMAC) or V3 (EIP-712 API wallet).
 *
 * Parameters: GET carries every parameter in the query string; POST, PUT and DELETE send them as an
 * `application/x-www-form-urlencoded` body with an empty query (the V3 documentation's rule, which V1 accepts
 * too). The signed string is exactly the string sent.
 * No broker, referral or attribution header or parameter is ever sent.
 *
 * Failures: `-1021`, `-1022`, `-2014`, `-2015` are {@link AuthenticationError} whatever the HTTP status;
 * 429 and `-1003` are {@link RateLimitError} honouring `Retry-After`; 418 (IP ban) stops every request for the
 * `Retry-After` period (default two minutes) and is thrown as a {@link RateLimitError} with that wait; 5xx and
 * 503 ("unknown execution status") are {@link VenueUnavailableError}. `X-MBX-USED-WEIGHT-1M` is watched: near
 * the `REQUEST_WEIGHT` limit, requests wait for the next minute.
 *
 * No duplicate order from a retry: Aster refuses a client id only while an order with it is open, so a
 * placement whose answer was lost (timeout, 5xx, 503, unreadable answer) is looked up by
 * `origClientOrderId` before it is sent again, and a `-4116` (duplicate client id) resolves to the existing
 * order. The lookup inside a placement attempt is made once, not retried on its own, so retries never nest.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { clipWords } from "../../bot/redact.ts";
import type { Decimal } from "../decimal.ts";
import { HttpClient, type HttpMethod, type HttpResponse, parseRetryAfter, throwForStatus } from "../http.ts";
import { plainPositive } from "../market_checks.ts";
import { UncertainPlacements } from "../uncertain_placements.ts";
import { retryRest } from "../rest_retry.ts";
import type { Bbo, LimitOrderRequest, Market, MarketOrderRequest, PlaceResult, Side } from "../venue.ts";
import {
  AuthenticationError,
  isTerminal,
  RateLimitError,
  UnknownMarketError,
  VenueDataError,
  VenueError,
  VenueRejectedError,
  VenueUnavailableError,
} from "../venue.ts";
import {
  ASTER_ERRORS,
  ASTER_UNKNOWN_STATUS_CODES,
  type AsterApiError,
  type AsterOrder,
  DEFAULT_WEIGHT_LIMIT,
  isPostOnlyExpiry,
  parseApiError,
  parseBookTicker,
  parseExchangeInfo,
  parseListenKey,
  parseOrder,
  parseOrders,
  parsePositionRisk,
  perpSymbol,
} from "./parse.ts";
import { type AsterSigner, type AsterSigningMode, encodeParams, type Params } from "./signer.ts";

/** REST paths of one API version. */
export interface AsterPaths {
  readonly time: string;
  readonly exchangeInfo: string;
  readonly bookTicker: string;
  readonly order: string;
  readonly openOrders: string;
  readonly allOpenOrders: string;
  readonly positionRisk: string;
  readonly listenKey: string;
}

/** The paths of each signing mode: V1 under `/fapi/v1` (positions `/fapi/v2`), V3 all under `/fapi/v3`. */
export const ASTER_PATHS: Readonly<Record<AsterSigningMode, AsterPaths>> = {
  v1: {
    time: "/fapi/v1/time",
    exchangeInfo: "/fapi/v1/exchangeInfo",
    bookTicker: "/fapi/v1/ticker/bookTicker",
    order: "/fapi/v1/order",
    openOrders: "/fapi/v1/openOrders",
    allOpenOrders: "/fapi/v1/allOpenOrders",
    positionRisk: "/fapi/v2/positionRisk",
    listenKey: "/fapi/v1/listenKey",
  },
  v3: {
    time: "/fapi/v3/time",
    exchangeInfo: "/fapi/v3/exchangeInfo",
    bookTicker: "/fapi/v3/ticker/bookTicker",
    order: "/fapi/v3/order",
    openOrders: "/fapi/v3/openOrders",
    allOpenOrders: "/fapi/v3/allOpenOrders",
    positionRisk: "/fapi/v3/positionRisk",
    listenKey: "/fapi/v3/listenKey",
  },
};

/** Wait after an HTTP 418 (IP ban) that names no `Retry-After`, ms. */
export const DEFAULT_BAN_MS = 120_000;
/** Wait after a `-1003` that names no `Retry-After`, ms. */
const DEFAULT_TOO_MANY_MS = 10_000;
/** Share of the per-minute weight limit at which requests start waiting for the next minute. */
export const WEIGHT_SLOWDOWN_SHARE = 0.9;
/** Client ids whose placement outcome is unknown, remembered at most. */
const UNCERTAIN_REMEMBERED = 1000;
/** Aster's client order id pattern. */
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const AUTH_CODES: ReadonlySet<number> = new Set([
  ASTER_ERRORS.timestampOutsideWindow,
  ASTER_ERRORS.invalidSignature,
  ASTER_ERRORS.invalidKey,
  ASTER_ERRORS.keyPermissions,
]);

/**
 * How long to hold a request so the weight used this minute stays under the limit: until the next minute
 * when the last reported use, seen in the current minute, reached {@link WEIGHT_SLOWDOWN_SHARE} of the limit.
 * @param used last `X-MBX-USED-WEIGHT-1M`
 * @param observedAtMs when it was reported, ms since the epoch
 */
export function weightDelayMs(used: number, limit: number, observedAtMs: number, nowMs: number): number {
  if (!(limit > 0) || used < limit * WEIGHT_SLOWDOWN_SHARE) return 0;
  const minuteEnd = (Math.floor(observedAtMs / 60_000) + 1) * 60_000;
  return Math.max(0, minuteEnd - nowMs);
}

/** How to build an {@link AsterClient}. */
export interface AsterClientOptions {
  /** `https://fapi.asterdex.com`, or a fake's address. */
  readonly baseUrl: string;
  readonly signer: AsterSigner;
  /** Timestamps, nonces and retry waits. */
  readonly clock: Clock;
  /** The perpetual symbol, `SOLUSDT`. */
  readonly symbol: string;
  readonly fetch?: typeof fetch;
  readonly redact?: (text: string) => string;
  /** Time allowed for each request, ms. */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included (default 3). */
  readonly attempts?: number;
  /** First retry step, ms (default 250). */
  readonly baseDelayMs?: number;
  /** A `Retry-After` longer than this is not waited out here but thrown to the caller, ms (default 10 s). */
  readonly maxRetryAfterMs?: number;
  /** Random number in [0, 1) for backoff jitter. */
  readonly jitter?: () => number;
}

type Auth = "none" | "signed" | "listenKey";

interface Call {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: Auth;
  readonly params?: Params;
}

/** REST access to one Aster perpetual market. */
export class AsterClient {
  readonly symbol: string;
  readonly paths: AsterPaths;
  readonly #opts: AsterClientOptions;
  readonly #http: HttpClient;
  readonly #base: string;
  /** Client ids of placements that may have reached the venue without an answer, oldest first. */
  readonly #uncertain = new UncertainPlacements(UNCERTAIN_REMEMBERED);
  #bannedUntil = 0;
  #weightUsed = 0;
  #weightAt = 0;
  #weightLimit = DEFAULT_WEIGHT_LIMIT;
  /** Venue time minus local time, ms, once measured. */
  #offsetMs = 0;

  constructor(options: AsterClientOptions) {
    this.#opts = options;
    this.symbol = options.symbol;
    this.paths = ASTER_PATHS[options.signer.mode];
    this.#base = options.baseUrl.replace(/\/+$/, "");
    const inner = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    this.#http = new HttpClient({
      venue: "aster",
      fetch: async (input, init) => {
        const response = await inner(input, init);
        this.#observeHeaders(response);
        return response;
      },
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      userAgent: "perpbot",
      now: () => options.clock.now(),
    });
  }

  /** The signing mode in use. */
  get mode(): AsterSigningMode {
    return this.#opts.signer.mode;
  }

  /** Clock time when an IP ban (HTTP 418) ends, ms; 0 when none was seen. */
  get bannedUntil(): number {
    return this.#bannedUntil;
  }

  /** The per-minute request weight limit in use. */
  get weightLimit(): number {
    return this.#weightLimit;
  }

  /** Time for timestamps and nonces: the clock corrected by the measured venue offset. */
  #now(): number {
    return this.#opts.clock.now() + this.#offsetMs;
  }

  /**
   * Measures the venue's clock offset with `GET time`, so timestamps and nonces stay inside the venue's
   * window on a skewed machine. Best effort: a venue without the endpoint leaves the offset at zero.
   */
  async syncTime(): Promise<void> {
    const before = this.#opts.clock.now();
    let json: unknown;
    try {
      json = await this.#json({ method: "GET", path: this.paths.time, auth: "none" });
    } catch (e) {
      if (e instanceof VenueRejectedError || e instanceof VenueDataError) return;
      throw e;
    }
    const after = this.#opts.clock.now();
    const server = (json as { serverTime?: unknown } | null)?.serverTime;
    if (typeof server !== "number" || !Number.isSafeInteger(server) || server <= 0) return;
    const offset = server - (before + after) / 2;
    // Small differences are noise; only a real skew is corrected.
    this.#offsetMs = Math.abs(offset) > 500 ? Math.round(offset) : 0;
  }

  /**
   * The rules of the `<TICKER>USDT` perpetual, and the request-weight limit from the same answer.
   * @throws UnknownMarketError when the venue lists no such perpetual, or it is not trading
   */
  async market(ticker: string): Promise<Market> {
    const json = await this.#json({ method: "GET", path: this.paths.exchangeInfo, auth: "none" });
    const info = this.#checked(() => parseExchangeInfo(json, ticker));
    this.#weightLimit = info.weightLimit;
    if (info.market === undefined || info.market.symbol !== this.symbol) {
      throw new UnknownMarketError(
        `aster has no perpetual market ${perpSymbol(ticker)} for ticker "${ticker}"`,
      );
    }
    if (info.status !== undefined && info.status !== "TRADING") {
      throw new UnknownMarketError(
        this.#redact(`aster market ${this.symbol} is not trading (status ${clipWords(info.status, 80)})`),
      );
    }
    return info.market;
  }

  /** Best bid and ask from `ticker/bookTicker`. */
  async bookTicker(): Promise<Bbo> {
    const json = await this.#json({
      method: "GET",
      path: this.paths.bookTicker,
      auth: "none",
      params: [["symbol", this.symbol]],
    });
    return this.#checked(() => parseBookTicker(json, this.symbol));
  }

  /**
   * Places a limit order (`GTX` when post-only, else `GTC`). A post-only order that would cross (answered
   * `EXPIRED` with nothing filled, or refused with `-5022`) resolves as `{kind: "rejected",
   * postOnlyWouldCross: true}`; other refusals throw {@link VenueRejectedError}.
   */
  async placeLimit(req: LimitOrderRequest): Promise<PlaceResult> {
    const clientId = checkClientId(req.clientId);
    return await this.#place(
      [
        ["symbol", this.symbol],
        ["side", venueSide(req.side)],
        ["type", "LIMIT"],
        ["timeInForce", req.postOnly ? "GTX" : "GTC"],
        ["quantity", plainPositive("aster", "quantity", req.quantity)],
        ["price", plainPositive("aster", "price", req.price)],
        ["newClientOrderId", clientId],
        ["reduceOnly", req.reduceOnly ? "true" : undefined],
        ["newOrderRespType", "RESULT"],
      ],
      clientId,
      req.postOnly,
    );
  }

  /** Places a market order asking for its result; resolves with the venue's answer (normally final). */
  async placeMarket(req: MarketOrderRequest): Promise<AsterOrder> {
    const clientId = checkClientId(req.clientId);
    const result = await this.#place(
      [
        ["symbol", this.symbol],
        ["side", venueSide(req.side)],
        ["type", "MARKET"],
        ["quantity", plainPositive("aster", "quantity", req.quantity)],
        ["newClientOrderId", clientId],
        ["reduceOnly", req.reduceOnly ? "true" : undefined],
        ["newOrderRespType", "RESULT"],
      ],
      clientId,
      false,
    );
    if (result.kind === "rejected") {
      throw new VenueRejectedError(
        `Cannot place market ${req.side} ${req.quantity} on aster: ${result.reason}`,
      );
    }
    return result.order as AsterOrder;
  }

  async #place(params: Params, clientId: string, postOnly: boolean): Promise<PlaceResult> {
    const outcome = (order: AsterOrder): PlaceResult => {
      this.#uncertain.clear(clientId);
      if (postOnly && isPostOnlyExpiry(order)) {
        return {
          kind: "rejected",
          reason: `post-only order ${order.orderId} (client id ${clientId}) expired: it would have crossed`,
          postOnlyWouldCross: true,
        };
      }
      return { kind: "accepted", order };
    };
    return await this.#retry(async () => {
      if (this.#uncertain.has(clientId)) {
        // An earlier attempt may have placed it, or may still be queued: ask, and while the lost request can
        // still execute, wait for its window to pass and ask again before sending it anew. One lookup per
        // step; the outer loop retries a failed one.
        const lookup = () => this.#orderOnce([["origClientOrderId", clientId]]);
        let existing = await lookup();
        const wait = this.#uncertain.waitMs(clientId, this.#opts.clock.now());
        if (existing === undefined && wait > 0) {
          await this.#opts.clock.sleep(wait);
          existing = await lookup();
        }
        if (existing !== undefined) return outcome(existing);
      }
      const sentAt = this.#opts.clock.now();
      const uncertain = () => this.#uncertain.mark(clientId, sentAt, this.#opts.signer.validityMs);
      let res: HttpResponse;
      try {
        res = await this.#send({ method: "POST", path: this.paths.order, auth: "signed", params });
      } catch (e) {
        // A timeout or a 5xx (503: unknown execution status) may hide an order that was placed.
        if (e instanceof VenueUnavailableError) uncertain();
        throw e;
      }
      if (res.ok) {
        try {
          return outcome(this.#checked(() => parseOrder(res.json(), "placed order")));
        } catch (e) {
          // Placed, but the answer is unreadable: the next attempt looks it up.
          if (e instanceof VenueDataError) uncertain();
          throw e;
        }
      }
      const err = parseApiError(res.text);
      if (err.code !== undefined && ASTER_UNKNOWN_STATUS_CODES.has(err.code)) {
        uncertain();
        throw new VenueUnavailableError(
          res.redact(
            `aster does not know whether order ${clientId} was placed: ${err.code} ${err.msg ?? ""}`,
          ),
        );
      }
      if (err.code === ASTER_ERRORS.postOnlyRejected) {
        this.#uncertain.clear(clientId);
        return {
          kind: "rejected",
          reason: res.redact(`${err.code}: ${err.msg ?? "post-only order would cross"}`),
          postOnlyWouldCross: true,
        };
      }
      if (err.code === ASTER_ERRORS.duplicateClientId) {
        const existing = await this.#orderOnce([["origClientOrderId", clientId]]);
        if (existing !== undefined) return outcome(existing);
      }
      if (err.code === ASTER_ERRORS.nonceExpired) {
        // Refused before execution: safe to send again with a fresh nonce.
        throw new VenueUnavailableError(
          res.redact(`aster refused the nonce of order ${clientId}: ${err.msg ?? ""}`),
        );
      }
      this.#uncertain.clear(clientId);
      throw this.#rejection(res, err);
    });
  }

  /**
   * Cancels one order by id; resolves with its final state (filled quantity included). An order that already
   * finished (`-2011`: filled, or cancelled by an earlier attempt) resolves with its state as queried.
   */
  async cancel(orderId: string): Promise<AsterOrder> {
    const id = checkOrderId(orderId);
    const res = await this.#retry(() =>
      this.#send({
        method: "DELETE",
        path: this.paths.order,
        auth: "signed",
        params: [["symbol", this.symbol], ["orderId", id]],
      })
    );
    if (res.ok) return this.#checked(() => parseOrder(res.json(), "cancelled order"));
    const err = parseApiError(res.text);
    if (err.code === ASTER_ERRORS.cancelRejected || err.code === ASTER_ERRORS.noSuchOrder) {
      const known = await this.order(id);
      if (known !== undefined) return known;
      throw new VenueRejectedError(`Cannot cancel order "${id}" on aster: unknown order`, {
        code: String(err.code),
      });
    }
    throw this.#rejection(res, err);
  }

  /**
   * Cancels every open order of the market (`DELETE allOpenOrders`), then reports the final state of each
   * order that was open; one still working is cancelled on its own.
   */
  async cancelAll(): Promise<AsterOrder[]> {
    const before = await this.openOrders();
    const res = await this.#retry(() =>
      this.#send({
        method: "DELETE",
        path: this.paths.allOpenOrders,
        auth: "signed",
        params: [["symbol", this.symbol]],
      })
    );
    if (!res.ok) throw this.#rejection(res, parseApiError(res.text));
    const out: AsterOrder[] = [];
    for (const o of before) {
      const final = await this.order(o.orderId);
      if (final === undefined) {
        out.push({ ...o, status: "CANCELED", venueStatus: "CANCELED" });
      } else if (isTerminal(final.status)) {
        out.push(final);
      } else {
        out.push(await this.cancel(o.orderId));
      }
    }
    return out;
  }

  /** Working orders of the market. */
  async openOrders(): Promise<AsterOrder[]> {
    const json = await this.#json({
      method: "GET",
      path: this.paths.openOrders,
      auth: "signed",
      params: [["symbol", this.symbol]],
    });
    return this.#checked(() => parseOrders(json, this.symbol, "open orders"));
  }

  /** One order by venue id; `undefined` when the venue does not know it (`-2013`). */
  async order(orderId: string): Promise<AsterOrder | undefined> {
    const id = checkOrderId(orderId);
    return await this.#retry(() => this.#orderOnce([["orderId", id]]));
  }

  /** One order by client id (`origClientOrderId`); `undefined` when unknown. */
  async orderByClientId(clientId: string): Promise<AsterOrder | undefined> {
    const id = checkClientId(clientId);
    return await this.#retry(() => this.#orderOnce([["origClientOrderId", id]]));
  }

  /** One `GET order` request, not retried. */
  async #orderOnce(by: Params): Promise<AsterOrder | undefined> {
    const res = await this.#send({
      method: "GET",
      path: this.paths.order,
      auth: "signed",
      params: [["symbol", this.symbol], ...by],
    });
    if (res.ok) {
      return this.#checked(() => {
        const order = parseOrder(res.json(), "order");
        if (order.symbol !== this.symbol) {
          throw new VenueDataError(
            `aster order ${order.orderId}: symbol ${clipWords(order.symbol, 80)}, expected ${this.symbol}`,
          );
        }
        return order;
      });
    }
    const err = parseApiError(res.text);
    if (err.code === ASTER_ERRORS.noSuchOrder) return undefined;
    throw this.#rejection(res, err);
  }

  /** Signed position of the market: the sum of its `positionAmt` entries. */
  async position(): Promise<Decimal> {
    const json = await this.#json({
      method: "GET",
      path: this.paths.positionRisk,
      auth: "signed",
      params: [["symbol", this.symbol]],
    });
    return this.#checked(() => parsePositionRisk(json, this.symbol));
  }

  /** Creates (or, while valid, extends and returns) the user-data stream's listen key. */
  async createListenKey(): Promise<string> {
    const json = await this.#json({ method: "POST", path: this.paths.listenKey, auth: "listenKey" });
    return this.#checked(() => parseListenKey(json));
  }

  /** Extends the listen key's validity by 60 minutes. The answer's body is not needed. */
  async keepAliveListenKey(): Promise<void> {
    await this.#ok({ method: "PUT", path: this.paths.listenKey, auth: "listenKey" });
  }

  /** Closes the user-data stream. The answer's body is not needed. */
  async closeListenKey(): Promise<void> {
    await this.#ok({ method: "DELETE", path: this.paths.listenKey, auth: "listenKey" });
  }

  /**
   * Runs a parser; its {@link VenueDataError} comes back redacted. A parser quotes the value it refused, and a
   * venue may echo a secret in any field.
   */
  #checked<T>(parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof VenueDataError) || this.#opts.redact === undefined) throw e;
      // No cause: it would carry the unredacted message.
      throw new VenueDataError(this.#opts.redact(e.message));
    }
  }

  #redact(text: string): string {
    return this.#opts.redact === undefined ? text : this.#opts.redact(text);
  }

  /** Sends a call with retries; a non-2xx answer throws. */
  async #ok(call: Call): Promise<void> {
    const res = await this.#retry(() => this.#send(call));
    if (!res.ok) throw this.#rejection(res, parseApiError(res.text));
  }

  /** Sends a call with retries; a non-2xx answer throws. */
  async #json(call: Call): Promise<unknown> {
    const res = await this.#retry(() => this.#send(call));
    if (!res.ok) throw this.#rejection(res, parseApiError(res.text));
    return res.json();
  }

  /** The error for a refused request: authentication and rate-limit codes first, whatever the HTTP status. */
  #rejection(res: HttpResponse, err: AsterApiError): VenueError {
    const label = `aster ${res.method} ${res.path}`;
    // Redacted whole before it is cut, and cut between words: never a fragment of a secret.
    const reason = clipWords(res.redact(err.msg ?? res.text), 200);
    if (err.code !== undefined && AUTH_CODES.has(err.code)) {
      return new AuthenticationError(`${label} refused the credentials: code ${err.code}: ${reason}`);
    }
    if (err.code === ASTER_ERRORS.tooManyRequests) {
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.#opts.clock.now()) ??
        DEFAULT_TOO_MANY_MS;
      return new RateLimitError(`${label} was rate limited: code ${err.code}: ${reason}`, { retryAfterMs });
    }
    try {
      throwForStatus(res, () => ({
        code: err.code === undefined ? undefined : String(err.code),
        reason: err.msg,
      }));
    } catch (e) {
      if (e instanceof VenueError) return e;
    }
    return new VenueRejectedError(`${label} failed: HTTP ${res.status}`);
  }

  async #retry<T>(fn: () => Promise<T>): Promise<T> {
    return await retryRest(fn, this.#opts, { badData: true });
  }

  /** Notes a ban and the weight used, before the answer is mapped to errors. */
  #observeHeaders(response: Response): void {
    const now = this.#opts.clock.now();
    if (response.status === 418) {
      const wait = parseRetryAfter(response.headers.get("retry-after"), now);
      this.#bannedUntil = Math.max(this.#bannedUntil, now + Math.max(wait ?? DEFAULT_BAN_MS, 1000));
    }
    const used = response.headers.get("x-mbx-used-weight-1m");
    if (used !== null && /^\d+$/.test(used.trim())) {
      this.#weightUsed = Number(used.trim());
      this.#weightAt = now;
    }
  }

  /** One HTTP request (no retry), signed as the call needs. Resolves for any status not mapped to errors. */
  async #send(call: Call): Promise<HttpResponse> {
    const label = `aster ${call.method} ${call.path}`;
    const bannedFor = this.#bannedUntil - this.#opts.clock.now();
    if (bannedFor > 0) {
      throw new RateLimitError(`${label} not sent: the IP is banned (HTTP 418) for ${bannedFor} more ms`, {
        retryAfterMs: bannedFor,
      });
    }
    const hold = weightDelayMs(this.#weightUsed, this.#weightLimit, this.#weightAt, this.#opts.clock.now());
    if (hold > 0) await this.#opts.clock.sleep(hold);

    let params = encodeParams(call.params ?? []);
    let headers: Record<string, string> = { accept: "application/json" };
    const signer = this.#opts.signer;
    if (call.auth === "signed" || (call.auth === "listenKey" && signer.mode === "v3")) {
      const signed = signer.sign(params, this.#now());
      params = signed.params;
      headers = { ...headers, ...signed.headers };
    } else if (call.auth === "listenKey") {
      headers = { ...headers, ...signer.keyHeaders() };
    }
    let url = `${this.#base}${call.path}`;
    let body: string | undefined;
    if (call.method === "GET") {
      if (params !== "") url += `?${params}`;
    } else if (params !== "") {
      body = params;
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    try {
      return await this.#http.request({
        method: call.method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(this.#opts.timeoutMs === undefined ? {} : { timeoutMs: this.#opts.timeoutMs }),
      });
    } catch (e) {
      const bannedFor = this.#bannedUntil - this.#opts.clock.now();
      if (e instanceof RateLimitError && bannedFor > 0) {
        throw new RateLimitError(
          `${label}: the IP is banned (HTTP 418); no request for ${bannedFor} ms`,
          { retryAfterMs: bannedFor, cause: e },
        );
      }
      throw e;
    }
  }
}

function venueSide(side: Side): "BUY" | "SELL" {
  return side === "buy" ? "BUY" : "SELL";
}

function checkClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId)) {
    throw new VenueRejectedError(
      `Client id "${clientId.slice(0, 40)}" does not match aster's pattern ${CLIENT_ID.source}`,
    );
  }
  return clientId;
}

function checkOrderId(orderId: string): string {
  if (!/^\d{1,20}$/.test(orderId)) {
    throw new VenueRejectedError(`Order id "${orderId.slice(0, 40)}" is not an aster order id (digits)`);
  }
  return orderId;
}
