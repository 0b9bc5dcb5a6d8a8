/**
 * The Aster adapter when the venue answers malformed data: the bot places nothing on a bad book and goes on
 * through its usual retry once the book is good; a bad quote on the market stream is never served; malformed
 * `ORDER_TRADE_UPDATE`s never reach a listener, and the resync they cause reports the true state once the
 * open orders read back well-formed; a storm of seeded mutated updates delivers only valid events whose
 * `filled` never decreases.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { parseRunOptions, RUN_DEFAULTS } from "../../../bot/config.ts";
import type { BotLog, Level } from "../../../bot/trade_log.ts";
import { TradingBot } from "../../../bot/trading_bot.ts";
import { AsterHmacSigner } from "../../../exchanges/aster/signer.ts";
import { AsterVenue } from "../../../exchanges/aster/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import type { OrderEvent } from "../../../exchanges/venue.ts";
import { Notifier } from "../../../notify/notifier.ts";
import { AsterFake } from "../../fakes/aster.ts";
import type { SocketSession } from "../../fakes/loopback.ts";
import { describeInput, fuzzSeed, mutateMany, mutateText, Prng } from "../../fuzz/mutate.ts";

const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;
const SYMBOL = "SOLUSDT";

/** Book ticker answers that must each be refused. */
const BAD_BOOKS: Record<string, unknown>[] = [
  { symbol: SYMBOL, bidPrice: "150.20", bidQty: "1", askPrice: "150.10", askQty: "1" },
  { symbol: SYMBOL, bidPrice: "NaN", bidQty: "1", askPrice: "150.10", askQty: "1" },
  { symbol: SYMBOL, bidPrice: "-150.00", bidQty: "1", askPrice: "150.10", askQty: "1" },
  { symbol: SYMBOL, bidPrice: "150.00", bidQty: "1", askPrice: "1e400", askQty: "1" },
  { symbol: SYMBOL, bidPrice: "150.00", bidQty: "1" },
  { symbol: "BTCUSDT", bidPrice: "150.00", bidQty: "1", askPrice: "150.10", askQty: "1" },
];

/** Collects activity lines. */
class Lines implements BotLog {
  readonly lines: { level: Level; message: string }[] = [];
  log(message: string, level: Level = "INFO"): void {
    this.lines.push({ level, message });
  }
  order(): void {}
}

async function until(what: string, probe: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const isUserSession = (s: SocketSession) => s.state.has("listenKey");
const isTickerSession = (s: SocketSession) => !s.state.has("listenKey");

async function start(options: { bboFromRest?: boolean } = {}) {
  const clock = new RealClock();
  const fake = await AsterFake.start({
    ticker: "SOL",
    ...MARKET,
    clock,
    bid: "150.00",
    ask: "150.10",
    tickerIntervalMs: 50,
  });
  const venueLog: string[] = [];
  const venue = new AsterVenue({
    ticker: "SOL",
    clock,
    signer: new AsterHmacSigner(fake.apiKey, fake.secretKey),
    baseUrl: fake.baseUrl,
    wsUrl: fake.wsUrl,
    requestTimeoutMs: 500,
    connectTimeoutMs: 2000,
    // Every read of the book goes to REST, where the faults are.
    ...(options.bboFromRest ? { bboMaxAgeMs: -1 } : {}),
    log: (level, text) => venueLog.push(`${level}: ${text}`),
  });
  return { clock, fake, venue, venueLog };
}

/** A resting buy of 0.4 at 149.50; its venue id. */
async function restingBuy(venue: AsterVenue, clientId: string): Promise<string> {
  const placed = await venue.placeLimit({
    side: "buy",
    price: new Decimal("149.50"),
    quantity: new Decimal("0.4"),
    postOnly: true,
    reduceOnly: false,
    clientId,
  });
  assert.equal(placed.kind, "accepted");
  return placed.kind === "accepted" ? placed.order.orderId : "";
}

/** An `ORDER_TRADE_UPDATE` of the resting buy, as the venue sends it. */
function tradeUpdate(id: string, o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    e: "ORDER_TRADE_UPDATE",
    E: 1700000000001,
    T: 1700000000000,
    o: {
      s: SYMBOL,
      c: "c-x",
      S: "BUY",
      o: "LIMIT",
      f: "GTX",
      q: "0.4",
      p: "149.50",
      ap: "149.50",
      sp: "0",
      x: "TRADE",
      X: "FILLED",
      i: Number(id),
      l: "0.4",
      z: "0.4",
      L: "149.50",
      n: "0.01196",
      N: "USDT",
      T: 1700000000000,
      t: 1,
      m: true,
      R: false,
      ps: "BOTH",
      ...o,
    },
  };
}

