/**
 * Validation of everything Aster sends: REST answers and stream messages become venue types here, or a
 * {@link VenueDataError} that names the field and the bad value. Nothing downstream acts on unchecked data.
 *
 * Venue vocabulary handled here: sides `BUY`/`SELL`; statuses `NEW`, `PARTIALLY_FILLED`, `FILLED`,
 * `CANCELED`, `EXPIRED` (a post-only `GTX` order that would have crossed), `REJECTED`, and the liquidation
 * statuses `NEW_INSURANCE`/`NEW_ADL`; decimals as strings; order ids as integers; errors as
 * `{"code": -1121, "msg": "…"}`.
 * @module
 */
import { Decimal, ZERO } from "../decimal.ts";
import type { Bbo, Market, OrderSnapshot, OrderStatus, Side } from "../venue.ts";
import { type Json, type JsonChecks, jsonChecks, show } from "../json_checks.ts";

/** The perpetual symbol of a ticker: `SOL` → `SOLUSDT`. */
export function perpSymbol(ticker: string): string {
  return `${ticker.toUpperCase()}USDT`;
}

/** Quote asset of every market this adapter trades; fees in it are the only ones counted. */
export const QUOTE_ASSET = "USDT";

/** Requests per minute allowed by weight when `exchangeInfo` names no `REQUEST_WEIGHT` limit. */
export const DEFAULT_WEIGHT_LIMIT = 2400;

const checks = jsonChecks("aster");
// Typed apart: a call of a function that returns `never` narrows only when its type is written out.
const fail: JsonChecks["fail"] = checks.fail;
const {
  array,
  decimal,
  object,
  optionalBoolean,
  optionalDecimal,
  optionalInteger,
  optionalString,
  string,
} = checks;

/** An order id: a non-negative safe integer, or its digits. */
function orderId(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return v;
  fail(where, `${key} must be an order id, got ${show(v)}`);
}

function side(v: unknown, where: string): Side {
  if (v === "BUY") return "buy";
  if (v === "SELL") return "sell";
  fail(where, `side must be "BUY" or "SELL", got ${show(v)}`);
}

/** Aster order status → normalised status. */
const STATUSES: Readonly<Record<string, OrderStatus>> = {
  NEW: "OPEN",
  PARTIALLY_FILLED: "PARTIALLY_FILLED",
  FILLED: "FILLED",
  CANCELED: "CANCELED",
  EXPIRED: "CANCELED",
  REJECTED: "REJECTED",
  NEW_INSURANCE: "OPEN",
  NEW_ADL: "OPEN",
};

