/**
 * Backpack REST client for one perpetual market: markets, depth, orders, cancels, positions.
 *
 * Every request goes through {@link HttpClient}. Signed requests carry `X-API-Key`, `X-Signature`,
 * `X-Timestamp` and `X-Window` and nothing else (no broker or referral header). A request is signed again on
 * every attempt, so a retry after a long `Retry-After` is still inside its window.
 *
 * Retries: rate limits (429, honouring `Retry-After`) and transient failures are retried a few times here.
 * That is safe because reads and cancels are idempotent and a placement is deduplicated by its client id:
 * when an earlier attempt with the same client id may have reached the venue (timeout, 5xx), the order is
 * looked up before anything is sent again, and a "client id already used" rejection resolves to the existing
 * order.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import type { Decimal } from "../decimal.ts";
import { HttpClient, type HttpMethod, type HttpResponse, throwForStatus } from "../http.ts";
import { plainPositive } from "../market_checks.ts";
import { UncertainPlacements } from "../uncertain_placements.ts";
import { retryRest } from "../rest_retry.ts";
import type { Bbo, LimitOrderRequest, Market, MarketOrderRequest, PlaceResult, Side } from "../venue.ts";
import {
  isTerminal,
  UnknownMarketError,
  VenueDataError,
  VenueRejectedError,
  VenueUnavailableError,
} from "../venue.ts";
import {
  type BackpackOrder,
  isDuplicateClientId,
  isNotFound,
  isPostOnlyCross,
  marketState,
  parseApiError,
  parseDepth,
  parseFillFees,
  parseMarket,
  parseOrder,
  parseOrders,
  parsePosition,
  perpSymbol,
} from "./parse.ts";
import { type BackpackSigner, DEFAULT_WINDOW_MS, type SignedParams } from "./signer.ts";

/** Paths of the REST API. */
export const BACKPACK_PATHS = {
  markets: "/api/v1/markets",
  market: "/api/v1/market",
  depth: "/api/v1/depth",
  order: "/api/v1/order",
  orders: "/api/v1/orders",
  position: "/api/v1/position",
  orderHistory: "/wapi/v1/history/orders",
  fillHistory: "/wapi/v1/history/fills",
} as const;

/** How many orders of the history are searched for a client id after an uncertain placement. */
const HISTORY_SEARCH_LIMIT = 100;
/** Client ids whose placement outcome is unknown, remembered at most. */
const UNCERTAIN_REMEMBERED = 1000;

/** How to build a {@link BackpackClient}. */
export interface BackpackClientOptions {
  /** `https://api.backpack.exchange`, or a fake's address. */
  readonly baseUrl: string;
  readonly signer: BackpackSigner;
  readonly clock: Clock;
  /** The perpetual symbol, `ETH_USDC_PERP`. */
  readonly symbol: string;
  readonly fetch?: typeof fetch;
  readonly redact?: (text: string) => string;
  /** Validity window of signed requests, ms (default 5000). */
  readonly windowMs?: number;
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

interface Call {
  readonly method: HttpMethod;
  readonly path: string;
  /** Signing instruction; absent for public endpoints. */
  readonly instruction?: string;
  readonly params?: SignedParams;
}

/** REST access to one Backpack perpetual market. */
export class BackpackClient {
  readonly symbol: string;
  readonly #http: HttpClient;
  readonly #opts: BackpackClientOptions;
  readonly #base: string;
  /** Client ids of placements that may have reached the venue without an answer, oldest first. */
  readonly #uncertain = new UncertainPlacements(UNCERTAIN_REMEMBERED);

