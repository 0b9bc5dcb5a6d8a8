/**
 * Fuzz of every Backpack parser, the error classifiers and the market state reader: real messages mutated
 * (deleted fields, swapped types, NaN, Infinity, "1e400", negative and empty values, huge numbers, nested
 * garbage, swapped fields such as bid and ask, corrupted and truncated text) must be refused with
 * VenueDataError or parsed into a valid value: finite decimals, no negative size, no fill above the quantity,
 * bid below ask, a known side and status. The parsers do not know the tick size, so prices are not checked
 * against it here; the venue refuses a price off the tick before sending it.
 *
 * Deterministic: a failure prints its seed, iteration and input; `FUZZ_SEED` and `FUZZ_ITERATIONS` replay or
 * extend a run.
 */
import type { Decimal } from "../../../exchanges/decimal.ts";
import {
  isDuplicateClientId,
  isNotFound,
  isPostOnlyCross,
  marketState,
  parseApiError,
  parseBookTicker,
  parseDepth,
  parseMarket,
  parseOrder,
  parseOrders,
  parseOrderUpdate,
  parsePosition,
  parseStreamMessage,
} from "../../../exchanges/backpack/parse.ts";
import { fuzzIterations, fuzzSeed, type FuzzTarget } from "../../fuzz/mutate.ts";
import {
  bboProblems,
  decimalProblems,
  fuzzTargetTests,
  isDataError,
  mutateObject,
  mutateTextOrValue,
  restTarget,
  SIDES,
  STATUSES,
} from "../../fuzz/targets.ts";

const SEED = fuzzSeed(20261207);
/** Mutated inputs per parser: together well under a few seconds. */
const ITERATIONS = fuzzIterations(3000);
const SYMBOL = "SOL_USDC_PERP";

// Real message shapes, as Backpack sends them.
const MARKETS = [
  {
    symbol: "SOL_USDC",
    baseSymbol: "SOL",
    quoteSymbol: "USDC",
    marketType: "SPOT",
    filters: {
      price: { minPrice: "0.01", maxPrice: null, tickSize: "0.01" },
      quantity: { minQuantity: "0.01", maxQuantity: null, stepSize: "0.01" },
    },
    orderBookState: "Open",
  },
  {
    symbol: SYMBOL,
    baseSymbol: "SOL",
    quoteSymbol: "USDC",
    marketType: "PERP",
    filters: {
      price: {
        minPrice: "0.01",
        maxPrice: "1000",
        tickSize: "0.01",
        maxMultiplier: "1.25",
        minMultiplier: "0.75",
      },
      quantity: { minQuantity: "0.01", maxQuantity: null, stepSize: "0.01" },
      leverage: { minLeverage: "1", maxLeverage: "20", stepSize: "1" },
    },
    fundingInterval: 28800000,
    imfFunction: null,
    orderBookState: "Open",
    createdAt: "2025-01-01T00:00:00",
  },
];
const DEPTH = {
  asks: [["150.03", "10"], ["150.02", "3.5"], ["150.05", "0"]],
  bids: [["149.98", "1.2"], ["150.00", "4"]],
  lastUpdateId: "1234567",
  timestamp: 1750793021519,
};
const ORDER = {
  id: "114575813313101824",
  clientId: 123,
  symbol: SYMBOL,
  side: "Bid",
  orderType: "Limit",
  timeInForce: "GTC",
  postOnly: true,
  reduceOnly: false,
  selfTradePrevention: "RejectTaker",
  price: "141.25",
  quantity: "0.5",
  executedQuantity: "0.2",
  executedQuoteQuantity: "28.25",
  status: "PartiallyFilled",
  createdAt: 1750793021519,
  triggerPrice: null,
};
const MARKET_ORDER = {
  id: "114575813313101825",
  symbol: SYMBOL,
  side: "Ask",
  orderType: "Market",
  reduceOnly: true,
  quantity: "0.5",
  executedQuantity: "0.5",
  executedQuoteQuantity: "70.5",
  status: "Filled",
  createdAt: 1750793021520,
};
const POSITIONS = [
  {
    symbol: SYMBOL,
    netQuantity: "-1.5",
    netExposureQuantity: "1.5",
    entryPrice: "150.1",
    markPrice: "150.2",
    pnlRealized: "0",
    pnlUnrealized: "-0.15",
    positionId: "1",
  },
  { symbol: "BTC_USDC_PERP", netQuantity: "0.01", entryPrice: "60000", markPrice: "60010", positionId: "2" },
];
const BOOK_TICKER = {
  e: "bookTicker",
  E: 1694687692980000,
  s: SYMBOL,
  a: "150.10",
  A: "12.5",
  b: "150.00",
  B: "3",
  u: "111063070",
  T: 1694687692980000,
};
const FILL = {
  e: "orderFill",
  E: 1694687692980000,
  s: SYMBOL,
  c: 123,
  S: "Bid",
  o: "LIMIT",
  f: "GTC",
  q: "0.5",
  p: "141.25",
  X: "PartiallyFilled",
  i: "114575813313101824",
  t: 567,
  l: "0.2",
  z: "0.2",
  L: "141.25",
  m: true,
  n: "0.01",
  N: "USDC",
  V: "RejectTaker",
  T: 1694687692980000,
  O: "USER",
  Z: "28.25",
  r: false,
};
const ACCEPTED = {
  e: "orderAccepted",
  E: 1,
  s: SYMBOL,
  c: 124,
  S: "Ask",
  q: "1",
  p: "150.2",
  X: "New",
  i: "9",
  z: "0",
  T: 1,
};
const CANCELLED = {
  e: "orderCancelled",
  E: 2,
  s: SYMBOL,
  S: "Ask",
  q: "1",
  p: "150.2",
  X: "Cancelled",
  i: "9",
  z: "0.3",
};
const STREAM_TEXTS = [
  JSON.stringify({ stream: `bookTicker.${SYMBOL}`, data: BOOK_TICKER }),
  JSON.stringify({ stream: `account.orderUpdate.${SYMBOL}`, data: FILL }),
  JSON.stringify({ stream: `account.orderUpdate.${SYMBOL}`, data: CANCELLED }),
  JSON.stringify({ id: null, error: { code: 4006, message: "Invalid signature" } }),
  JSON.stringify({ result: null, id: 1 }),
];
const API_ERRORS = [
  JSON.stringify({ code: "INVALID_ORDER", message: "Order would immediately match and take" }),
  JSON.stringify({ code: "RESOURCE_NOT_FOUND", message: "Order not found" }),
  "<html>502 Bad Gateway</html>",
];

