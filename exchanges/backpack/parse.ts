/**
 * Validation of everything Backpack sends: REST answers and stream messages become venue types here, or a
 * {@link VenueDataError} that names the field and the bad value. Nothing downstream acts on unchecked data.
 *
 * Venue vocabulary handled here: sides `Bid`/`Ask`, statuses `New`, `PartiallyFilled`, `Filled`,
 * `Cancelled`, `Expired`, `TriggerPending`, `TriggerFailed`; decimals as strings.
 * @module
 */
import { type Decimal, ZERO } from "../decimal.ts";
import type { Bbo, Market, OrderSnapshot, OrderStatus, Side } from "../venue.ts";
import { type Json, type JsonChecks, jsonChecks, show } from "../json_checks.ts";

/** The perpetual symbol of a ticker: `ETH` → `ETH_USDC_PERP`. */
export function perpSymbol(ticker: string): string {
  return `${ticker.toUpperCase()}_USDC_PERP`;
}

const checks = jsonChecks("backpack");
// Typed apart: a call of a function that returns `never` narrows only when its type is written out.
const fail: JsonChecks["fail"] = checks.fail;
const { array, decimal, decimalValue, object, optionalBoolean, optionalDecimal, string } = checks;

/** An id: a string, or a safe integer (larger numbers would already have lost digits in JSON.parse). */
function id(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
  fail(where, `${key} must be an order id, got ${show(v)}`);
}

/** A client id: an integer in [0, 2^32), as a number or digits. */
function optionalClientId(o: Json, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number"
    ? v
    : typeof v === "string" && /^\d{1,10}$/.test(v)
    ? Number(v)
    : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) fail(where, `${key} must be a uint32, got ${show(v)}`);
  return String(n);
}

function side(v: unknown, where: string): Side {
  if (v === "Bid") return "buy";
  if (v === "Ask") return "sell";
  fail(where, `side must be "Bid" or "Ask", got ${show(v)}`);
}

/** Backpack status → normalised status. */
const STATUSES: Readonly<Record<string, OrderStatus>> = {
  New: "OPEN",
  PartiallyFilled: "PARTIALLY_FILLED",
  Filled: "FILLED",
  Cancelled: "CANCELED",
  Expired: "CANCELED",
  TriggerPending: "OPEN",
  TriggerFailed: "REJECTED",
};

function status(v: unknown, where: string): OrderStatus {
  if (typeof v === "string" && Object.hasOwn(STATUSES, v)) return STATUSES[v]!;
  fail(where, `unknown order status ${show(v)}`);
}

/** A working order with fills is partially filled; a "partially filled" one without fills is open. */
function consistent(s: OrderStatus, filled: Decimal, quantity: Decimal): OrderStatus {
  if (s === "OPEN" || s === "PARTIALLY_FILLED") {
    if (filled.gt(0) && filled.gte(quantity)) return "FILLED";
    return filled.gt(0) ? "PARTIALLY_FILLED" : "OPEN";
  }
  return s;
}

/**
 * The average fill price, when the executed quote quantity gives one. A zero quote with fills gives none (the
 * limit price is then used), rather than a trade at 0 entering the statistics and the CSV.
 */
function averagePrice(quote: Decimal | undefined, filled: Decimal): Decimal | undefined {
  return quote !== undefined && filled.gt(0) && quote.gt(0) ? quote.div(filled) : undefined;
}

/** Market rules of `symbol` from `GET /api/v1/markets` (an array) or `GET /api/v1/market` (one object). */
export function parseMarket(json: unknown, ticker: string): Market | undefined {
  const symbol = perpSymbol(ticker);
  const where = "markets";
  const list = Array.isArray(json) ? json : [object(json, where)];
  const found = list.find((m) => typeof m === "object" && m !== null && (m as Json).symbol === symbol);
  if (found === undefined) return undefined;
  const m = object(found, `market ${symbol}`);
  const at = `market ${symbol}`;
  if (m.marketType !== undefined && m.marketType !== "PERP") return undefined;
  const filters = object(m.filters, `${at} filters`);
  const price = object(filters.price, `${at} filters.price`);
  const quantity = object(filters.quantity, `${at} filters.quantity`);
  const tickSize = decimal(price, "tickSize", `${at} filters.price`, "positive");
  const stepSize = decimal(quantity, "stepSize", `${at} filters.quantity`, "positive");
  const minQuantity = optionalDecimal(quantity, "minQuantity", `${at} filters.quantity`, "nonNegative") ??
    stepSize;
  return { ticker: ticker.toUpperCase(), symbol, tickSize, stepSize, minQuantity };
}