function status(v: unknown, where: string): OrderStatus {
  // Own keys only: "toString" or "__proto__" would otherwise read the object's prototype.
  const s = typeof v === "string" && Object.hasOwn(STATUSES, v) ? STATUSES[v] : undefined;
  if (s === undefined) fail(where, `unknown order status ${show(v)}`);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Markets

/** The market of a ticker and the account's request-weight budget, from `exchangeInfo`. */
export interface ExchangeInfo {
  /** Undefined when the venue lists no such symbol. */
  readonly market: Market | undefined;
  /** The symbol's trading status (`TRADING`, `SETTLING`, …), when listed. */
  readonly status: string | undefined;
  /** `REQUEST_WEIGHT` per minute. */
  readonly weightLimit: number;
}

/**
 * Reads `exchangeInfo`: the `<TICKER>USDT` symbol's `PRICE_FILTER.tickSize` and `LOT_SIZE.stepSize/minQty`
 * (never `pricePrecision`), and the per-minute `REQUEST_WEIGHT` limit.
 */
export function parseExchangeInfo(json: unknown, ticker: string): ExchangeInfo {
  const where = "exchangeInfo";
  const root = object(json, where);
  const symbol = perpSymbol(ticker);
  let weightLimit = DEFAULT_WEIGHT_LIMIT;
  if (root.rateLimits !== undefined && root.rateLimits !== null) {
    for (const [i, raw] of array(root.rateLimits, `${where} rateLimits`).entries()) {
      const r = object(raw, `${where} rateLimits[${i}]`);
      if (r.rateLimitType !== "REQUEST_WEIGHT") continue;
      const at = `${where} rateLimits[${i}]`;
      const limit = optionalInteger(r, "limit", at);
      const intervalNum = optionalInteger(r, "intervalNum", at) ?? 1;
      if (limit === undefined || limit <= 0) fail(at, `limit must be > 0, got ${show(r.limit)}`);
      if (r.interval === "MINUTE" && intervalNum === 1) weightLimit = limit;
    }
  }
  const symbols = array(root.symbols, `${where} symbols`);
  for (const [i, raw] of symbols.entries()) {
    const s = object(raw, `${where} symbols[${i}]`);
    if (s.symbol !== symbol) continue;
    const at = `${where} ${symbol}`;
    if (s.contractType !== undefined && s.contractType !== "PERPETUAL") continue;
    let tick: Decimal | undefined;
    let step: Decimal | undefined;
    let minQty: Decimal | undefined;
    for (const [j, f] of array(s.filters, `${at} filters`).entries()) {
      const filter = object(f, `${at} filters[${j}]`);
      if (filter.filterType === "PRICE_FILTER") {
        tick = decimal(filter, "tickSize", `${at} PRICE_FILTER`, "positive");
      } else if (filter.filterType === "LOT_SIZE") {
        step = decimal(filter, "stepSize", `${at} LOT_SIZE`, "positive");
        minQty = decimal(filter, "minQty", `${at} LOT_SIZE`, "nonNegative");
      }
    }
    if (tick === undefined) fail(at, "has no PRICE_FILTER");
    if (step === undefined || minQty === undefined) fail(at, "has no LOT_SIZE");
    return {
      market: {
        ticker: ticker.toUpperCase(),
        symbol,
        // Trailing zeros carry no meaning ("0.00100000" is 0.001); integer ticks ("10") stay integers.
        tickSize: tick,
        stepSize: step,
        minQuantity: minQty.gt(0) ? minQty : step,
      },
      status: optionalString(s, "status", at),
      weightLimit,
    };
  }
  return { market: undefined, status: undefined, weightLimit };
}

/** Best bid and ask from `GET ticker/bookTicker`; a crossed or empty book is a {@link VenueDataError}. */
export function parseBookTicker(json: unknown, symbol: string): Bbo {
  const where = "bookTicker";
  const o = object(json, where);
  if (o.symbol !== symbol) fail(where, `symbol must be ${symbol}, got ${show(o.symbol)}`);
  return bbo(decimal(o, "bidPrice", where, "positive"), decimal(o, "askPrice", where, "positive"), where);
}

function bbo(bid: Decimal, ask: Decimal, where: string): Bbo {
  if (!bid.lt(ask)) fail(where, `crossed book: bid ${bid} >= ask ${ask}`);
  return { bid, ask };
}

// ---------------------------------------------------------------------------------------------------------
// Orders

/** An order as Aster reports it over REST, normalised, with the venue's own fields kept for decisions. */
export interface AsterOrder extends OrderSnapshot {
  readonly symbol: string;
  /** `NEW`, `EXPIRED`, …: `EXPIRED` with nothing filled on a `GTX` order means it would have crossed. */
  readonly venueStatus: string;
  /** `LIMIT`, `MARKET`, … */
  readonly type: string;
  readonly timeInForce: string | undefined;
  readonly updateTime: number | undefined;
}

/** One order from `POST /order`, `GET /order`, `DELETE /order` or `GET /openOrders`. */
export function parseOrder(json: unknown, what: string): AsterOrder {
  const o = object(json, what);
  const id = orderId(o, "orderId", what);
  const where = `${what} ${id}`;
  const venueStatus = string(o, "status", where);
  const type = string(o, "type", where);
  const quantity = decimal(o, "origQty", where, "positive");
  const filled = decimal(o, "executedQty", where, "nonNegative");
  if (filled.gt(quantity)) fail(where, `executedQty ${filled} exceeds origQty ${quantity}`);
  const limitPrice = decimal(o, "price", where, "nonNegative");
  const avg = optionalDecimal(o, "avgPrice", where, "nonNegative");
  const avgPrice = avg !== undefined && avg.gt(0) && filled.gt(0) ? avg : undefined;
  if (type === "LIMIT" && limitPrice.isZero()) fail(where, "a LIMIT order must have a price > 0");
  const clientId = optionalString(o, "clientOrderId", where);
  const reduceOnly = optionalBoolean(o, "reduceOnly", where);
  return {
    orderId: id,
    symbol: string(o, "symbol", where),
    side: side(o.side, where),
    status: status(venueStatus, where),
    venueStatus,
    type,
    // A market order has no limit price: its average fill price stands in when known.
    price: limitPrice.isZero() ? (avgPrice ?? ZERO) : limitPrice,
    quantity,
    filled,
    timeInForce: optionalString(o, "timeInForce", where),
    updateTime: optionalInteger(o, "updateTime", where),
    ...(clientId === undefined ? {} : { clientId }),
    ...(avgPrice === undefined ? {} : { avgPrice }),
    ...(reduceOnly === undefined ? {} : { reduceOnly }),
  };
}

/** Order types this adapter places; the others (stops, take-profits, trailing stops) are not its orders. */
const OWN_TYPES: ReadonlySet<unknown> = new Set(["LIMIT", "MARKET"]);

/**
 * A list of orders; every one must belong to `symbol`. Conditional orders (a `STOP_MARKET` with
 * `closePosition` has `origQty` 0, for example) are left out: the bot neither places nor manages them.
 */
export function parseOrders(json: unknown, symbol: string, what: string): AsterOrder[] {
  const out: AsterOrder[] = [];
  for (const [i, raw] of array(json, what).entries()) {
    const type = object(raw, `${what}[${i}]`).type;
    if (typeof type !== "string") fail(`${what}[${i}]`, `type must be a string, got ${show(type)}`);
    if (!OWN_TYPES.has(type)) continue;
    const order = parseOrder(raw, `${what}[${i}]`);
    if (order.symbol !== symbol) fail(`${what}[${i}]`, `symbol must be ${symbol}, got ${order.symbol}`);
    out.push(order);
  }
  return out;
}

/** True for a post-only order that the venue expired at once instead of letting it take liquidity. */
export function isPostOnlyExpiry(order: AsterOrder): boolean {
  return order.venueStatus === "EXPIRED" && order.filled.isZero() &&
    (order.timeInForce === undefined || order.timeInForce === "GTX");
}

// ---------------------------------------------------------------------------------------------------------
// Positions

/** The signed position of `symbol` from `positionRisk`: the sum of its entries (one per position side). */
export function parsePositionRisk(json: unknown, symbol: string): Decimal {
  const where = "positionRisk";
  let total = ZERO;
  for (const [i, raw] of array(json, where).entries()) {
    const p = object(raw, `${where}[${i}]`);
    if (typeof p.symbol !== "string") {
      fail(`${where}[${i}]`, `symbol must be a string, got ${show(p.symbol)}`);
    }
    if (p.symbol !== symbol) continue;
    total = total.plus(decimal(p, "positionAmt", `${where} ${symbol}`, "any"));
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------
// Listen keys and errors

/** The key of `POST listenKey`. */
export function parseListenKey(json: unknown): string {
  const o = object(json, "listenKey");
  const key = string(o, "listenKey", "listenKey");
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(key)) fail("listenKey", "listenKey has unexpected characters");
  return key;
}

/** The venue's error body, as far as it can be read. */
export interface AsterApiError {
  readonly code: number | undefined;
  readonly msg: string | undefined;
}

/** `{"code": -2011, "msg": "…"}`; anything else gives undefined fields. */
export function parseApiError(text: string): AsterApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: undefined, msg: undefined };
  }
  if (typeof json !== "object" || json === null) return { code: undefined, msg: undefined };
  const o = json as Json;
  const code = typeof o.code === "number" && Number.isSafeInteger(o.code)
    ? o.code
    : typeof o.code === "string" && /^-?\d{1,15}$/.test(o.code)
    ? Number(o.code)
    : undefined;
  return { code, msg: typeof o.msg === "string" ? o.msg : undefined };
}

