/**
 * Fuzz of every Aster parser, the fee accumulator and the client's reading of error answers: real messages
 * mutated (deleted fields, swapped types, NaN, Infinity, "1e400", negative and empty values, huge numbers,
 * nested garbage, swapped fields such as bid and ask, corrupted and truncated text) must be refused with
 * VenueDataError or parsed into a valid value: finite decimals, a positive quantity, no fill above the
 * quantity, bid below ask, a known side and status. Error answers of any status and body become one of the
 * documented VenueError classes. A value a parser refuses is quoted whole or not at all, so a secret echoed
 * in a field is either redacted whole downstream or never shown.
 *
 * Deterministic: a failure prints its seed, iteration and input; `FUZZ_SEED` and `FUZZ_ITERATIONS` replay or
 * extend a run.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../../bot/clock.ts";
import { AsterClient } from "../../../exchanges/aster/client.ts";
import {
  type AsterOrderUpdate,
  isPostOnlyExpiry,
  OrderFees,
  parseApiError,
  parseBookTicker,
  parseExchangeInfo,
  parseListenKey,
  parseOrder,
  parseOrders,
  parseOrderTradeUpdate,
  parsePositionRisk,
  parseStreamMessage,
} from "../../../exchanges/aster/parse.ts";
import { AsterHmacSigner } from "../../../exchanges/aster/signer.ts";
import { type Decimal, ZERO } from "../../../exchanges/decimal.ts";
import { VenueDataError, VenueError } from "../../../exchanges/venue.ts";
import {
  clone,
  describeInput,
  fuzzIterations,
  fuzzSeed,
  type FuzzTarget,
  mutateMany,
  Prng,
} from "../../fuzz/mutate.ts";
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
import { FRAGMENT_LENGTH } from "../../fakes/secrets.ts";
import { TRADE_UPDATE } from "./samples.ts";

const SEED = fuzzSeed(20261207);
/** Mutated inputs per parser: together well under a few seconds. */
const ITERATIONS = fuzzIterations(3000);
const SYMBOL = "SOLUSDT";

