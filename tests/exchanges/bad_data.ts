/**
 * The malformed-data suite: one function, {@link badDataTests}, that registers the same cases for any venue
 * adapter running against its loopback fake: the bot places nothing on a bad book and trades once the book is
 * good, each bad book answer is refused, malformed order updates never reach a listener and the resync they
 * cause reports a missed fill once the open orders read back well-formed, and a seeded storm of mutated order
 * updates delivers only valid events whose `filled` never decreases.
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

/** What the suite needs of a venue's fake; `E` is the type of its order events. */
export interface BadDataFake<E> {
  readonly faults: FaultPlan<E>;
  readonly requests: readonly RequestRecord[];
  readonly server: LoopbackServer;
  /** Fills a resting order whole. */
  forceFill(orderId: string): void;
  /** Closes every socket, as a network drop would. */
  dropSockets(): number;
  close(): Promise<void>;
}

/** A venue, not yet connected, on its fake quoting 150.00/150.10. */
export interface BadDataSetup<F> {
  readonly fake: F;
  readonly venue: Venue;
  readonly clock: Clock;
  /** The venue's log lines, `LEVEL: text`. */
  readonly venueLog: readonly string[];
}

/** The updates of a storm about one resting order, as the venue's user stream carries them. */
export interface StormUpdates {
  /** A partial fill, then the full fill, of the order. */
  readonly updates: readonly [unknown, unknown];
  /** The stream frame of an update. */
  readonly frame: (update: unknown) => unknown;
  /** A valid update of another order, sent last: once delivered, every frame before it was handled. */
  readonly sentinel: { readonly frame: object; readonly orderId: string };
}

/** A fill of a resting order whose event is lost, then malformed updates and a malformed resync about it. */
export interface MissedFill {
  /** Makes the fake drop the event of the order's fill. */
  readonly dropFill: () => void;
  /** An open-orders answer listing the order with a quantity of -0.4. */
  readonly badOpenOrders: string;
  /** What the venue logs when it refuses that answer. */
  readonly refusal: RegExp;
  /** Stream frames of the order, each malformed. */
  readonly badFrames: readonly object[];
  /** A stream frame of the order, cut short. */
  readonly truncated: string;
}