/** Error codes with a meaning for the adapter. */
export const ASTER_ERRORS = {
  tooManyRequests: -1003,
  timestampOutsideWindow: -1021,
  invalidSignature: -1022,
  cancelRejected: -2011,
  noSuchOrder: -2013,
  invalidKey: -2014,
  keyPermissions: -2015,
  duplicateClientId: -4116,
  nonceExpired: -4225,
  postOnlyRejected: -5022,
  listenKeyUnknown: -1125,
} as const;

/**
 * Error codes after which the request may still execute: the venue lost track of it (`-1000` unknown,
 * `-1001` disconnected, `-1006` unexpected response, `-1007` timeout waiting for the engine).
 */
export const ASTER_UNKNOWN_STATUS_CODES: ReadonlySet<number> = new Set([-1000, -1001, -1006, -1007]);

// ---------------------------------------------------------------------------------------------------------
// Streams

/**
 * An order update of the user-data stream. Its `fee` is left out: the venue reports the commission of each
 * trade (`n`, with `x: "TRADE"`), which the owner adds up per order (see {@link OrderFees}).
 */
export interface AsterOrderUpdate extends OrderSnapshot {
  readonly symbol: string;
  /** Event time, ms. */
  readonly eventTime: number;
  readonly venueStatus: string;
  /** `NEW`, `TRADE`, `CANCELED`, `EXPIRED`, `CALCULATED`. */
  readonly executionType: string;
  /** Commission of this trade in the quote asset; undefined when none, or charged in another asset. */
  readonly commission: Decimal | undefined;
}