// Real message shapes, as Aster sends them.
const EXCHANGE_INFO = {
  timezone: "UTC",
  serverTime: 1700000000000,
  rateLimits: [
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400 },
    { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
  ],
  symbols: [
    {
      symbol: "BTCUSDT",
      status: "TRADING",
      contractType: "PERPETUAL",
      filters: [{ filterType: "PRICE_FILTER", minPrice: "1", maxPrice: "1000000", tickSize: "10" }],
    },
    {
      symbol: SYMBOL,
      pair: SYMBOL,
      status: "TRADING",
      contractType: "PERPETUAL",
      baseAsset: "SOL",
      quoteAsset: "USDT",
      pricePrecision: 4,
      quantityPrecision: 2,
      filters: [
        { filterType: "PRICE_FILTER", minPrice: "0.0100", maxPrice: "100000", tickSize: "0.0100" },
        { filterType: "LOT_SIZE", stepSize: "0.01", minQty: "0.01", maxQty: "100000" },
        { filterType: "MARKET_LOT_SIZE", stepSize: "0.01", minQty: "0.01", maxQty: "1000" },
        { filterType: "MIN_NOTIONAL", notional: "5" },
        { filterType: "PERCENT_PRICE", multiplierUp: "1.05", multiplierDown: "0.95", multiplierDecimal: "4" },
      ],
      orderTypes: ["LIMIT", "MARKET"],
      timeInForce: ["GTC", "IOC", "FOK", "GTX"],
    },
  ],
};
const BOOK_TICKER = {
  symbol: SYMBOL,
  bidPrice: "150.00",
  bidQty: "3",
  askPrice: "150.10",
  askQty: "2",
  time: 1700000000000,
};
const ORDER = {
  orderId: 22542179,
  clientOrderId: "4242",
  symbol: SYMBOL,
  status: "PARTIALLY_FILLED",
  price: "150.05",
  avgPrice: "150.05000",
  origQty: "0.40",
  executedQty: "0.10",
  cumQuote: "15.005",
  timeInForce: "GTX",
  type: "LIMIT",
  reduceOnly: false,
  closePosition: false,
  side: "BUY",
  positionSide: "BOTH",
  stopPrice: "0",
  workingType: "CONTRACT_PRICE",
  origType: "LIMIT",
  updateTime: 1700000000000,
};
const MARKET_ORDER = {
  ...ORDER,
  orderId: "22542180",
  clientOrderId: "4243",
  status: "FILLED",
  price: "0",
  avgPrice: "150.12",
  origQty: "0.40",
  executedQty: "0.40",
  timeInForce: "GTC",
  type: "MARKET",
  reduceOnly: true,
  side: "SELL",
};
const EXPIRED_ORDER = { ...ORDER, orderId: 22542181, status: "EXPIRED", executedQty: "0", avgPrice: "0" };
const STOP_ORDER = { ...ORDER, orderId: 3, type: "STOP_MARKET", price: "0", origQty: "0", stopPrice: "120" };
const POSITIONS = [
  {
    symbol: SYMBOL,
    positionAmt: "-1.50",
    entryPrice: "150.1",
    markPrice: "150.2",
    unRealizedProfit: "-0.15",
    liquidationPrice: "0",
    leverage: "10",
    marginType: "cross",
    positionSide: "BOTH",
    updateTime: 1700000000000,
  },
  { symbol: "BTCUSDT", positionAmt: "0.010", entryPrice: "60000", positionSide: "BOTH" },
];
const LISTEN_KEY = { listenKey: "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1" };
const NEW_ORDER = {
  ...TRADE_UPDATE,
  o: { ...TRADE_UPDATE.o, x: "NEW", X: "NEW", z: "0", l: "0", ap: "0", n: "0" },
};
const MARKET_FILL = {
  ...TRADE_UPDATE,
  o: {
    ...TRADE_UPDATE.o,
    o: "MARKET",
    f: "GTC",
    p: "0",
    ap: "150.2",
    X: "FILLED",
    z: "2",
    l: "1.5",
    R: true,
  },
};
const STREAM_TEXTS = [
  JSON.stringify(TRADE_UPDATE),
  JSON.stringify(NEW_ORDER),
  JSON.stringify({ stream: "listenKey", data: MARKET_FILL }),
  JSON.stringify({ e: "bookTicker", u: 1, E: 2, T: 3, s: SYMBOL, b: "150", B: "1", a: "150.05", A: "2" }),
  JSON.stringify({
    stream: "solusdt@bookTicker",
    data: { e: "bookTicker", s: SYMBOL, b: "150", a: "150.05" },
  }),
  JSON.stringify({ e: "listenKeyExpired", E: 1700000000000, listenKey: LISTEN_KEY.listenKey }),
  JSON.stringify({ e: "ACCOUNT_UPDATE", E: 1, a: { m: "ORDER", B: [], P: [] } }),
  JSON.stringify({ result: null, id: 1 }),
];
const API_ERRORS = [
  JSON.stringify({
    code: -5022,
    msg: "Due to the order could not be executed as maker, the Post Only order will be rejected.",
  }),
  JSON.stringify({ code: -2011, msg: "Unknown order sent." }),
  JSON.stringify({ code: "-1021", msg: "Timestamp for this request is outside of the recvWindow." }),
  JSON.stringify({ code: -1003, msg: "Too many requests." }),
  "<html>502 Bad Gateway</html>",
  "",
];

const VENUE_STATUSES = new Set([
  "NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "EXPIRED",
  "REJECTED",
  "NEW_INSURANCE",
  "NEW_ADL",
]);

function integerProblems(name: string, v: unknown, optional: boolean): string[] {
  if (v === undefined && optional) return [];
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? [] : [`${name} ${String(v)}`];
}