const EVENTS = new Set([
  "orderAccepted",
  "orderCancelled",
  "orderExpired",
  "orderFill",
  "orderModified",
  "triggerPlaced",
  "triggerFailed",
]);

function orderProblems(out: unknown): string[] {
  const o = out as Record<string, unknown>;
  const p: string[] = [];
  if (typeof o.orderId !== "string" || o.orderId === "") p.push(`orderId ${String(o.orderId)}`);
  if (!SIDES.has(o.side as string)) p.push(`side ${String(o.side)}`);
  if (!STATUSES.has(o.status as string)) p.push(`status ${String(o.status)}`);
  p.push(...decimalProblems("price", o.price, "nonNegative"));
  p.push(...decimalProblems("quantity", o.quantity, "nonNegative"));
  p.push(...decimalProblems("filled", o.filled, "nonNegative"));
  if (p.length > 0) return p;
  const q = o.quantity as Decimal;
  const f = o.filled as Decimal;
  if (q.gt(0) && f.gt(q)) p.push(`filled ${f} > quantity ${q}`);
  if (o.avgPrice !== undefined) p.push(...decimalProblems("avgPrice", o.avgPrice, "positive"));
  if (o.clientId !== undefined && !/^\d+$/.test(String(o.clientId))) p.push(`clientId ${String(o.clientId)}`);
  if ((o.status === "OPEN" || o.status === "PARTIALLY_FILLED") && q.gt(0) && f.gte(q)) {
    p.push(`status ${String(o.status)} with filled ${f} = quantity ${q}`);
  }
  return p;
}