function assertValid(events: readonly OrderEvent[], what: (e: OrderEvent) => string): void {
  const last = new Map<string, Decimal>();
  for (const e of events) {
    const w = what(e);
    assert.ok(e.quantity.isFinite() && e.quantity.gt(0), w);
    assert.ok(e.filled.isFinite() && e.filled.gte(0) && e.filled.lte(e.quantity), w);
    assert.ok(e.price.isFinite() && e.price.gte(0), w);
    assert.ok(["buy", "sell"].includes(e.side), w);
    assert.ok(["OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED"].includes(e.status), w);
    assert.ok(e.fee === undefined || e.fee.isFinite(), w);
    const before = last.get(e.orderId);
    assert.ok(before === undefined || e.filled.gte(before), `filled went down: ${w}`);
    last.set(e.orderId, e.filled);
  }
}

Deno.test("aster: the bot places nothing on a malformed book and trades once the book is good", async () => {
  const { clock, fake, venue } = await start({ bboFromRest: true });
  const log = new Lines();
  const stop = new AbortController();
  try {
    await venue.connect();
    // The next book reads answer malformed data (the bot retries: 2 bad answers, then a good one).
    const bad = BAD_BOOKS.slice(0, 2).map((book) =>
      fake.faults.http({ method: "GET", path: "/fapi/v1/ticker/bookTicker" }, {
        kind: "status",
        status: 200,
        body: JSON.stringify(book),
      })
    );
    const config = parseRunOptions({
      ...RUN_DEFAULTS,
      exchange: "aster",
      ticker: "SOL",
      quantity: "0.4",
      boost: false,
    });
    const bot = new TradingBot({
      venue,
      config,
      clock,
      log,
      notifier: new Notifier([]),
      label: "[ASTER_SOL]",
    });
    const running = bot.run(stop.signal);
    const placement = (r: { method: string; path: string }) =>
      r.method === "POST" && r.path === "/fapi/v1/order";
    await until("the first placement", () => fake.requests.some(placement));
    stop.abort();
    await running;

    assert.deepEqual(bad.map((r) => r.fired), [1, 1], "both bad books were served");
    const badBooks = fake.requests.filter((r) =>
      r.path === "/fapi/v1/ticker/bookTicker" && r.fault !== undefined
    );
    const firstPlacement = fake.requests.find(placement)!;
    assert.equal(badBooks.length, 2);
    for (const r of badBooks) assert.ok(r.seq < firstPlacement.seq, "no placement before the bad books");
    // The placement used the good book: a buy inside the spread, below the ask, a multiple of the tick.
    const body = new URLSearchParams(firstPlacement.body);
    assert.equal(body.get("side"), "BUY");
    assert.equal(body.get("timeInForce"), "GTX");
    const price = new Decimal(body.get("price")!);
    assert.ok(price.lt("150.10") && price.gte("150.00"), price.toFixed());
    assert.ok(price.mod(MARKET.tickSize).isZero(), price.toFixed());
    const warnings = log.lines.filter((l) => l.level === "WARNING" && /best bid\/ask/.test(l.message));
    assert.equal(warnings.length, 2, log.lines.map((l) => l.message).join("\n"));
    assert.match(warnings[0]!.message, /crossed book: bid 150\.2 >= ask 150\.1/);
    assert.match(warnings[1]!.message, /"NaN" is not a decimal number/);
  } finally {
    stop.abort();
    await venue.close();
    await fake.close();
  }
});