/** Problems of a normalised order (REST or stream). */
function orderProblems(out: unknown): string[] {
  const o = out as Record<string, unknown>;
  const p: string[] = [];
  if (typeof o.orderId !== "string" || !/^\d{1,20}$/.test(o.orderId)) p.push(`orderId ${String(o.orderId)}`);
  if (typeof o.symbol !== "string" || o.symbol === "") p.push(`symbol ${String(o.symbol)}`);
  if (!SIDES.has(o.side as string)) p.push(`side ${String(o.side)}`);
  if (!STATUSES.has(o.status as string)) p.push(`status ${String(o.status)}`);
  if (!VENUE_STATUSES.has(o.venueStatus as string)) p.push(`venueStatus ${String(o.venueStatus)}`);
  p.push(...decimalProblems("price", o.price, "nonNegative"));
  p.push(...decimalProblems("quantity", o.quantity, "positive"));
  p.push(...decimalProblems("filled", o.filled, "nonNegative"));
  if (p.length > 0) return p;
  const q = o.quantity as Decimal;
  const f = o.filled as Decimal;
  if (f.gt(q)) p.push(`filled ${f} > quantity ${q}`);
  if (o.avgPrice !== undefined) p.push(...decimalProblems("avgPrice", o.avgPrice, "positive"));
  if (o.avgPrice !== undefined && f.isZero()) p.push("avgPrice without a fill");
  if (o.clientId !== undefined && (typeof o.clientId !== "string" || o.clientId === "")) {
    p.push(`clientId ${String(o.clientId)}`);
  }
  if (o.reduceOnly !== undefined && typeof o.reduceOnly !== "boolean") {
    p.push(`reduceOnly ${String(o.reduceOnly)}`);
  }
  if (o.fee !== undefined) p.push("a fee from a parser (fees are summed by OrderFees)");
  return p;
}

function restOrderProblems(out: unknown): string[] {
  const o = out as Record<string, unknown>;
  const p = orderProblems(out);
  if (typeof o.type !== "string" || o.type === "") p.push(`type ${String(o.type)}`);
  if (o.type === "LIMIT" && p.length === 0 && !(o.price as Decimal).gt(0)) p.push("a LIMIT order at price 0");
  if (o.timeInForce !== undefined && typeof o.timeInForce !== "string") {
    p.push(`timeInForce ${String(o.timeInForce)}`);
  }
  p.push(...integerProblems("updateTime", o.updateTime, true));
  if (p.length === 0) isPostOnlyExpiry(out as Parameters<typeof isPostOnlyExpiry>[0]);
  return p;
}

function updateProblems(out: unknown): string[] {
  const u = out as Record<string, unknown>;
  const p = orderProblems(out);
  p.push(...integerProblems("eventTime", u.eventTime, false));
  if (typeof u.executionType !== "string") p.push(`executionType ${String(u.executionType)}`);
  if (u.commission !== undefined) p.push(...decimalProblems("commission", u.commission, "any"));
  return p;
}

/** The parsed update of a stream frame, when it is an order update of the symbol. */
function streamUpdate(text: string): AsterOrderUpdate | undefined {
  const m = parseStreamMessage(text);
  return m.kind === "order" ? m.update : undefined;
}