const TARGETS: FuzzTarget<unknown>[] = [
  ...restTarget("parseMarket", [MARKETS, MARKETS[1]], (j) => parseMarket(j, "SOL"), (out) => {
    if (out === undefined) return [];
    const m = out as Record<string, unknown>;
    return [
      ...decimalProblems("tickSize", m.tickSize, "positive"),
      ...decimalProblems("stepSize", m.stepSize, "positive"),
      ...decimalProblems("minQuantity", m.minQuantity, "nonNegative"),
      ...(m.symbol === SYMBOL ? [] : [`symbol ${String(m.symbol)}`]),
    ];
  }),
  ...restTarget("parseDepth", [DEPTH], (j) => parseDepth(j, SYMBOL), bboProblems),
  ...restTarget("parseOrder", [ORDER, MARKET_ORDER], (j) => parseOrder(j), orderProblems),
  ...restTarget("parseOrders", [[ORDER, MARKET_ORDER], []], (j) => parseOrders(j, SYMBOL), (out) => {
    const list = out as unknown[];
    if (!Array.isArray(list)) return ["not an array"];
    return list.flatMap((o, i) => orderProblems(o).map((p) => `[${i}] ${p}`));
  }),
  ...restTarget(
    "parsePosition",
    [POSITIONS, []],
    (j) => parsePosition(j, SYMBOL),
    (out) => decimalProblems("position", out, "any"),
  ),
  {
    name: "parseApiError",
    samples: API_ERRORS,
    mutate: (s, rng) => mutateTextOrValue(s as string, rng),
    parse: (text) => {
      const e = parseApiError(text as string);
      // The classifiers read what parseApiError returns; they must not throw on any of it.
      isPostOnlyCross(e);
      isDuplicateClientId(e);
      isNotFound(400, e);
      return e;
    },
    allowed: () => false,
    neverRefuses: true,
    check: (out) => {
      const o = out as Record<string, unknown>;
      return Object.entries(o).filter(([k, v]) => !["code", "message"].includes(k) || typeof v !== "string")
        .map(([k, v]) => `${k} = ${String(v)}`);
    },
  },
  {
    name: "marketState",
    samples: [MARKETS, MARKETS[1]],
    parse: (json) => marketState(json, SYMBOL),
    allowed: () => false,
    neverRefuses: true,
    check: (out) => out === undefined || typeof out === "string" ? [] : [`state ${String(out)}`],
  },
  {
    name: "parseBookTicker",
    samples: [BOOK_TICKER],
    mutate: (s, rng) => mutateObject(s as Record<string, unknown>, rng),
    parse: (data) => parseBookTicker(data as Record<string, unknown>, SYMBOL),
    allowed: isDataError,
    check: bboProblems,
  },
  {
    name: "parseOrderUpdate",
    samples: [FILL, ACCEPTED, CANCELLED],
    mutate: (s, rng) => mutateObject(s as Record<string, unknown>, rng),
    parse: (data) => parseOrderUpdate(data as Record<string, unknown>),
    allowed: isDataError,
    check: (out) => {
      const u = out as Record<string, unknown>;
      return [...orderProblems(out), ...(EVENTS.has(u.event as string) ? [] : [`event ${String(u.event)}`])];
    },
  },
  {
    // The whole stream path: frame text → parseStreamMessage → the parser of its stream.
    name: "parseStreamMessage + data",
    samples: STREAM_TEXTS,
    mutate: (s, rng) => mutateTextOrValue(s as string, rng),
    parse: (text) => {
      const m = parseStreamMessage(text as string);
      if (m.kind === "data" && m.stream.startsWith("bookTicker.")) {
        return { m, bbo: parseBookTicker(m.data, SYMBOL) };
      }
      if (m.kind === "data" && m.stream.startsWith("account.orderUpdate")) {
        return { m, update: parseOrderUpdate(m.data) };
      }
      return { m };
    },
    allowed: isDataError,
    check: (out) => {
      const { m, bbo, update } = out as {
        m: { kind: string; message?: unknown; data?: unknown };
        bbo?: unknown;
        update?: unknown;
      };
      const p: string[] = [];
      if (!["data", "error", "other"].includes(m.kind)) p.push(`kind ${m.kind}`);
      if (m.kind === "error" && typeof m.message !== "string") p.push("error without a message");
      if (m.kind === "data" && (typeof m.data !== "object" || m.data === null)) {
        p.push("data is not an object");
      }
      if (bbo !== undefined) p.push(...bboProblems(bbo));
      if (update !== undefined) p.push(...orderProblems(update));
      return p;
    },
  },
];

fuzzTargetTests("backpack", TARGETS, SEED, ITERATIONS);
