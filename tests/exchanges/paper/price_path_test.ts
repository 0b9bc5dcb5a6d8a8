/** The paper market: per-ticker rules, a seeded generator, and a random walk that stays on the tick grid. */
import assert from "node:assert/strict";
import { Decimal } from "../../../exchanges/decimal.ts";
import {
  initialQuote,
  type PaperMarketSpec,
  paperMarketSpec,
  type Quote,
  Rng,
  stepQuote,
} from "../../../exchanges/paper/price_path.ts";
import { isMultipleOf } from "../../../exchanges/rounding.ts";

Deno.test("paperMarketSpec: known tickers get their rules, others tick 0.01 around 100", () => {
  const table: [ticker: string, tick: string, step: string, mid: string][] = [
    ["BTC", "0.1", "0.0001", "60000"],
    ["ETH", "0.01", "0.001", "3000"],
    ["SOL", "0.01", "0.01", "150"],
    ["DOGE", "0.00001", "1", "0.2"],
    ["HYPE", "0.001", "0.01", "40"],
    ["XYZ", "0.01", "0.01", "100"],
  ];
  for (const [ticker, tick, step, mid] of table) {
    const spec = paperMarketSpec(ticker);
    assert.equal(spec.ticker, ticker);
    assert.equal(spec.symbol, `${ticker}-PAPER`);
    assert.equal(spec.tickSize.toString(), tick, ticker);
    assert.equal(spec.stepSize.toString(), step, ticker);
    assert.equal(spec.minQuantity.toString(), step, ticker);
    assert.equal(spec.startMid.toString(), mid, ticker);
    assert.ok(spec.maxSpreadTicks >= 1 && spec.volatilityPerSecond > 0);
  }
});

Deno.test("Rng: same seed, same sequence; the state resumes the sequence", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const first = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(Array.from({ length: 100 }, () => b.next()), first);
  const c = new Rng(43);
  assert.notDeepEqual(Array.from({ length: 100 }, () => c.next()), first);
  for (const x of first) assert.ok(x >= 0 && x < 1, String(x));

  const saved = new Rng(7);
  for (let i = 0; i < 10; i++) saved.next();
  const resumed = new Rng(saved.state);
  assert.deepEqual(
    Array.from({ length: 20 }, () => resumed.next()),
    Array.from({ length: 20 }, () => saved.next()),
  );
  // Seeds are taken as uint32.
  assert.equal(new Rng(-1).state, 0xffffffff);
  assert.equal(new Rng(2 ** 32 + 5).state, 5);
});

Deno.test("Rng.int stays within its bounds and reaches both ends; normal is finite", () => {
  const rng = new Rng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const n = rng.int(1, 3);
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 3, String(n));
    seen.add(n);
  }
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
  let sum = 0;
  let squares = 0;
  const count = 5000;
  for (let i = 0; i < count; i++) {
    const x = rng.normal();
    assert.ok(Number.isFinite(x));
    sum += x;
    squares += x * x;
  }
  // Loose moments of a standard normal over 5000 draws.
  assert.ok(Math.abs(sum / count) < 0.1, `mean ${sum / count}`);
  assert.ok(Math.abs(squares / count - 1) < 0.1, `variance ${squares / count}`);
});

Deno.test("initialQuote: a one-tick spread at the start mid, on the grid", () => {
  assert.deepEqual(stringify(initialQuote(paperMarketSpec("ETH"))), ["3000", "3000.01"]);
  assert.deepEqual(stringify(initialQuote(paperMarketSpec("BTC"))), ["60000", "60000.1"]);
  const offGrid: PaperMarketSpec = {
    ...paperMarketSpec("X"),
    tickSize: new Decimal("0.5"),
    startMid: new Decimal("100.3"),
  };
  assert.deepEqual(stringify(initialQuote(offGrid)), ["100", "100.5"]);
});