/** The trading state of a market when the venue reports it (`Open`, `PostOnly`, `Closed`, …). */
export function marketState(json: unknown, symbol: string): string | undefined {
  const list = Array.isArray(json) ? json : [json];
  const found = list.find((m) => typeof m === "object" && m !== null && (m as Json).symbol === symbol) as
    | Json
    | undefined;
  const state = found?.orderBookState;
  return typeof state === "string" ? state : undefined;
}

/**
 * Best bid and ask of `GET /api/v1/depth`: levels are sorted here (the venue's order is not relied on), empty
 * levels skipped; an empty side, a bad level or a crossed book is a {@link VenueDataError}.
 */
export function parseDepth(json: unknown, symbol: string): Bbo {
  const where = `depth ${symbol}`;
  const o = object(json, where);
  const best = (key: "bids" | "asks"): Decimal => {
    const levels = array(o[key], `${where} ${key}`);
    let top: Decimal | undefined;
    levels.forEach((level, i) => {
      const pair = array(level, `${where} ${key}[${i}]`);
      if (pair.length < 2) fail(where, `${key}[${i}] must be [price, quantity], got ${show(level)}`);
      const price = decimalValue(pair[0], `${key}[${i}] price`, where, "positive");
      const size = decimalValue(pair[1], `${key}[${i}] quantity`, where, "nonNegative");
      if (size.isZero()) return;
      if (top === undefined || (key === "bids" ? price.gt(top) : price.lt(top))) top = price;
    });
    if (top === undefined) fail(where, `no ${key} in the book`);
    return top;
  };
  return checkBbo(best("bids"), best("asks"), where);
}

function checkBbo(bid: Decimal, ask: Decimal, where: string): Bbo {
  if (!bid.lt(ask)) fail(where, `crossed book: bid ${bid} >= ask ${ask}`);
  return { bid, ask };
}

/** A REST order (placement answer, cancel answer, open order, order query, order history). */
export interface BackpackOrder extends OrderSnapshot {
  readonly symbol: string | undefined;
  /** The venue's status word (`Expired`, …), for decisions the normalised status hides. */
  readonly venueStatus: string;
  readonly postOnly: boolean | undefined;
}

/** One REST order object. */
export function parseOrder(json: unknown, where = "order"): BackpackOrder {
  const o = object(json, where);
  const orderId = id(o, "id", where);
  const at = `${where} ${orderId}`;
  const quantity = decimal(o, "quantity", at, "nonNegative");
  const filled = decimal(o, "executedQuantity", at, "nonNegative");
  if (filled.gt(quantity) && quantity.gt(0)) {
    fail(at, `executedQuantity ${filled} exceeds quantity ${quantity}`);
  }
  const quote = optionalDecimal(o, "executedQuoteQuantity", at, "nonNegative");
  // A market order has no limit price.
  const price = o.price === undefined || o.price === null ? ZERO : decimal(o, "price", at, "positive");
  const venueStatus = string(o, "status", at);
  const clientId = optionalClientId(o, "clientId", at);
  const reduceOnly = optionalBoolean(o, "reduceOnly", at);
  const postOnly = optionalBoolean(o, "postOnly", at);
  const symbol = o.symbol === undefined ? undefined : string(o, "symbol", at);
  const avgPrice = averagePrice(quote, filled);
  return {
    orderId,
    side: side(o.side, at),
    status: consistent(status(venueStatus, at), filled, quantity),
    price,
    quantity,
    filled,
    venueStatus,
    symbol,
    postOnly,
    ...(clientId === undefined ? {} : { clientId }),
    ...(avgPrice === undefined ? {} : { avgPrice }),
    ...(reduceOnly === undefined ? {} : { reduceOnly }),
  };
}