const TARGETS: FuzzTarget<unknown>[] = [
  ...restTarget("parseExchangeInfo", [EXCHANGE_INFO, { symbols: EXCHANGE_INFO.symbols }], (j) => {
    return parseExchangeInfo(j, "SOL");
  }, (out) => {
    const info = out as {
      market: Record<string, unknown> | undefined;
      status: unknown;
      weightLimit: unknown;
    };
    const p = integerProblems("weightLimit", info.weightLimit, false);
    if (info.weightLimit === 0) p.push("weightLimit 0");
    if (info.status !== undefined && (typeof info.status !== "string" || info.status === "")) {
      p.push(`status ${String(info.status)}`);
    }
    const m = info.market;
    if (m === undefined) return p;
    return [
      ...p,
      ...decimalProblems("tickSize", m.tickSize, "positive"),
      ...decimalProblems("stepSize", m.stepSize, "positive"),
      ...decimalProblems("minQuantity", m.minQuantity, "positive"),
      ...(m.symbol === SYMBOL && m.ticker === "SOL"
        ? []
        : [`market ${String(m.symbol)}/${String(m.ticker)}`]),
    ];
  }),
  ...restTarget("parseBookTicker", [BOOK_TICKER], (j) => parseBookTicker(j, SYMBOL), bboProblems),
  ...restTarget(
    "parseOrder",
    [ORDER, MARKET_ORDER, EXPIRED_ORDER],
    (j) => parseOrder(j, "order"),
    restOrderProblems,
  ),
  ...restTarget(
    "parseOrders",
    [[ORDER, MARKET_ORDER, STOP_ORDER], [EXPIRED_ORDER], []],
    (j) => parseOrders(j, SYMBOL, "open orders"),
    (out) => {
      if (!Array.isArray(out)) return ["not an array"];
      return out.flatMap((o, i) =>
        [...restOrderProblems(o), ...(o.symbol === SYMBOL ? [] : [`symbol ${o.symbol}`])].map((p) =>
          `[${i}] ${p}`
        )
      );
    },
  ),
  ...restTarget(
    "parsePositionRisk",
    [POSITIONS, []],
    (j) => parsePositionRisk(j, SYMBOL),
    (out) => decimalProblems("position", out, "any"),
  ),
  ...restTarget("parseListenKey", [LISTEN_KEY], (j) => parseListenKey(j), (out) => {
    return typeof out === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(out) ? [] : [`key ${String(out)}`];
  }),
  {
    name: "parseApiError",
    samples: API_ERRORS,
    mutate: (s, rng) => mutateTextOrValue(s as string, rng),
    parse: (text) => parseApiError(text as string),
    allowed: () => false,
    neverRefuses: true,
    check: (out) => {
      const o = out as Record<string, unknown>;
      const p: string[] = [];
      if (Object.keys(o).some((k) => k !== "code" && k !== "msg")) p.push(`keys ${Object.keys(o)}`);
      if (o.code !== undefined && !Number.isSafeInteger(o.code)) p.push(`code ${String(o.code)}`);
      if (o.msg !== undefined && typeof o.msg !== "string") p.push(`msg ${String(o.msg)}`);
      return p;
    },
  },
  {
    name: "parseOrderTradeUpdate",
    samples: [TRADE_UPDATE, NEW_ORDER, MARKET_FILL],
    mutate: (s, rng) => mutateObject(s as Record<string, unknown>, rng),
    parse: (event) => parseOrderTradeUpdate(event as Record<string, unknown>),
    allowed: isDataError,
    check: updateProblems,
  },
  {
    // The whole stream path: frame text → parseStreamMessage → the classified message.
    name: "parseStreamMessage",
    samples: STREAM_TEXTS,
    mutate: (s, rng) => mutateTextOrValue(s as string, rng),
    parse: (text) => parseStreamMessage(text as string),
    allowed: isDataError,
    check: (out) => {
      const m = out as Record<string, unknown>;
      switch (m.kind) {
        case "bookTicker":
          return [
            ...(typeof m.symbol === "string" && m.symbol !== "" ? [] : [`symbol ${String(m.symbol)}`]),
            ...bboProblems(m.bbo),
          ];
        case "order": {
          // Another symbol's update is passed over by the stream; this one's must be valid.
          const u = m.update as Record<string, unknown>;
          return u.symbol === SYMBOL ? updateProblems(u) : typeof u.symbol === "string" ? [] : ["symbol"];
        }
        case "listenKeyExpired":
          return [];
        case "other":
          return typeof m.event === "string" ? [] : [`event ${String(m.event)}`];
        default:
          return [`kind ${String(m.kind)}`];
      }
    },
  },
];

fuzzTargetTests("aster", TARGETS, SEED, ITERATIONS);

Deno.test(`aster fuzz: the fee accumulator over mutated trade streams stays finite and covers no more than filled (${ITERATIONS} inputs)`, () => {
  const rng = new Prng(SEED);
  const fees = new OrderFees();
  const samples = [TRADE_UPDATE, MARKET_FILL, {
    ...TRADE_UPDATE,
    o: { ...TRADE_UPDATE.o, z: "2", X: "FILLED", n: "-0.001" },
  }];
  let counted = 0;
  const largest = new Map<string, Decimal>();
  for (let i = 0; i < ITERATIONS; i++) {
    const sample = clone(rng.pick(samples)) as { o: Record<string, unknown> };
    // A few orders, so updates of one order meet.
    sample.o.i = 9001 + rng.int(4);
    const text = JSON.stringify(rng.chance(0.7) ? mutateMany(sample, rng).value : sample) ?? "";
    const what = `seed ${SEED}, iteration ${i}: ${describeInput(text)}`;
    let update: AsterOrderUpdate | undefined;
    try {
      update = streamUpdate(text);
    } catch (e) {
      assert.ok(e instanceof VenueDataError, `${what}: ${e}`);
      continue;
    }
    if (update === undefined) continue;
    const total = fees.add(update);
    if (total !== undefined) {
      counted++;
      assert.deepEqual(decimalProblems("fee", total, "any"), [], what);
    }
    const q = largest.get(update.orderId) ?? ZERO;
    if (update.quantity.gt(q)) largest.set(update.orderId, update.quantity);
    const covered = fees.covered(update.orderId);
    if (covered !== undefined) {
      assert.deepEqual(decimalProblems("covered", covered, "nonNegative"), [], what);
      assert.ok(
        covered.lte(largest.get(update.orderId)!),
        `covered ${covered} above every quantity: ${what}`,
      );
    }
  }
  assert.ok(counted > 0, "no fee was ever counted");
});