/** One venue for {@link badDataTests}. */
export interface BadDataSuite<E, F extends BadDataFake<E>> {
  /** Prefix of the test names, and `--exchange` of the bot's run: `aster`. */
  readonly name: string;
  /** The bot's log label: `[ASTER_SOL]`. */
  readonly label: string;
  /** A venue on a fresh fake; with `bboFromRest`, every read of the book goes to REST, where the faults are. */
  readonly start: (options: { bboFromRest?: boolean }) => Promise<BadDataSetup<F>>;
  /** The REST path of the book. */
  readonly bookPath: string;
  /** The REST path that places an order. */
  readonly orderPath: string;
  /** The REST path that reads the open orders (a resync). */
  readonly openOrdersPath: string;
  readonly tickSize: string;
  /** Book answers that must each be refused: a crossed book (bid 150.20, ask 150.10), one with a NaN bid, … */
  readonly badBooks: readonly [string, string, ...string[]];
  /** Asserts that a placement body is the venue's post-only buy; its price. */
  readonly placedBuy: (body: string) => Decimal;
  /** Sends a frame on the user stream. */
  readonly send: (fake: F, frame: string | object) => void;
  /** Client ids of the resting buys of the missed fill and of the storm. */
  readonly clientIds: readonly [string, string];
  readonly missedFill: (fake: F, orderId: string) => MissedFill;
  readonly storm: (fake: F, orderId: string) => StormUpdates;
  /** "positive" where the venue never reports an order of quantity 0, even from a mutated update. */
  readonly quantity: "positive" | "nonNegative";
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
async function placeRestingBuy(venue: Venue, clientId: string): Promise<string> {
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

/**
 * Asserts every event is one the bot can compute with (finite decimals, a fill within the quantity, a known
 * side and status) and that the `filled` of an order never decreases. `quantity` is "positive" where the venue
 * never reports an order of quantity 0.
 */
function assertValidEvents(
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

/** Collects activity lines. */
class Lines implements BotLog {
  readonly lines: { level: Level; message: string }[] = [];
  log(message: string, level: Level = "INFO"): void {
    this.lines.push({ level, message });
  }
  order(): void {}
}

/** Runs `body` on a connected venue of `suite`, then closes the venue and its fake. */
async function connected<E, F extends BadDataFake<E>>(
  suite: BadDataSuite<E, F>,
  options: { bboFromRest?: boolean },
  body: (setup: BadDataSetup<F>) => Promise<void>,
): Promise<void> {
  const setup = await suite.start(options);
  try {
    await setup.venue.connect();
    await body(setup);
  } finally {
    await setup.venue.close();
    await setup.fake.close();
  }
}

/** Registers the malformed-data cases for the venue of `suite`. */
export function badDataTests<E, F extends BadDataFake<E>>(suite: BadDataSuite<E, F>): void {
  const { name, bookPath } = suite;

  Deno.test(`${name}: the bot places nothing on a malformed book and trades once the book is good`, async () => {
    await connected(suite, { bboFromRest: true }, async ({ fake, venue, clock }) => {
      const log = new Lines();
      const stop = new AbortController();
      try {
        // The next book reads answer malformed data (the bot retries: 2 bad answers, then a good one).
        const bad = suite.badBooks.slice(0, 2).map((body) =>
          fake.faults.http({ method: "GET", path: bookPath }, { kind: "status", status: 200, body })
        );
        const config = parseRunOptions({
          ...RUN_DEFAULTS,
          exchange: name,
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
          label: suite.label,
        });
        const running = bot.run(stop.signal);
        const placement = (r: { method: string; path: string }) =>
          r.method === "POST" && r.path === suite.orderPath;
        await until("the first placement", () => fake.requests.some(placement));
        stop.abort();
        await running;

        assert.deepEqual(bad.map((r) => r.fired), [1, 1], "both bad books were served");
        const badBooks = fake.requests.filter((r) => r.path === bookPath && r.fault !== undefined);
        const firstPlacement = fake.requests.find(placement)!;
        assert.equal(badBooks.length, 2);
        for (const r of badBooks) assert.ok(r.seq < firstPlacement.seq, "no placement before the bad books");
        // The placement used the good book: a buy inside the spread, below the ask, a multiple of the tick.
        const price = suite.placedBuy(firstPlacement.body);
        assert.ok(price.lt("150.10") && price.gte("150.00"), price.toFixed());
        assert.ok(price.mod(suite.tickSize).isZero(), price.toFixed());
        const warnings = log.lines.filter((l) => l.level === "WARNING" && /best bid\/ask/.test(l.message));
        assert.equal(warnings.length, 2, log.lines.map((l) => l.message).join("\n"));
        assert.match(warnings[0]!.message, /crossed book: bid 150\.2 >= ask 150\.1/);
        assert.match(warnings[1]!.message, /"NaN" is not a decimal number/);
      } finally {
        stop.abort();
      }
    });
  });

  Deno.test(`${name}: every malformed book answer is a VenueDataError, and the next good one is read`, async () => {
    await connected(suite, { bboFromRest: true }, async ({ fake, venue }) => {
      for (const body of suite.badBooks) {
        fake.faults.http({ method: "GET", path: bookPath }, { kind: "status", status: 200, body });
        await assert.rejects(venue.bbo(), (e: Error) => e.name === "VenueDataError", body);
      }
      const good = await venue.bbo();
      assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
    });
  });

  Deno.test(`${name}: malformed order updates never reach a listener; the resync reports the missed fill`, async () => {
    await connected(suite, {}, async ({ fake, venue, venueLog }) => {
      const events: OrderEvent[] = [];
      venue.onOrderEvent((e) => events.push(e));
      const id = await placeRestingBuy(venue, suite.clientIds[0]);
      const missed = suite.missedFill(fake, id);
      // The fill happens, but its event is lost: only a resync can tell.
      missed.dropFill();
      fake.forceFill(id);
      // The first resync reads malformed open orders, and fails.
      fake.faults.http({ method: "GET", path: suite.openOrdersPath }, {
        kind: "status",
        status: 200,
        body: missed.badOpenOrders,
      });
      const before = events.length;
      const logged = venueLog.length;
      for (const frame of missed.badFrames) suite.send(fake, frame);
      suite.send(fake, missed.truncated);
      const failedResync = (l: string) => /resync after an invalid order update failed/.test(l);
      await until(
        "the refused frames and the failed resync",
        () =>
          venueLog.slice(logged).filter((l) => /message ignored/.test(l)).length >=
            missed.badFrames.length + 1 &&
          venueLog.some(failedResync),
      );
      assert.equal(events.length, before, `no event from bad frames: ${describeInput(events.slice(before))}`);
      assert.match(venueLog.find(failedResync)!, missed.refusal);

      // Good data again: the next resync (after a reconnect) finds the order gone and reports its fill.
      fake.dropSockets();
      await until(
        "the fill reported by a resync",
        () => events.some((e) => e.orderId === id && e.status === "FILLED"),
      );
      const filled = events.find((e) => e.orderId === id && e.status === "FILLED")!;
      assert.equal(filled.filled.toFixed(), "0.4");
      assertValidEvents(events, (e) => describeInput(e), "positive");
      for (const e of events) assert.ok(e.price.gt(0), describeInput(e));
    });
  });

  Deno.test(`${name}: a storm of mutated order updates: every event delivered is valid, filled never decreases`, async () => {
    await connected(suite, {}, async ({ fake, venue, venueLog }) => {
      const events: OrderEvent[] = [];
      venue.onOrderEvent((e) => events.push(e));
      const orderId = await placeRestingBuy(venue, suite.clientIds[1]);
      const storm = suite.storm(fake, orderId);
      const send = (frame: string | object) => suite.send(fake, frame);
      const seed = fuzzSeed(7);
      const rng = new Prng(seed);
      const sent: string[] = [];
      for (let i = 0; i < 300; i++) {
        const update = mutateMany(rng.chance(0.5) ? storm.updates[0] : storm.updates[1], rng).value;
        const frame = JSON.stringify(storm.frame(update)) ?? "";
        const text = rng.chance(0.2) ? mutateText(frame, rng).text : frame;
        sent.push(text);
        send(text);
      }
      send(storm.sentinel.frame);
      await until("the sentinel", () => events.some((e) => e.orderId === storm.sentinel.orderId));
      assertValidEvents(events, (e) => `seed ${seed}: ${describeInput(e)}`, suite.quantity);
      assert.ok(venueLog.some((l) => /message ignored/.test(l)), "some frames were refused");
      assert.ok(events.some((e) => e.orderId === orderId && e.filled.gt(0)), "some fills were delivered");
      // Garbage is answered by a few resyncs, not one per frame (the read at connect included).
      const reads = fake.requests.filter((r) => r.method === "GET" && r.path === suite.openOrdersPath).length;
      assert.ok(reads <= 3, `${reads} open-order reads for ${sent.length} frames`);
    });
  });
}
