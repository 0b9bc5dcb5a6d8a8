/**
 * Scenarios of a venue adapter fed malformed data by its loopback fake, shared by every venue: the bot on a
 * bad book, each bad book answer refused, and a seeded storm of mutated order updates of which only valid
 * events, with a `filled` that never decreases, reach a listener.
 * @module
 */
import assert from "node:assert/strict";
import type { Clock } from "../../bot/clock.ts";
import { parseRunOptions, RUN_DEFAULTS } from "../../bot/config.ts";
import type { BotLog, Level } from "../../bot/trade_log.ts";
import { TradingBot } from "../../bot/trading_bot.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import type { OrderEvent, Venue } from "../../exchanges/venue.ts";
import { Notifier } from "../../notify/notifier.ts";
import type { FaultPlan } from "../fakes/faults.ts";
import type { LoopbackServer, RequestRecord } from "../fakes/loopback.ts";
import { describeInput, fuzzSeed, mutateMany, mutateText, Prng } from "../fuzz/mutate.ts";

/** What these scenarios need of a venue's fake; `E` is the type of its order events. */
export interface BadDataFake<E> {
  readonly faults: FaultPlan<E>;
  readonly requests: readonly RequestRecord[];
  readonly server: LoopbackServer;
}

/** Polls `probe` every 10 ms until it holds; throws after `timeoutMs`. */
export async function until(what: string, probe: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Places a resting post-only buy of 0.4 at 149.50; its venue id. */
export async function placeRestingBuy(venue: Venue, clientId: string): Promise<string> {
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

/** Collects activity lines. */
class Lines implements BotLog {
  readonly lines: { level: Level; message: string }[] = [];
  log(message: string, level: Level = "INFO"): void {
    this.lines.push({ level, message });
  }
  order(): void {}
}

/** The bot on a venue whose next two book reads answer a crossed book, then a book with a NaN bid. */
export interface BadBookRun<E> {
  readonly fake: BadDataFake<E>;
  /** Connected, reading every book from REST; the fake quotes 150.00/150.10. */
  readonly venue: Venue;
  readonly clock: Clock;
  /** `--exchange` of the run. */
  readonly exchange: string;
  /** The bot's log label: `[ASTER_SOL]`. */
  readonly label: string;
  /** The REST path of the book. */
  readonly bookPath: string;
  /** The REST path that places an order. */
  readonly orderPath: string;
  /** A crossed book (bid 150.20, ask 150.10), then one with a NaN bid, as the venue would send them. */
  readonly badBooks: readonly [unknown, unknown];
  readonly tickSize: string;
  /** Asserts that a placement body is the venue's post-only buy; its price. */
  readonly placedBuy: (body: string) => Decimal;
}

/** Runs the bot until its first placement and asserts it placed nothing on a bad book, then used the good one. */
export async function assertBotWaitsForGoodBook<E>(run: BadBookRun<E>): Promise<void> {
  const { fake, bookPath } = run;
  const log = new Lines();
  const stop = new AbortController();
  try {
    // The next book reads answer malformed data (the bot retries: 2 bad answers, then a good one).
    const bad = run.badBooks.map((book) =>
      fake.faults.http({ method: "GET", path: bookPath }, {
        kind: "status",
        status: 200,
        body: JSON.stringify(book),
      })
    );
    const config = parseRunOptions({
      ...RUN_DEFAULTS,
      exchange: run.exchange,
      ticker: "SOL",
      quantity: "0.4",
      boost: false,
    });
    const bot = new TradingBot({
      venue: run.venue,
      config,
      clock: run.clock,
      log,
      notifier: new Notifier([]),
      label: run.label,
    });
    const running = bot.run(stop.signal);
    const placement = (r: { method: string; path: string }) =>
      r.method === "POST" && r.path === run.orderPath;
    await until("the first placement", () => fake.requests.some(placement));
    stop.abort();
    await running;

    assert.deepEqual(bad.map((r) => r.fired), [1, 1], "both bad books were served");
    const badBooks = fake.requests.filter((r) => r.path === bookPath && r.fault !== undefined);
    const firstPlacement = fake.requests.find(placement)!;
    assert.equal(badBooks.length, 2);
    for (const r of badBooks) assert.ok(r.seq < firstPlacement.seq, "no placement before the bad books");
    // The placement used the good book: a buy inside the spread, below the ask, a multiple of the tick.
    const price = run.placedBuy(firstPlacement.body);
    assert.ok(price.lt("150.10") && price.gte("150.00"), price.toFixed());
    assert.ok(price.mod(run.tickSize).isZero(), price.toFixed());
    const warnings = log.lines.filter((l) => l.level === "WARNING" && /best bid\/ask/.test(l.message));
    assert.equal(warnings.length, 2, log.lines.map((l) => l.message).join("\n"));
    assert.match(warnings[0]!.message, /crossed book: bid 150\.2 >= ask 150\.1/);
    assert.match(warnings[1]!.message, /"NaN" is not a decimal number/);
  } finally {
    stop.abort();
  }
}

/**
 * Serves each body once as the answer of the next book read and asserts the venue refuses it with a
 * VenueDataError; then the fake's own book, 150.00/150.10, is read again.
 */
export async function assertBadBooksRefused<E>(
  fake: BadDataFake<E>,
  venue: Venue,
  bookPath: string,
  bodies: readonly string[],
): Promise<void> {
  for (const body of bodies) {
    fake.faults.http({ method: "GET", path: bookPath }, { kind: "status", status: 200, body });
    await assert.rejects(venue.bbo(), (e: Error) => e.name === "VenueDataError", body);
  }
  const good = await venue.bbo();
  assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
}

/**
 * Asserts every event is one the bot can compute with (finite decimals, a fill within the quantity, a known
 * side and status) and that the `filled` of an order never decreases. `quantity` is "positive" where the venue
 * never reports an order of quantity 0.
 */
export function assertValidEvents(
  events: readonly OrderEvent[],
  what: (e: OrderEvent) => string,
  quantity: "positive" | "nonNegative",
): void {
  const last = new Map<string, Decimal>();
  for (const e of events) {
    const w = what(e);
    assert.ok(e.quantity.isFinite() && (quantity === "positive" ? e.quantity.gt(0) : e.quantity.gte(0)), w);
    assert.ok(e.filled.isFinite() && e.filled.gte(0), w);
    assert.ok(e.quantity.isZero() || e.filled.lte(e.quantity), w);
    assert.ok(e.price.isFinite() && e.price.gte(0), w);
    assert.ok(["buy", "sell"].includes(e.side), w);
    assert.ok(["OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED"].includes(e.status), w);
    assert.ok(e.fee === undefined || e.fee.isFinite(), w);
    const before = last.get(e.orderId);
    assert.ok(before === undefined || e.filled.gte(before), `filled went down: ${w}`);
    last.set(e.orderId, e.filled);
  }
}

/** A storm of mutated order updates of one resting order, on a venue whose listener collects `events`. */
export interface OrderUpdateStorm<E> {
  readonly fake: BadDataFake<E>;
  /** The venue's log lines, `LEVEL: text`. */
  readonly venueLog: readonly string[];
  /** What the venue's order listener received. */
  readonly events: readonly OrderEvent[];
  /** The resting order the updates are about. */
  readonly orderId: string;
  /** A partial fill, then the full fill, of that order, as the venue's stream carries them. */
  readonly updates: readonly [unknown, unknown];
  /** The stream frame of an update. */
  readonly frame: (update: unknown) => unknown;
  /** Sends a frame on the user stream. */
  readonly send: (frame: string | object) => void;
  /** A valid update of another order, sent last: once delivered, every frame before it was handled. */
  readonly sentinel: { readonly frame: object; readonly orderId: string };
  /** The REST path that reads the open orders (a resync). */
  readonly openOrdersPath: string;
  readonly quantity: "positive" | "nonNegative";
}

/**
 * Sends 300 seeded mutated updates (`FUZZ_SEED`, default 7), a fifth of them also broken as text, and asserts
 * only valid events were delivered, some were refused, some fills arrived, and a few resyncs answered it all.
 */
export async function assertOrderUpdateStorm<E>(storm: OrderUpdateStorm<E>): Promise<void> {
  const { fake, events, openOrdersPath } = storm;
  const seed = fuzzSeed(7);
  const rng = new Prng(seed);
  const sent: string[] = [];
  for (let i = 0; i < 300; i++) {
    const update = mutateMany(rng.chance(0.5) ? storm.updates[0] : storm.updates[1], rng).value;
    const frame = JSON.stringify(storm.frame(update)) ?? "";
    const text = rng.chance(0.2) ? mutateText(frame, rng).text : frame;
    sent.push(text);
    storm.send(text);
  }
  storm.send(storm.sentinel.frame);
  await until("the sentinel", () => events.some((e) => e.orderId === storm.sentinel.orderId));
  assertValidEvents(events, (e) => `seed ${seed}: ${describeInput(e)}`, storm.quantity);
  assert.ok(storm.venueLog.some((l) => /message ignored/.test(l)), "some frames were refused");
  assert.ok(events.some((e) => e.orderId === storm.orderId && e.filled.gt(0)), "some fills were delivered");
  // Garbage is answered by a few resyncs, not one per frame (the read at connect included).
  const reads = fake.requests.filter((r) => r.method === "GET" && r.path === openOrdersPath).length;
  assert.ok(reads <= 3, `${reads} open-order reads for ${sent.length} frames`);
}