/** A recognisable secret, as a venue might echo one: 64 hex digits behind `0x`. */
const ECHOED = "0x8d5e1f3a7c9b2e4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d";

/** Every string leaf of a value, with its path. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  }
  return [path];
}

Deno.test(`aster fuzz: a refused value that carries a secret is quoted whole or not at all (${ITERATIONS} inputs)`, () => {
  const rng = new Prng(SEED);
  const parsers: [string, unknown, (json: unknown) => unknown][] = [
    ["exchangeInfo", EXCHANGE_INFO, (j) => parseExchangeInfo(j, "SOL")],
    ["bookTicker", BOOK_TICKER, (j) => parseBookTicker(j, SYMBOL)],
    ["order", ORDER, (j) => parseOrder(j, "order")],
    ["orders", [ORDER, MARKET_ORDER], (j) => parseOrders(j, SYMBOL, "open orders")],
    ["positionRisk", POSITIONS, (j) => parsePositionRisk(j, SYMBOL)],
    ["listenKey", LISTEN_KEY, (j) => parseListenKey(j)],
    ["stream", TRADE_UPDATE, (j) => parseStreamMessage(JSON.stringify(j))],
    // Cut short, so the frame is not JSON and its text is quoted.
    ["stream text", TRADE_UPDATE, (j) => parseStreamMessage(JSON.stringify(j).slice(0, -1))],
  ];
  let refused = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const [name, sample, parse] = rng.pick(parsers);
    const input = clone(sample) as Record<string | number, unknown>;
    // Any string field (or a new one) becomes some words, then the secret: a cut may fall anywhere in it.
    const paths = stringPaths(input);
    const path = rng.pick(paths);
    let holder = input as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) holder = holder[k] as Record<string | number, unknown>;
    const padding = "w ".repeat(rng.int(50)) + "x".repeat(rng.int(8));
    holder[path.at(-1) ?? "x"] = `${padding}${rng.chance(0.5) ? ECHOED : ECHOED.slice(2).toUpperCase()}`;
    let message: string;
    try {
      parse(input);
      continue;
    } catch (e) {
      assert.ok(e instanceof VenueDataError, `${name}: ${e}`);
      message = e.message.toLowerCase();
    }
    refused++;
    const hex = ECHOED.slice(2);
    if (message.includes(hex)) continue;
    for (let at = 0; at + FRAGMENT_LENGTH <= hex.length; at++) {
      assert.ok(
        !message.includes(hex.slice(at, at + FRAGMENT_LENGTH)),
        `${name}: a fragment of the secret is quoted (seed ${SEED}, iteration ${i}, field ${path.join(".")})`,
      );
    }
  }
  assert.ok(refused > ITERATIONS / 4, `only ${refused} refused`);
});

// ---------------------------------------------------------------------------------------------------------
// The client's reading of answers: any status, any body → a valid value or a documented VenueError.

const STATUS_CODES = [200, 200, 200, 400, 401, 403, 404, 408, 418, 429, 500, 502, 503, 302];

/** An answer body: a mutated real answer, a mutated error body, or broken text. */
function answerBody(rng: Prng): string {
  const samples: unknown[] = [ORDER, MARKET_ORDER, [ORDER, STOP_ORDER], POSITIONS, LISTEN_KEY, BOOK_TICKER];
  if (rng.chance(0.4)) return mutateTextOrValue(rng.pick(API_ERRORS), rng).value;
  return mutateTextOrValue(JSON.stringify(rng.pick(samples)), rng).value;
}

