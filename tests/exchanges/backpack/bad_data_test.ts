/**
 * The Backpack adapter when the venue answers malformed data: the bot places nothing on a bad book and goes on
 * through its usual retry once the book is good; malformed order updates never reach a listener, and the
 * resync they cause reports the true state once the open orders read back well-formed.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { parseRunOptions, RUN_DEFAULTS } from "../../../bot/config.ts";
import type { BotLog, Level } from "../../../bot/trade_log.ts";
import { TradingBot } from "../../../bot/trading_bot.ts";
import { BackpackSigner } from "../../../exchanges/backpack/signer.ts";
import { BackpackVenue } from "../../../exchanges/backpack/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import type { OrderEvent } from "../../../exchanges/venue.ts";
import { Notifier } from "../../../notify/notifier.ts";
import { BackpackFake } from "../../fakes/backpack.ts";
import { describeInput, fuzzSeed, mutateMany, mutateText, Prng } from "../../fuzz/mutate.ts";

const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;

/** Book answers that must each be refused. */
const BAD_BOOKS = [
  { bids: [["150.20", "1"]], asks: [["150.10", "1"]] },
  { bids: [["NaN", "1"]], asks: [["150.10", "1"]] },
  { bids: [["150.00", "-3"]], asks: [["150.10", "1"]] },
  { bids: [["150.00", "1"]] },
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

async function start(options: { bboFromRest?: boolean } = {}) {
  const clock = new RealClock();
  const fake = await BackpackFake.start({ ticker: "SOL", ...MARKET, clock, bid: "150.00", ask: "150.10" });
  const venueLog: string[] = [];
  const venue = new BackpackVenue({
    ticker: "SOL",
    clock,
    signer: BackpackSigner.fromEnv(fake.env()),
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

Deno.test("backpack: the bot places nothing on a malformed book and trades once the book is good", async () => {
  const { clock, fake, venue } = await start({ bboFromRest: true });
  const log = new Lines();
  const stop = new AbortController();
  try {
    await venue.connect();
    // The next book reads answer malformed data (the bot retries 4 times: 2 bad answers, then a good one).
    const bad = BAD_BOOKS.slice(0, 2).map((book) =>
      fake.faults.http({ method: "GET", path: "/api/v1/depth" }, {
        kind: "status",
        status: 200,
        body: JSON.stringify(book),
      })
    );
    const config = parseRunOptions({
      ...RUN_DEFAULTS,
      exchange: "backpack",
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
      label: "[BACKPACK_SOL]",
    });
    const running = bot.run(stop.signal);
    await until(
      "the first placement",
      () => fake.requests.some((r) => r.method === "POST" && r.path === "/api/v1/order"),
    );
    stop.abort();
    await running;

    assert.deepEqual(bad.map((r) => r.fired), [1, 1], "both bad books were served");
    const requests = fake.requests;
    const badDepth = requests.filter((r) => r.path === "/api/v1/depth" && r.fault !== undefined);
    const firstPlacement = requests.find((r) => r.method === "POST" && r.path === "/api/v1/order")!;
    assert.equal(badDepth.length, 2);
    for (const r of badDepth) assert.ok(r.seq < firstPlacement.seq, "no placement before the bad books");
    // The placement used the good book: a buy one tick inside, below the ask, a multiple of the tick.
    const body = JSON.parse(firstPlacement.body) as { price: string; side: string; postOnly: boolean };
    assert.equal(body.side, "Bid");
    assert.ok(new Decimal(body.price).lt("150.10") && new Decimal(body.price).gte("150.00"), body.price);
    assert.ok(new Decimal(body.price).mod(MARKET.tickSize).isZero(), body.price);
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

Deno.test("backpack: every malformed book answer is a VenueDataError, and the next good one is read", async () => {
  const { fake, venue } = await start({ bboFromRest: true });
  try {
    await venue.connect();
    for (const book of BAD_BOOKS) {
      fake.faults.http({ method: "GET", path: "/api/v1/depth" }, {
        kind: "status",
        status: 200,
        body: JSON.stringify(book),
      });
      await assert.rejects(venue.bbo(), (e: Error) => e.name === "VenueDataError", JSON.stringify(book));
    }
    fake.faults.http({ method: "GET", path: "/api/v1/depth" }, {
      kind: "status",
      status: 200,
      body: "<html>",
    });
    await assert.rejects(venue.bbo(), (e: Error) => e.name === "VenueDataError");
    const good = await venue.bbo();
    assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("backpack: malformed order updates never reach a listener; the resync reports the missed fill", async () => {
  const { fake, venue, venueLog } = await start();
  const events: OrderEvent[] = [];
  try {
    await venue.connect();
    venue.onOrderEvent((e) => events.push(e));
    const placed = await venue.placeLimit({
      side: "buy",
      price: new Decimal("149.50"),
      quantity: new Decimal("0.4"),
      postOnly: true,
      reduceOnly: false,
      clientId: "501",
    });
    assert.equal(placed.kind, "accepted");
    const id = placed.kind === "accepted" ? placed.order.orderId : "";
    // The fill happens, but its event is lost: only a resync can tell.
    fake.faults.events.drop((e) => e.i === id && e.X === "Filled");
    fake.forceFill(id);
    // The first resync reads malformed open orders, and fails.
    fake.faults.http({ method: "GET", path: "/api/v1/orders" }, {
      kind: "status",
      status: 200,
      body: JSON.stringify([{
        id,
        side: "Bid",
        status: "New",
        quantity: "-0.4",
        executedQuantity: "0",
        price: "149.5",
      }]),
    });
    const stream = `account.orderUpdate.${fake.symbol}`;
    const good = {
      e: "orderFill",
      E: 1,
      s: fake.symbol,
      S: "Bid",
      q: "0.4",
      p: "149.5",
      X: "Filled",
      i: id,
      z: "0.4",
      Z: "59.8",
      T: 1,
    };
    const frames = [
      { stream, data: { ...good, z: "0.8" } },
      { stream, data: { ...good, z: "NaN" } },
      { stream, data: { ...good, q: "-0.4", z: "0" } },
      { stream, data: { ...good, S: "Sell" } },
      { stream, data: { ...good, X: "Gone" } },
      { stream, data: { ...good, i: undefined } },
      { stream, data: { ...good, p: "1e400" } },
    ];
    const before = events.length;
    for (const frame of frames) fake.server.broadcast(frame);
    fake.server.broadcast(`{"stream":"${stream}","data":{"e":"orderFill","i":"${id}",`);
    await until(
      "the refused frames and the failed resync",
      () =>
        venueLog.filter((l) => /message ignored/.test(l)).length >= frames.length + 1 &&
        venueLog.some((l) => /resync after an invalid order update failed/.test(l)),
    );
    assert.equal(events.length, before, `no event from bad frames: ${JSON.stringify(events.slice(before))}`);
    assert.match(
      venueLog.find((l) => /resync after an invalid order update failed/.test(l))!,
      /quantity -0\.4 must be >= 0/,
    );

    // Good data again: the next resync (after a reconnect) finds the order gone and reports its fill.
    fake.dropSockets();
    await until(
      "the fill reported by a resync",
      () => events.some((e) => e.orderId === id && e.status === "FILLED"),
    );
    const filled = events.find((e) => e.orderId === id && e.status === "FILLED")!;
    assert.equal(filled.filled.toFixed(), "0.4");
    for (const e of events) {
      assert.ok(
        e.filled.gte(0) && e.filled.lte(e.quantity) && e.quantity.gt(0) && e.price.gt(0),
        JSON.stringify(e),
      );
    }
  } finally {
    await venue.close();
    await fake.close();
  }
});

Deno.test("backpack: a storm of mutated order updates: every event delivered is valid, filled never decreases", async () => {
  const { fake, venue, venueLog } = await start();
  const events: OrderEvent[] = [];
  const seed = fuzzSeed(7);
  const rng = new Prng(seed);
  try {
    await venue.connect();
    venue.onOrderEvent((e) => events.push(e));
    const placed = await venue.placeLimit({
      side: "buy",
      price: new Decimal("149.50"),
      quantity: new Decimal("0.4"),
      postOnly: true,
      reduceOnly: false,
      clientId: "502",
    });
    assert.equal(placed.kind, "accepted");
    const id = placed.kind === "accepted" ? placed.order.orderId : "";
    const stream = `account.orderUpdate.${fake.symbol}`;
    const fill = {
      e: "orderFill",
      E: 1,
      s: fake.symbol,
      S: "Bid",
      q: "0.4",
      p: "149.5",
      X: "PartiallyFilled",
      i: id,
      z: "0.1",
      Z: "14.95",
      T: 1,
    };
    const sent: string[] = [];
    for (let i = 0; i < 300; i++) {
      const sample = rng.chance(0.5) ? fill : { ...fill, X: "Filled", z: "0.4", Z: "59.8" };
      const frame = JSON.stringify({ stream, data: mutateMany(sample, rng).value });
      const text = rng.chance(0.2) ? mutateText(frame, rng).text : frame;
      sent.push(text);
      fake.server.broadcast(text);
    }
    // Frames are handled in order: once this one is delivered, every frame before it was handled.
    fake.server.broadcast({
      stream,
      data: { ...fill, i: "sentinel-1", c: undefined, X: "New", z: "0", Z: "0" },
    });
    await until("the sentinel", () => events.some((e) => e.orderId === "sentinel-1"));
    const last = new Map<string, Decimal>();
    for (const e of events) {
      const what = `seed ${seed}: ${describeInput(e)}`;
      assert.ok(e.quantity.isFinite() && e.quantity.gte(0), what);
      assert.ok(e.filled.isFinite() && e.filled.gte(0), what);
      assert.ok(e.quantity.isZero() || e.filled.lte(e.quantity), what);
      assert.ok(e.price.isFinite() && e.price.gte(0), what);
      assert.ok(["buy", "sell"].includes(e.side), what);
      assert.ok(["OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED"].includes(e.status), what);
      const before = last.get(e.orderId);
      assert.ok(before === undefined || e.filled.gte(before), `filled went down: ${what}`);
      last.set(e.orderId, e.filled);
    }
    assert.ok(venueLog.some((l) => /message ignored/.test(l)), "some frames were refused");
    // Garbage is answered by a few resyncs, not one per frame.
    const reads = fake.requests.filter((r) => r.method === "GET" && r.path === "/api/v1/orders").length;
    assert.ok(reads <= 3, `${reads} open-order reads for ${sent.length} frames`);
  } finally {
    await venue.close();
    await fake.close();
  }
});