/** An array of REST orders, keeping those of `symbol` (orders that name no symbol are kept). */
export function parseOrders(json: unknown, symbol: string, where = "orders"): BackpackOrder[] {
  return array(json, where)
    .map((o, i) => parseOrder(o, `${where}[${i}]`))
    .filter((o) => o.symbol === undefined || o.symbol === symbol);
}

/** Signed position of `symbol` from `GET /api/v1/position` (an array); zero when the symbol is absent. */
export function parsePosition(json: unknown, symbol: string): Decimal {
  const where = "position";
  let total = ZERO;
  let seen = false;
  array(json, where).forEach((p, i) => {
    const o = object(p, `${where}[${i}]`);
    if (o.symbol !== symbol) return;
    if (seen) fail(where, `two positions for ${symbol}`);
    seen = true;
    total = decimal(o, "netQuantity", `${where} ${symbol}`, "any");
  });
  return total;
}

/**
 * The fees of the fills of `orderId` from `GET /wapi/v1/history/fills` (an array), summed; `undefined` when
 * the list holds no fill of that order.
 */
export function parseFillFees(json: unknown, orderId: string): Decimal | undefined {
  const where = "fill history";
  let total: Decimal | undefined;
  array(json, where).forEach((f, i) => {
    const o = object(f, `${where}[${i}]`);
    if (id(o, "orderId", `${where}[${i}]`) !== orderId) return;
    total = (total ?? ZERO).plus(decimal(o, "fee", `${where} ${orderId}`, "any"));
  });
  return total;
}

/** Backpack's error body `{code, message}`; fields that are not strings are left out. */
export function parseApiError(text: string): { code?: string; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== "object" || json === null) return {};
  const o = json as Json;
  const out: { code?: string; message?: string } = {};
  if (typeof o.code === "string" || typeof o.code === "number") out.code = String(o.code);
  if (typeof o.message === "string") out.message = o.message;
  return out;
}

/**
 * True for the rejection of a post-only order that would take liquidity. Backpack answers
 * `{"code":"INVALID_ORDER","message":"Order would immediately match and take"}`; the code is not unique to
 * this case, so the message decides.
 */
export function isPostOnlyCross(err: { code?: string | undefined; message?: string | undefined }): boolean {
  const m = err.message ?? "";
  return /immediately match|would (immediately )?(cross|match|take|fill)|post[- _]?only.*(cross|match|take)/i
    .test(m) ||
    /POST_?ONLY/i.test(err.code ?? "");
}

/** True for a rejection saying the client id is already used by another order. */
export function isDuplicateClientId(
  err: { code?: string | undefined; message?: string | undefined },
): boolean {
  const m = err.message ?? "";
  return (/client[ _-]?(order[ _-]?)?id/i.test(m) && /already|exist|duplicate|in use|not unique/i.test(m)) ||
    /DUPLICATE/i.test(err.code ?? "");
}

/** True for "no such order" (`RESOURCE_NOT_FOUND`, "Order not found"). */
export function isNotFound(
  status: number,
  err: { code?: string | undefined; message?: string | undefined },
): boolean {
  return status === 404 || err.code === "RESOURCE_NOT_FOUND" || /not found/i.test(err.message ?? "");
}

/** A stream message: data on a stream, an error, or something else (acknowledgements). */
export type StreamMessage =
  | { readonly kind: "data"; readonly stream: string; readonly data: Json }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "other" };