const ORDER_PRICE = parseOrder(ORDER, "order").price;
const ORDER_QTY = parseOrder(ORDER, "order").quantity;
const CLIENT_ITERATIONS = Math.max(1, Math.floor(ITERATIONS / 6));

Deno.test(`aster fuzz: every client call answered with a mutated body and any status resolves valid or throws a VenueError (${CLIENT_ITERATIONS} calls)`, async () => {
  const rng = new Prng(SEED);
  const clock = new VirtualClock(1_700_000_000_000);
  let outcomes = { resolved: 0, refused: 0 };
  for (let i = 0; i < CLIENT_ITERATIONS; i++) {
    const answers: string[] = [];
    const client = new AsterClient({
      baseUrl: "http://127.0.0.1:9",
      signer: new AsterHmacSigner("key", "secret"),
      clock,
      symbol: SYMBOL,
      attempts: 1,
      fetch: () => {
        const status = rng.pick(STATUS_CODES);
        const body = answerBody(rng);
        answers.push(`${status} ${body}`);
        const headers: Record<string, string> = {};
        if (rng.chance(0.3)) headers["retry-after"] = rng.pick(["1", "0.5", "-1", "x", "99999999999999"]);
        if (rng.chance(0.2)) headers["x-mbx-used-weight-1m"] = rng.pick(["1", "2399", "abc", "-5"]);
        return Promise.resolve(new Response(body, { status, headers }));
      },
    });
    const calls: [string, () => Promise<unknown>, (out: unknown) => string[]][] = [
      ["placeLimit", () =>
        client.placeLimit({
          side: "buy",
          price: ORDER_PRICE,
          quantity: ORDER_QTY,
          postOnly: true,
          reduceOnly: false,
          clientId: "c-1",
        }), (out) => {
        const r = out as { kind: string; order?: unknown; reason?: unknown };
        return r.kind === "accepted"
          ? restOrderProblems(r.order)
          : typeof r.reason === "string"
          ? []
          : [`result ${describeInput(r)}`];
      }],
      ["cancel", () => client.cancel("22542179"), restOrderProblems],
      ["order", () => client.order("22542179"), (out) => out === undefined ? [] : restOrderProblems(out)],
      ["openOrders", () => client.openOrders(), (out) => (out as unknown[]).flatMap(restOrderProblems)],
      ["position", () => client.position(), (out) => decimalProblems("position", out, "any")],
      ["createListenKey", () => client.createListenKey(), (out) => typeof out === "string" ? [] : ["key"]],
      ["bookTicker", () => client.bookTicker(), bboProblems],
    ];
    const [name, call, check] = rng.pick(calls);
    const what = () => `${name} (seed ${SEED}, iteration ${i}) answered ${describeInput(answers)}`;
    let out: unknown;
    try {
      out = await call();
    } catch (e) {
      assert.ok(
        e instanceof VenueError,
        `${what()}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : e}`,
      );
      outcomes = { ...outcomes, refused: outcomes.refused + 1 };
      continue;
    }
    assert.deepEqual(check(out), [], what());
    outcomes = { ...outcomes, resolved: outcomes.resolved + 1 };
  }
  assert.ok(outcomes.resolved > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
});

Deno.test("aster parse: names of object members are not statuses, and a code beyond a safe integer is no code", () => {
  for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
    assert.throws(() => parseOrder({ ...ORDER, status: name }, "order"), VenueDataError, name);
    const frame = JSON.stringify({ ...TRADE_UPDATE, o: { ...TRADE_UPDATE.o, X: name } });
    assert.throws(() => parseStreamMessage(frame), VenueDataError, name);
  }
  assert.deepEqual(parseApiError(JSON.stringify({ code: `-${"9".repeat(400)}`, msg: "m" })), {
    code: undefined,
    msg: "m",
  });
  assert.equal(parseApiError(JSON.stringify({ code: 1e300, msg: "m" })).code, undefined);
  assert.equal(parseApiError(JSON.stringify({ code: "-5022", msg: "m" })).code, -5022);
});