/** One message of a stream, classified. */
export type AsterStreamMessage =
  | { readonly kind: "bookTicker"; readonly symbol: string; readonly bbo: Bbo }
  | { readonly kind: "order"; readonly update: AsterOrderUpdate }
  | { readonly kind: "listenKeyExpired" }
  | { readonly kind: "other"; readonly event: string };

/**
 * Classifies a stream frame (raw, or wrapped as `{"stream", "data"}`). A malformed `bookTicker` or
 * `ORDER_TRADE_UPDATE` is a {@link VenueDataError}.
 */
export function parseStreamMessage(text: string): AsterStreamMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail("stream", `message is not JSON: ${show(text)}`);
  }
  let o = object(json, "stream message");
  if (typeof o.stream === "string" && typeof o.data === "object" && o.data !== null) {
    o = object(o.data, "stream message data");
  }
  const event = o.e;
  if (event === "bookTicker") {
    const where = "bookTicker event";
    const symbol = string(o, "s", where);
    return {
      kind: "bookTicker",
      symbol,
      bbo: bbo(decimal(o, "b", where, "positive"), decimal(o, "a", where, "positive"), where),
    };
  }
  if (event === "ORDER_TRADE_UPDATE") {
    // Conditional orders (stops, take-profits) are not the bot's; their updates are passed over.
    const type = typeof o.o === "object" && o.o !== null ? (o.o as Json).o : undefined;
    if (typeof type === "string" && !OWN_TYPES.has(type)) return { kind: "other", event: `${event} ${type}` };
    return { kind: "order", update: parseOrderTradeUpdate(o) };
  }
  if (event === "listenKeyExpired") return { kind: "listenKeyExpired" };
  return { kind: "other", event: typeof event === "string" ? event : show(o.result ?? o) };
}