Deno.test("the price path stays on the tick grid with bid < ask and a bounded spread", () => {
  for (const ticker of ["ETH", "BTC", "DOGE", "HYPE"]) {
    const spec = paperMarketSpec(ticker);
    const rng = new Rng(99);
    let quote: Quote = initialQuote(spec);
    for (let i = 0; i < 1000; i++) {
      const step = stepQuote(spec, quote, rng, 1);
      assertStep(spec, quote, step, `${ticker} step ${i}`);
      quote = step;
    }
  }
});

Deno.test("the price path never falls below the minimum bid, even when very volatile", () => {
  const spec: PaperMarketSpec = {
    ...paperMarketSpec("X"),
    startMid: new Decimal("0.05"),
    volatilityPerSecond: 0.5,
    maxSpreadTicks: 3,
  };
  const minBid = spec.tickSize.mul(spec.maxSpreadTicks);
  const rng = new Rng(5);
  let quote: Quote = initialQuote(spec);
  let floorHits = 0;
  for (let i = 0; i < 2000; i++) {
    const step = stepQuote(spec, quote, rng, 1);
    assertStep(spec, quote, step, `step ${i}`);
    assert.ok(step.bid.gte(minBid), `bid ${step.bid} below ${minBid}`);
    if (step.bid.eq(minBid)) floorHits++;
    quote = step;
  }
  assert.ok(floorHits > 0, "the floor was exercised");
});

Deno.test("same seed, same path; another seed, another path", () => {
  const spec = paperMarketSpec("ETH");
  const path = (seed: number, seconds: number) => {
    const rng = new Rng(seed);
    let quote: Quote = initialQuote(spec);
    const out: string[] = [];
    for (let i = 0; i < 500; i++) {
      quote = stepQuote(spec, quote, rng, seconds);
      out.push(`${quote.bid}/${quote.ask}`);
    }
    return out;
  };
  assert.deepEqual(path(1, 1), path(1, 1));
  assert.notDeepEqual(path(1, 1), path(2, 1));
  assert.ok(new Set(path(1, 1)).size > 100, "the market moves");
});

Deno.test("longer steps move the market further", () => {
  const spec = paperMarketSpec("ETH");
  const meanMove = (seconds: number) => {
    const rng = new Rng(8);
    const start = initialQuote(spec);
    let total = 0;
    for (let i = 0; i < 500; i++) {
      total += Math.abs(stepQuote(spec, start, rng, seconds).bid.minus(start.bid).toNumber());
    }
    return total / 500;
  };
  const oneSecond = meanMove(1);
  const oneHundred = meanMove(100);
  // sigma grows with the square root of time: about 10× for 100×.
  assert.ok(oneHundred > 5 * oneSecond && oneHundred < 20 * oneSecond, `${oneSecond} vs ${oneHundred}`);
});

function assertStep(
  spec: PaperMarketSpec,
  before: Quote,
  step: ReturnType<typeof stepQuote>,
  label: string,
): void {
  const { tickSize } = spec;
  assert.ok(
    isMultipleOf(step.bid, tickSize) && isMultipleOf(step.ask, tickSize),
    `${label}: off grid ${step.bid}`,
  );
  assert.ok(step.bid.gt(0), `${label}: bid ${step.bid}`);
  assert.ok(step.bid.lt(step.ask), `${label}: ${step.bid} >= ${step.ask}`);
  const spread = step.ask.minus(step.bid).div(tickSize);
  assert.ok(spread.gte(1) && spread.lte(spec.maxSpreadTicks), `${label}: spread ${spread} ticks`);
  assert.ok(step.lowAsk.eq(Decimal.min(before.ask, step.ask)), `${label}: lowAsk`);
  assert.ok(step.highBid.eq(Decimal.max(before.bid, step.bid)), `${label}: highBid`);
}

function stringify(q: Quote): [string, string] {
  return [q.bid.toString(), q.ask.toString()];
}