  constructor(options: BackpackClientOptions) {
    this.#opts = options;
    this.symbol = options.symbol;
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#http = new HttpClient({
      venue: "backpack",
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      userAgent: "perpbot",
      now: () => options.clock.now(),
    });
  }

  /**
   * The rules of the perpetual market of `ticker`.
   * @throws UnknownMarketError when the venue lists no `<TICKER>_USDC_PERP` perpetual
   */
  async market(ticker: string): Promise<Market> {
    let json: unknown;
    try {
      json = await this.#json({ method: "GET", path: BACKPACK_PATHS.markets });
    } catch (e) {
      if (!(e instanceof VenueRejectedError)) throw e;
      // Some deployments serve only the single-market endpoint.
      json = await this.#json({
        method: "GET",
        path: BACKPACK_PATHS.market,
        params: { symbol: this.symbol },
      });
    }
    const market = this.#checked(() => parseMarket(json, ticker));
    if (market === undefined || market.symbol !== this.symbol) {
      throw new UnknownMarketError(
        `backpack has no perpetual market ${perpSymbol(ticker)} for ticker "${ticker}"`,
      );
    }
    const state = marketState(json, this.symbol);
    if (state === "Closed") {
      throw new UnknownMarketError(`backpack market ${this.symbol} is closed`);
    }
    return market;
  }

  /** Best bid and ask from the order book. */
  async depth(): Promise<Bbo> {
    const json = await this.#json({
      method: "GET",
      path: BACKPACK_PATHS.depth,
      params: { symbol: this.symbol, limit: "5" },
    });
    return this.#checked(() => parseDepth(json, this.symbol));
  }

  /**
   * Places a limit order (post-only when asked). A post-only order that would cross resolves as
   * `{kind: "rejected", postOnlyWouldCross: true}`; other rejections throw {@link VenueRejectedError}.
   */
  async placeLimit(req: LimitOrderRequest): Promise<PlaceResult> {
    const clientId = checkClientId(req.clientId);
    const body: SignedParams = {
      symbol: this.symbol,
      side: venueSide(req.side),
      orderType: "Limit",
      quantity: plainPositive("backpack", "quantity", req.quantity),
      price: plainPositive("backpack", "price", req.price),
      timeInForce: "GTC",
      clientId,
      ...(req.postOnly ? { postOnly: true } : {}),
      ...(req.reduceOnly ? { reduceOnly: true } : {}),
    };
    return await this.#place(body, req.clientId, req.postOnly);
  }

  /** Places a market order; resolves with the venue's answer (normally already filled). */
  async placeMarket(req: MarketOrderRequest): Promise<BackpackOrder> {
    const clientId = checkClientId(req.clientId);
    const body: SignedParams = {
      symbol: this.symbol,
      side: venueSide(req.side),
      orderType: "Market",
      quantity: plainPositive("backpack", "quantity", req.quantity),
      clientId,
      ...(req.reduceOnly ? { reduceOnly: true } : {}),
    };
    const result = await this.#place(body, req.clientId, false);
    if (result.kind === "rejected") {
      throw new VenueRejectedError(
        `Cannot place market ${req.side} ${req.quantity} on backpack: ${result.reason}`,
      );
    }
    return result.order as BackpackOrder;
  }

  async #place(body: SignedParams, clientId: string, postOnly: boolean): Promise<PlaceResult> {
    return await this.#retry(async () => {
      if (this.#uncertain.has(clientId)) {
        // An earlier attempt may have placed it, or may still be queued: ask, and while the lost request can
        // still execute (its signature window), wait for that to pass and ask again before sending it anew.
        // One attempt per lookup: this whole block is already retried, and nested retries multiply requests.
        let existing = await this.#findByClientId(clientId, false);
        const wait = this.#uncertain.waitMs(clientId, this.#opts.clock.now());
        if (existing === undefined && wait > 0) {
          await this.#opts.clock.sleep(wait);
          existing = await this.#findByClientId(clientId, false);
        }
        if (existing !== undefined) {
          this.#uncertain.clear(clientId);
          return { kind: "accepted", order: existing };
        }
      }
      const sentAt = this.#opts.clock.now();
      let res: HttpResponse;
      try {
        res = await this.#send({
          method: "POST",
          path: BACKPACK_PATHS.order,
          instruction: "orderExecute",
          params: body,
        });
      } catch (e) {
        // A timeout or a 5xx may hide an order that was placed; a rate limit was a refusal.
        if (e instanceof VenueUnavailableError) {
          this.#uncertain.mark(clientId, sentAt, this.#opts.windowMs ?? DEFAULT_WINDOW_MS);
        }
        throw e;
      }
      if (res.ok) {
        this.#uncertain.clear(clientId);
        const order = this.#checked(() => parseOrder(res.json(), "placed order"));
        // An order answered as already expired with nothing filled was the venue refusing to let it take.
        if (
          postOnly && order.filled.isZero() &&
          (order.venueStatus === "Expired" || order.venueStatus === "Cancelled")
        ) {
          return {
            kind: "rejected",
            reason: `post-only order ${order.orderId} ${order.venueStatus.toLowerCase()} at placement`,
            postOnlyWouldCross: true,
          };
        }
        return { kind: "accepted", order };
      }
      const err = parseApiError(res.text);
      if (isPostOnlyCross(err)) {
        this.#uncertain.clear(clientId);
        return {
          kind: "rejected",
          reason: res.redact(
            `${err.code ?? `HTTP ${res.status}`}: ${err.message ?? "post-only would cross"}`,
          ),
          postOnlyWouldCross: true,
        };
      }
      if (isDuplicateClientId(err)) {
        const existing = await this.#findByClientId(clientId, false);
        if (existing !== undefined) {
          this.#uncertain.clear(clientId);
          return { kind: "accepted", order: existing };
        }
      }
      this.#uncertain.clear(clientId);
      throw this.#rejection(res);
    });
  }

  /**
   * Cancels one order; resolves with its final state (filled quantity included). An order that is no longer
   * on the book (filled, or cancelled by an earlier attempt) resolves with its state from the history.
   */
  async cancel(orderId: string): Promise<BackpackOrder> {
    const res = await this.#retry(() =>
      this.#send({
        method: "DELETE",
        path: BACKPACK_PATHS.order,
        instruction: "orderCancel",
        params: { symbol: this.symbol, orderId },
      })
    );
    if (res.ok) return this.#checked(() => parseOrder(res.json(), "cancelled order"));
    if (isNotFound(res.status, parseApiError(res.text))) {
      const known = await this.order(orderId);
      if (known !== undefined) return known;
      throw new VenueRejectedError(`Cannot cancel order "${orderId}" on backpack: unknown order`, {
        code: parseApiError(res.text).code ?? "RESOURCE_NOT_FOUND",
      });
    }
    throw this.#rejection(res);
  }

  /** Cancels every resting order of the market; resolves with the final state of each. */
  async cancelAll(): Promise<BackpackOrder[]> {
    const res = await this.#retry(async () => {
      const r = await this.#send({
        method: "DELETE",
        path: BACKPACK_PATHS.orders,
        instruction: "orderCancelAll",
        params: { symbol: this.symbol },
      });
      if (!r.ok) throw this.#rejection(r);
      return r;
    });
    const text = res.text.trim();
    if (res.status !== 202 && text !== "") {
      const json = res.json();
      if (Array.isArray(json)) return this.#checked(() => parseOrders(json, this.symbol, "cancelled orders"));
    }
    // Accepted for later processing: cancel what is still open one by one, to report each final state.
    const left = await this.openOrders();
    const out: BackpackOrder[] = [];
    for (const o of left) out.push(await this.cancel(o.orderId));
    return out;
  }

  /** Resting orders of the market. */
  async openOrders(): Promise<BackpackOrder[]> {
    const json = await this.#json({
      method: "GET",
      path: BACKPACK_PATHS.orders,
      instruction: "orderQueryAll",
      params: { symbol: this.symbol },
    });
    return this.#checked(() => parseOrders(json, this.symbol, "open orders"));
  }

  /** One order by id: the book first, then the history; `undefined` when neither knows it. */
  async order(orderId: string): Promise<BackpackOrder | undefined> {
    const resting = await this.#lookup({ symbol: this.symbol, orderId });
    if (resting !== undefined) return resting;
    const history = await this.#history({ symbol: this.symbol, orderId });
    return history.find((o) => o.orderId === orderId);
  }

  /** One order by client id: the book first, then the recent history. */
  async orderByClientId(clientId: string): Promise<BackpackOrder | undefined> {
    return await this.#findByClientId(clientId, true);
  }

  /** {@link orderByClientId}; with `retrying` false each request is sent once (the caller retries). */
  async #findByClientId(clientId: string, retrying: boolean): Promise<BackpackOrder | undefined> {
    const id = checkClientId(clientId);
    const resting = await this.#lookup({ symbol: this.symbol, clientId: id }, retrying);
    if (resting !== undefined && resting.clientId === clientId) return resting;
    const history = await this.#history({ symbol: this.symbol, limit: HISTORY_SEARCH_LIMIT }, retrying);
    const matches = history.filter((o) => o.clientId === clientId);
    return matches.find((o) => !isTerminal(o.status)) ?? matches[0];
  }

  /** The fees paid by the fills of one order, summed; `undefined` when the venue lists no fill of it. */
  async fillFees(orderId: string): Promise<Decimal | undefined> {
    const json = await this.#json({
      method: "GET",
      path: BACKPACK_PATHS.fillHistory,
      instruction: "fillHistoryQueryAll",
      params: { symbol: this.symbol, orderId, limit: HISTORY_SEARCH_LIMIT },
    });
    return this.#checked(() => parseFillFees(json, orderId));
  }

  /** Signed position of the market: positive long, negative short. */
  async position(): Promise<Decimal> {
    const json = await this.#json({
      method: "GET",
      path: BACKPACK_PATHS.position,
      instruction: "positionQuery",
    });
    return this.#checked(() => parsePosition(json, this.symbol));
  }

  async #lookup(params: SignedParams, retrying = true): Promise<BackpackOrder | undefined> {
    const res = await this.#maybeRetry(
      retrying,
      () => this.#send({ method: "GET", path: BACKPACK_PATHS.order, instruction: "orderQuery", params }),
    );
    if (res.ok) return this.#checked(() => parseOrder(res.json(), "order"));
    if (isNotFound(res.status, parseApiError(res.text))) return undefined;
    throw this.#rejection(res);
  }

  async #history(params: SignedParams, retrying = true): Promise<BackpackOrder[]> {
    const res = await this.#maybeRetry(retrying, () =>
      this.#send({
        method: "GET",
        path: BACKPACK_PATHS.orderHistory,
        instruction: "orderHistoryQueryAll",
        params,
      }));
    if (res.ok) return this.#checked(() => parseOrders(res.json(), this.symbol, "order history"));
    if (isNotFound(res.status, parseApiError(res.text))) return [];
    throw this.#rejection(res);
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

  /** Sends a call (with retries) and returns its JSON body; a non-2xx answer throws. */
  async #json(call: Call): Promise<unknown> {
    const res = await this.#retry(() => this.#send(call));
    if (!res.ok) throw this.#rejection(res);
    return res.json();
  }

  #rejection(res: HttpResponse): Error {
    try {
      throwForStatus(res, (r) => {
        const e = parseApiError(r.text);
        return { code: e.code, reason: e.message };
      });
    } catch (e) {
      return e as Error;
    }
    return new VenueRejectedError(`backpack ${res.method} ${res.path} failed: HTTP ${res.status}`);
  }

  async #maybeRetry<T>(retrying: boolean, fn: () => Promise<T>): Promise<T> {
    return retrying ? await this.#retry(fn) : await fn();
  }

  async #retry<T>(fn: () => Promise<T>): Promise<T> {
    return await retryRest(fn, this.#opts);
  }

  /** One HTTP request, signed when the call has an instruction. Resolves for any non-mapped status. */
  async #send(call: Call): Promise<HttpResponse> {
    const params = call.params ?? {};
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.instruction !== undefined) {
      const windowMs = this.#opts.windowMs ?? DEFAULT_WINDOW_MS;
      const signed = this.#opts.signer.sign(
        call.instruction,
        params,
        Math.floor(this.#opts.clock.now()),
        windowMs,
      );
      Object.assign(headers, signed.headers);
    }
    let url = `${this.#base}${call.path}`;
    let body: string | undefined;
    const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, unknown][];
    if (call.method === "GET") {
      if (entries.length > 0) {
        url += `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
      }
    } else {
      body = JSON.stringify(Object.fromEntries(entries));
      headers["content-type"] = "application/json; charset=utf-8";
    }
    return await this.#http.request({
      method: call.method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(this.#opts.timeoutMs === undefined ? {} : { timeoutMs: this.#opts.timeoutMs }),
    });
  }
}

function venueSide(side: Side): "Bid" | "Ask" {
  return side === "buy" ? "Bid" : "Ask";
}

/** The bot's client ids are decimal integers in [1, 2^32); Backpack's field is a uint32. */
function checkClientId(clientId: string): number {
  if (!/^\d{1,10}$/.test(clientId)) {
    throw new VenueRejectedError(`Client id "${clientId}" is not a uint32 as backpack requires`);
  }
  const n = Number(clientId);
  if (n < 1 || n >= 2 ** 32) {
    throw new VenueRejectedError(`Client id "${clientId}" is outside [1, 2^32) as backpack requires`);
  }
  return n;
}