/** The `o` of an `ORDER_TRADE_UPDATE`: `z` cumulative filled, `ap` average price, `n` this trade's commission. */
export function parseOrderTradeUpdate(event: Json): AsterOrderUpdate {
  const o = object(event.o, "ORDER_TRADE_UPDATE o");
  const id = orderId(o, "i", "ORDER_TRADE_UPDATE");
  const where = `ORDER_TRADE_UPDATE ${id}`;
  const eventTime = optionalInteger(event, "E", where) ?? 0;
  const venueStatus = string(o, "X", where);
  const quantity = decimal(o, "q", where, "positive");
  const filled = decimal(o, "z", where, "nonNegative");
  if (filled.gt(quantity)) fail(where, `z ${filled} exceeds q ${quantity}`);
  const limitPrice = decimal(o, "p", where, "nonNegative");
  const avg = optionalDecimal(o, "ap", where, "nonNegative");
  const avgPrice = avg !== undefined && avg.gt(0) && filled.gt(0) ? avg : undefined;
  const commission = optionalDecimal(o, "n", where, "any");
  const asset = optionalString(o, "N", where);
  // A commission in another asset (a fee token) is not a quote amount and is left out.
  const quoteCommission = commission !== undefined && (asset === undefined || asset === QUOTE_ASSET)
    ? commission
    : undefined;
  const clientId = optionalString(o, "c", where);
  const reduceOnly = optionalBoolean(o, "R", where);
  return {
    orderId: id,
    symbol: string(o, "s", where),
    eventTime,
    venueStatus,
    executionType: typeof o.x === "string" ? o.x : "",
    commission: quoteCommission,
    side: side(o.S, where),
    status: status(venueStatus, where),
    price: limitPrice.isZero() ? (avgPrice ?? ZERO) : limitPrice,
    quantity,
    filled,
    ...(clientId === undefined ? {} : { clientId }),
    ...(avgPrice === undefined ? {} : { avgPrice }),
    ...(reduceOnly === undefined ? {} : { reduceOnly }),
  };
}

/** Orders whose trade commissions are remembered, at most. */
const FEE_ORDERS_REMEMBERED = 2000;

/**
 * Cumulative fee per order, from the commission of each trade. A trade is identified by the order's
 * cumulative filled quantity after it (`z`), which no other trade of the order shares, so a duplicated event
 * is counted once and a reordered one still adds up.
 */
export class OrderFees {
  readonly #byOrder = new Map<string, Map<string, Decimal>>();

  /** Records the update's trade commission (if any); returns the order's fee so far, if any is known. */
  add(update: AsterOrderUpdate): Decimal | undefined {
    let trades = this.#byOrder.get(update.orderId);
    if (update.executionType === "TRADE" && update.commission !== undefined) {
      if (trades === undefined) {
        trades = new Map();
        this.#byOrder.set(update.orderId, trades);
        if (this.#byOrder.size > FEE_ORDERS_REMEMBERED) {
          this.#byOrder.delete(this.#byOrder.keys().next().value!);
        }
      }
      trades.set(update.filled.toFixed(), update.commission);
    }
    if (trades === undefined) return undefined;
    let total = ZERO;
    for (const c of trades.values()) total = total.plus(c);
    return total;
  }

  /** The filled quantity the recorded commissions account for (the largest `z` of a trade), if any. */
  covered(orderId: string): Decimal | undefined {
    const trades = this.#byOrder.get(orderId);
    if (trades === undefined) return undefined;
    let most: Decimal | undefined;
    for (const z of trades.keys()) {
      const d = new Decimal(z);
      if (most === undefined || d.gt(most)) most = d;
    }
    return most;
  }
}