/** Parses one stream frame; throws {@link VenueDataError} for text that is not a JSON object. */
export function parseStreamMessage(text: string): StreamMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail("stream", `message is not JSON: ${show(text)}`);
  }
  const o = object(json, "stream message");
  if (o.error !== undefined && o.error !== null) {
    const e = o.error;
    const message = typeof e === "string"
      ? e
      : typeof e === "object" && e !== null
      ? `${show((e as Json).code)} ${show((e as Json).message)}`
      : show(e);
    return { kind: "error", message };
  }
  if (
    typeof o.stream === "string" && typeof o.data === "object" && o.data !== null && !Array.isArray(o.data)
  ) {
    return { kind: "data", stream: o.stream, data: o.data as Json };
  }
  return { kind: "other" };
}

/** Best bid and ask of a `bookTicker` event (`b`, `a`). */
export function parseBookTicker(data: Json, symbol: string): Bbo {
  const where = `bookTicker ${symbol}`;
  const bid = decimal(data, "b", where, "positive");
  const ask = decimal(data, "a", where, "positive");
  return checkBbo(bid, ask, where);
}

/** Event names of the order stream. */
const ORDER_EVENTS = new Set([
  "orderAccepted",
  "orderCancelled",
  "orderExpired",
  "orderFill",
  "orderModified",
  "triggerPlaced",
  "triggerFailed",
]);

/** An order-stream event, normalised. `filled` is the cumulative executed quantity `z`. */
export interface BackpackOrderUpdate extends OrderSnapshot {
  readonly event: string;
  /** Engine time, µs, when given. */
  readonly engineTime: number | undefined;
  /** On a fill: the fee of this fill alone (`n`) and its trade id (`t`), when the venue sends them. */
  readonly fill?: { readonly fee: Decimal; readonly tradeId: string };
}

/**
 * One `account.orderUpdate` event. The status is `X` when present, else implied by the event name; the
 * filled quantity is `z` (cumulative), required on fills.
 */
export function parseOrderUpdate(data: Json): BackpackOrderUpdate {
  const event = data.e;
  if (typeof event !== "string" || !ORDER_EVENTS.has(event)) {
    fail("orderUpdate", `unknown event ${show(event)}`);
  }
  const orderId = id(data, "i", `orderUpdate ${event}`);
  const at = `orderUpdate ${event} ${orderId}`;
  const quantity = decimal(data, "q", at, "nonNegative");
  if (event === "orderFill" && (data.z === undefined || data.z === null)) {
    fail(at, "a fill without the cumulative executed quantity z");
  }
  const filled = optionalDecimal(data, "z", at, "nonNegative") ?? ZERO;
  if (filled.gt(quantity) && quantity.gt(0)) fail(at, `z ${filled} exceeds q ${quantity}`);
  const price = data.p === undefined || data.p === null ? ZERO : decimal(data, "p", at, "positive");
  const quote = optionalDecimal(data, "Z", at, "nonNegative");
  let s: OrderStatus;
  if (data.X !== undefined && data.X !== null) {
    s = status(data.X, at);
  } else {
    s = event === "orderCancelled" || event === "orderExpired"
      ? "CANCELED"
      : event === "triggerFailed"
      ? "REJECTED"
      : "OPEN";
  }
  const clientId = optionalClientId(data, "c", at);
  const reduceOnly = optionalBoolean(data, "r", at);
  const avgPrice = averagePrice(quote, filled);
  const engineTime = typeof data.T === "number" && Number.isFinite(data.T) ? data.T : undefined;
  // A fee is only counted with its trade id, so a duplicated event cannot count it twice.
  const fillFee = event === "orderFill" ? optionalDecimal(data, "n", at, "any") : undefined;
  const tradeId = event === "orderFill" && data.t !== undefined && data.t !== null
    ? id(data, "t", at)
    : undefined;
  return {
    event,
    engineTime,
    ...(fillFee === undefined || tradeId === undefined ? {} : { fill: { fee: fillFee, tradeId } }),
    orderId,
    side: side(data.S, at),
    status: consistent(s, filled, quantity),
    price,
    quantity,
    filled,
    ...(clientId === undefined ? {} : { clientId }),
    ...(avgPrice === undefined ? {} : { avgPrice }),
    ...(reduceOnly === undefined ? {} : { reduceOnly }),
  };
}