Deno.test("aster: every malformed book answer is a VenueDataError, and the next good one is read", async () => {
  const { fake, venue } = await start({ bboFromRest: true });
  try {
    await venue.connect();
    for (const book of [...BAD_BOOKS, "<html>", "[]", "null"]) {
      fake.faults.http({ method: "GET", path: "/fapi/v1/ticker/bookTicker" }, {
        kind: "status",
        status: 200,
        body: typeof book === "string" ? book : JSON.stringify(book),
      });
      await assert.rejects(venue.bbo(), (e: Error) => e.name === "VenueDataError", JSON.stringify(book));
    }
    const good = await venue.bbo();
    assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("aster: a malformed quote on the market stream is never served as the best bid/ask", async () => {
  const { fake, venue, venueLog } = await start();
  try {
    await venue.connect();
    const frames = [
      { e: "bookTicker", s: SYMBOL, b: "150.20", B: "1", a: "150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "NaN", B: "1", a: "150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "150.00", B: "1", a: "-150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "150.00", B: "1" },
    ];
    const before = venueLog.length;
    for (let round = 0; round < 5; round++) {
      for (const frame of frames) {
        fake.server.broadcast(frame, isTickerSession);
        const bbo = await venue.bbo();
        assert.ok(bbo.bid.gt(0) && bbo.bid.lt(bbo.ask) && bbo.ask.isFinite(), `${bbo.bid}/${bbo.ask}`);
      }
    }
    await until(
      "the refused quotes",
      () => venueLog.slice(before).filter((l) => /message ignored/.test(l)).length >= 4 * frames.length,
    );
    assert.ok(venueLog.some((l) => /crossed book: bid 150\.2 >= ask 150\.1/.test(l)));
    const good = await venue.bbo();
    assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("aster: malformed order updates never reach a listener; the resync reports the missed fill", async () => {
  const { fake, venue, venueLog } = await start();
  const events: OrderEvent[] = [];
  try {
    await venue.connect();
    venue.onOrderEvent((e) => events.push(e));
    const id = await restingBuy(venue, "c-501");
    // The fill happens, but its event is lost: only a resync can tell.
    fake.faults.events.drop((e) => String(e.o.i) === id && e.o.X === "FILLED");
    fake.forceFill(id);
    // The first resync reads malformed open orders, and fails.
    fake.faults.http({ method: "GET", path: "/fapi/v1/openOrders" }, {
      kind: "status",
      status: 200,
      body: JSON.stringify([{
        orderId: Number(id),
        clientOrderId: "c-501",
        symbol: SYMBOL,
        status: "NEW",
        price: "149.50",
        origQty: "-0.4",
        executedQty: "0",
        timeInForce: "GTX",
        type: "LIMIT",
        side: "BUY",
      }]),
    });
    const frames = [
      tradeUpdate(id, { z: "0.8" }),
      tradeUpdate(id, { z: "NaN" }),
      tradeUpdate(id, { q: "-0.4", z: "0" }),
      tradeUpdate(id, { S: "sell" }),
      tradeUpdate(id, { X: "GONE" }),
      tradeUpdate(id, { X: "toString" }),
      tradeUpdate(id, { X: "__proto__" }),
      tradeUpdate(id, { i: undefined }),
      tradeUpdate(id, { i: -1 }),
      tradeUpdate(id, { p: "1e400" }),
      tradeUpdate(id, { n: "Infinity" }),
      tradeUpdate(id, { R: "yes" }),
      { ...tradeUpdate(id), o: null },
    ];
    const before = events.length;
    const logged = venueLog.length;
    for (const frame of frames) fake.server.broadcast(frame, isUserSession);
    fake.server.broadcast(`{"e":"ORDER_TRADE_UPDATE","o":{"i":${id},`, isUserSession);
    await until(
      "the refused frames and the failed resync",
      () =>
        venueLog.slice(logged).filter((l) => /message ignored/.test(l)).length >= frames.length + 1 &&
        venueLog.some((l) => /resync after an invalid order update failed/.test(l)),
    );
    assert.equal(events.length, before, `no event from bad frames: ${describeInput(events.slice(before))}`);
    assert.match(
      venueLog.find((l) => /resync after an invalid order update failed/.test(l))!,
      /origQty -0\.4 must be > 0/,
    );

    // Good data again: the next resync (after a reconnect) finds the order gone and reports its fill.
    fake.dropSockets();
    await until(
      "the fill reported by a resync",
      () => events.some((e) => e.orderId === id && e.status === "FILLED"),
    );
    const filled = events.find((e) => e.orderId === id && e.status === "FILLED")!;
    assert.equal(filled.filled.toFixed(), "0.4");
    assertValid(events, (e) => describeInput(e));
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("aster: a storm of mutated order updates: every event delivered is valid, filled never decreases", async () => {
  const { fake, venue, venueLog } = await start();
  const events: OrderEvent[] = [];
  const seed = fuzzSeed(7);
  const rng = new Prng(seed);
  try {
    await venue.connect();
    venue.onOrderEvent((e) => events.push(e));
    const id = await restingBuy(venue, "c-502");
    const partial = tradeUpdate(id, { X: "PARTIALLY_FILLED", z: "0.1", l: "0.1", n: "0.003" });
    const full = tradeUpdate(id, { X: "FILLED", z: "0.4", l: "0.3", n: "0.009" });
    const readsBefore = fake.requests.filter((r) =>
      r.method === "GET" && r.path === "/fapi/v1/openOrders"
    ).length;
    const sent: string[] = [];
    for (let i = 0; i < 300; i++) {
      const frame = JSON.stringify(mutateMany(rng.chance(0.5) ? partial : full, rng).value) ?? "";
      const text = rng.chance(0.2) ? mutateText(frame, rng).text : frame;
      sent.push(text);
      fake.server.broadcast(text, isUserSession);
    }
    // Frames are handled in order: once this one is delivered, every frame before it was handled.
    const sentinel = tradeUpdate("999999999", {
      X: "NEW",
      x: "NEW",
      z: "0",
      l: "0",
      ap: "0",
      n: "0",
      c: undefined,
    });
    fake.server.broadcast(sentinel, isUserSession);
    await until("the sentinel", () => events.some((e) => e.orderId === "999999999"));
    assertValid(events, (e) => `seed ${seed}: ${describeInput(e)}`);
    assert.ok(venueLog.some((l) => /message ignored/.test(l)), "some frames were refused");
    assert.ok(events.some((e) => e.orderId === id && e.filled.gt(0)), "some fills were delivered");
    // Garbage is answered by a few resyncs, not one per frame.
    const reads = fake.requests.filter((r) => r.method === "GET" && r.path === "/fapi/v1/openOrders").length -
      readsBefore;
    assert.ok(reads <= 3, `${reads} open-order reads for ${sent.length} frames`);
  } finally {
    await venue.close();
    await fake.close();
  }
});
