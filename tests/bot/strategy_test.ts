/** The strategy formulas, as tables with their boundary values. */
import assert from "node:assert/strict";
import {
  assertUsableBook,
  cooldownMs,
  gridStepAllows,
  InvalidBookError,
  keepWaiting,
  makerGuard,
  openPrice,
  positionMismatch,
  priceCondition,
  takeProfitPrice,
} from "../../bot/strategy.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { isMultipleOf } from "../../exchanges/rounding.ts";
import type { Bbo, Side } from "../../exchanges/venue.ts";
import { Rng } from "../../exchanges/paper/price_path.ts";

const d = (s: string | number) => new Decimal(s);
const book = (bid: string, ask: string): Bbo => ({ bid: d(bid), ask: d(ask) });
const list = (...prices: string[]) => prices.map(d);

Deno.test("openPrice quotes one tick inside the opposite touch, on the tick grid", () => {
  const table: [side: Side, bid: string, ask: string, tick: string, expected: string][] = [
    // One-tick spread: the order joins the near touch.
    ["buy", "3000", "3000.01", "0.01", "3000"],
    ["sell", "3000", "3000.01", "0.01", "3000.01"],
    // Wider spread: one tick inside the opposite touch.
    ["buy", "3000", "3000.05", "0.01", "3000.04"],
    ["sell", "3000", "3000.05", "0.01", "3000.01"],
    // Tick 0.5.
    ["buy", "2000", "2001", "0.5", "2000.5"],
    ["sell", "2000", "2001", "0.5", "2000.5"],
    ["buy", "2000", "2000.5", "0.5", "2000"],
    ["sell", "2000", "2000.5", "0.5", "2000.5"],
    // A book off the grid: the price still lands on a multiple of the tick, and never crosses.
    ["buy", "2000.3", "2000.8", "0.5", "2000"],
    ["sell", "2000.3", "2000.8", "0.5", "2001"],
    // Tick 10.
    ["buy", "2000", "2030", "10", "2020"],
    ["sell", "2000", "2030", "10", "2010"],
    ["buy", "2000", "2010", "10", "2000"],
    ["sell", "2000", "2010", "10", "2010"],
    // Small prices.
    ["buy", "0.20001", "0.20002", "0.00001", "0.20001"],
    ["sell", "0.20001", "0.20004", "0.00001", "0.20002"],
  ];
  for (const [side, bid, ask, tick, expected] of table) {
    const price = openPrice(side, book(bid, ask), d(tick));
    assert.equal(price.toString(), expected, `${side} on ${bid}/${ask} tick ${tick}`);
  }
});

Deno.test("openPrice never crosses and stays on the grid for random books", () => {
  const rng = new Rng(7);
  for (const tickText of ["0.01", "0.5", "10", "0.00001"]) {
    const tick = d(tickText);
    for (let i = 0; i < 300; i++) {
      // Bid and ask anywhere (on or off the grid), ask at least one tick above the bid and above one tick.
      const bid = tick.mul(2 + rng.int(0, 100_000)).plus(tick.mul(rng.next().toFixed(3)));
      const ask = bid.plus(tick.mul(1 + rng.int(0, 5))).plus(tick.mul(rng.next().toFixed(3)));
      const bbo = { bid, ask };
      const buy = openPrice("buy", bbo, tick);
      const sell = openPrice("sell", bbo, tick);
      assert.ok(isMultipleOf(buy, tick) && isMultipleOf(sell, tick), `${bid}/${ask} tick ${tick}`);
      assert.ok(buy.lt(ask), `buy ${buy} must stay below ask ${ask}`);
      assert.ok(sell.gt(bid), `sell ${sell} must stay above bid ${bid}`);
      assert.ok(ask.minus(buy).lt(tick.mul(2)), `buy ${buy} within two ticks of ask ${ask}`);
      assert.ok(sell.minus(bid).lt(tick.mul(2)), `sell ${sell} within two ticks of bid ${bid}`);
    }
  }
});

Deno.test("openPrice refuses an empty, non-positive or crossed book", () => {
  const bad: [bid: string, ask: string][] = [
    ["0", "3000"],
    ["-1", "3000"],
    ["3000", "0"],
    ["0", "0"],
    ["3000", "3000"], // locked
    ["3000.01", "3000"], // crossed
    ["NaN", "3000"],
    ["3000", "Infinity"],
  ];
  for (const [bid, ask] of bad) {
    for (const side of ["buy", "sell"] as const) {
      assert.throws(
        () => openPrice(side, book(bid, ask), d("0.01")),
        (e: Error) => e instanceof InvalidBookError && e.message.includes(String(d(bid))),
        `${side} ${bid}/${ask}`,
      );
    }
    assert.throws(() => assertUsableBook(book(bid, ask)), InvalidBookError);
  }
  assert.doesNotThrow(() => assertUsableBook(book("0.01", "0.02")));
});

Deno.test("takeProfitPrice is entry × (1 ± tp%) rounded away from the entry", () => {
  const table: [direction: Side, entry: string, tp: string, tick: string, expected: string][] = [
    // Exact multiples are kept as they are (no extra tick).
    ["buy", "3000", "0.02", "0.01", "3000.6"],
    ["sell", "3000", "0.02", "0.01", "2999.4"],
    ["buy", "100", "1", "0.01", "101"],
    ["sell", "100", "1", "0.01", "99"],
    // Off the grid: up after a buy, down after a sell.
    ["buy", "3000.01", "0.02", "0.01", "3000.62"], // 3000.610002
    ["sell", "3000.01", "0.02", "0.01", "2999.4"], // 2999.409998
    ["buy", "2000", "0.02", "0.5", "2000.5"], // 2000.4
    ["sell", "2000", "0.02", "0.5", "1999.5"], // 1999.6
    ["buy", "2000", "0.1", "10", "2010"], // 2002
    ["sell", "2000", "0.1", "10", "1990"], // 1998
    ["buy", "0.2", "0.02", "0.00001", "0.20004"], // exactly 0.20004
    ["buy", "0.20001", "0.02", "0.00001", "0.20006"], // 0.200050002
    ["sell", "0.20001", "0.02", "0.00001", "0.19996"], // 0.199969998
    // A sell-side target at or below zero is floored at one tick.
    ["sell", "0.01", "99.99", "0.01", "0.01"],
  ];
  for (const [direction, entry, tp, tick, expected] of table) {
    const price = takeProfitPrice(direction, d(entry), d(tp), d(tick));
    assert.equal(price.toString(), expected, `${direction} entry ${entry} tp ${tp}% tick ${tick}`);
  }
});

Deno.test("takeProfitPrice never gives less than the asked profit and at most one tick more", () => {
  const rng = new Rng(11);
  for (const tickText of ["0.01", "0.5", "10"]) {
    const tick = d(tickText);
    for (let i = 0; i < 200; i++) {
      const entry = tick.mul(1000 + rng.int(0, 100_000));
      const tp = d(rng.int(1, 500)).div(1000); // 0.001 % .. 0.5 %
      const up = entry.mul(tp.div(100).plus(1));
      const down = entry.mul(d(1).minus(tp.div(100)));
      const sell = takeProfitPrice("buy", entry, tp, tick);
      const buy = takeProfitPrice("sell", entry, tp, tick);
      assert.ok(isMultipleOf(sell, tick) && isMultipleOf(buy, tick));
      assert.ok(sell.gte(up) && sell.minus(up).lt(tick), `buy entry ${entry} tp ${tp}: ${sell}`);
      assert.ok(buy.lte(down) && down.minus(buy).lt(tick), `sell entry ${entry} tp ${tp}: ${buy}`);
      assert.ok(sell.gt(entry) && buy.lt(entry));
    }
  }
});

Deno.test("makerGuard moves a crossing take-profit one tick outside the touch", () => {
  const bbo = book("3000", "3000.05");
  const table: [closeSide: Side, price: string, bbo: Bbo, tick: string, expected: string][] = [
    // Sell at or below the bid would take: moved to bid + tick.
    ["sell", "3000", bbo, "0.01", "3000.01"],
    ["sell", "2999", bbo, "0.01", "3000.01"],
    // Sell above the bid rests: unchanged (even at or above the ask).
    ["sell", "3000.01", bbo, "0.01", "3000.01"],
    ["sell", "3000.05", bbo, "0.01", "3000.05"],
    ["sell", "3100", bbo, "0.01", "3100"],
    // Buy at or above the ask would take: moved to ask − tick.
    ["buy", "3000.05", bbo, "0.01", "3000.04"],
    ["buy", "3001", bbo, "0.01", "3000.04"],
    // Buy below the ask rests: unchanged.
    ["buy", "3000.04", bbo, "0.01", "3000.04"],
    ["buy", "3000", bbo, "0.01", "3000"],
    ["buy", "2900", bbo, "0.01", "2900"],
    // One-tick spread: the guarded price joins the opposite touch, still a maker price.
    ["sell", "2999", book("3000", "3000.01"), "0.01", "3000.01"],
    ["buy", "3001", book("3000", "3000.01"), "0.01", "3000"],
    // A book off the grid: the moved price is on the grid and does not cross.
    ["sell", "2000", book("2000.3", "2001.8"), "0.5", "2001"],
    ["buy", "2002", book("2000.3", "2001.8"), "0.5", "2001"],
  ];
  for (const [closeSide, price, b, tick, expected] of table) {
    const guarded = makerGuard(closeSide, d(price), b, d(tick));
    assert.equal(guarded.toString(), expected, `${closeSide} ${price} on ${b.bid}/${b.ask}`);
  }
});

Deno.test("cooldownMs tiers: 2W from 2/3, W from 1/3, W/2 from 1/6, W/4 below, none at the cap", () => {
  const W = 450_000;
  const table: [n: number, maxOrders: number, expected: number | undefined][] = [
    // M = 40 (the default): boundaries at 6.67, 13.33 and 26.67 orders.
    [0, 40, W / 4],
    [6, 40, W / 4],
    [7, 40, W / 2],
    [13, 40, W / 2],
    [14, 40, W],
    [26, 40, W],
    [27, 40, 2 * W],
    [39, 40, 2 * W],
    [40, 40, undefined],
    [41, 40, undefined],
    // M = 12: the ratios hit 1/6, 1/3 and 2/3 exactly; ">=" puts them in the higher tier.
    [1, 12, W / 4],
    [2, 12, W / 2],
    [3, 12, W / 2],
    [4, 12, W],
    [7, 12, W],
    [8, 12, 2 * W],
    [11, 12, 2 * W],
    [12, 12, undefined],
    // M = 3: 2/3 exactly (0.666… in floats) is the 2W tier.
    [0, 3, W / 4],
    [1, 3, W],
    [2, 3, 2 * W],
    [3, 3, undefined],
    // M = 6.
    [1, 6, W / 2],
    [2, 6, W],
    [3, 6, W],
    [4, 6, 2 * W],
    [5, 6, 2 * W],
    [6, 6, undefined],
    // M = 1: the first take-profit reaches the cap.
    [0, 1, W / 4],
    [1, 1, undefined],
  ];
  for (const [n, m, expected] of table) assert.equal(cooldownMs(n, m, W), expected, `n=${n} M=${m}`);
});

Deno.test("cooldownMs scales with the wait time", () => {
  assert.equal(cooldownMs(0, 40, 0), 0);
  assert.equal(cooldownMs(39, 40, 0), 0);
  assert.equal(cooldownMs(0, 40, 1000), 250);
  assert.equal(cooldownMs(10, 40, 1000), 500);
  assert.equal(cooldownMs(20, 40, 1000), 1000);
  assert.equal(cooldownMs(30, 40, 1000), 2000);
});

Deno.test("gridStepAllows compares the nearest take-profit with the new one", () => {
  const bbo = book("3000", "3000.6");
  // Buy: new close = ask × 1.0002 = 3001.20012; with grid step 0.5 % the limit is 3016.2061206.
  // Sell: new close = bid × 0.9998 = 2999.4; the limit is 2999.4 / 1.005 = 2984.4776…
  const table: [direction: Side, tps: string[], tp: string, grid: string, expected: boolean][] = [
    ["buy", [], "0.02", "0.5", true], // no take-profit yet
    ["buy", ["3016.21"], "0.02", "0.5", true],
    ["buy", ["3016.2061206"], "0.02", "0.5", false], // ratio exactly 1.005 is not enough
    ["buy", ["3016.2"], "0.02", "0.5", false],
    ["buy", ["3100", "3016.2"], "0.02", "0.5", false], // the lowest take-profit counts
    ["buy", ["3016.2", "3100"], "0.02", "0.5", false], // in any order
    ["buy", ["3100", "3200"], "0.02", "0.5", true],
    ["sell", ["2984.47"], "0.02", "0.5", true],
    ["sell", ["2984.48"], "0.02", "0.5", false],
    ["sell", ["2900", "2984.48"], "0.02", "0.5", false], // the highest take-profit counts
    ["sell", ["2900", "2950"], "0.02", "0.5", true],
    // Grid step 0: the new take-profit must only be strictly beyond the nearest one.
    ["buy", ["3001.20012"], "0.02", "0", false],
    ["buy", ["3001.21"], "0.02", "0", true],
    ["sell", ["2999.4"], "0.02", "0", false],
    ["sell", ["2999.39"], "0.02", "0", true],
    // Negative grid steps above -100 allow overlapping take-profits up to a point.
    ["buy", ["1500.60006"], "0.02", "-50", false], // ratio exactly 0.5
    ["buy", ["1500.61"], "0.02", "-50", true],
    // -100 (the default) and below turn the rule off.
    ["buy", ["3000"], "0.02", "-100", true],
    ["sell", ["3000"], "0.02", "-100", true],
    ["buy", ["1"], "0.02", "-150", true],
  ];
  for (const [direction, tps, tp, grid, expected] of table) {
    assert.equal(
      gridStepAllows(direction, list(...tps), bbo, d(tp), d(grid)),
      expected,
      `${direction} tps ${tps} grid ${grid}`,
    );
  }
});

Deno.test("gridStepAllows needs a usable book only when the rule applies", () => {
  const crossed = book("3000", "2999");
  assert.equal(gridStepAllows("buy", [], crossed, d("0.02"), d("0.5")), true);
  assert.equal(gridStepAllows("buy", list("3100"), crossed, d("0.02"), d("-100")), true);
  assert.throws(() => gridStepAllows("buy", list("3100"), crossed, d("0.02"), d("0.5")), InvalidBookError);
  assert.throws(
    () => gridStepAllows("sell", list("2900"), book("0", "1"), d("0.02"), d("0")),
    InvalidBookError,
  );
});

Deno.test("priceCondition: buying triggers at ask >= level, selling at bid <= level; undefined is off", () => {
  const u = undefined;
  const table: [
    direction: Side,
    bid: string,
    ask: string,
    stop: string | undefined,
    pause: string | undefined,
    expected: { stop: boolean; pause: boolean },
  ][] = [
    ["buy", "3099.98", "3099.99", "3100", u, { stop: false, pause: false }],
    ["buy", "3099.99", "3100", "3100", u, { stop: true, pause: false }],
    ["buy", "3100", "3100.01", "3100", u, { stop: true, pause: false }],
    ["buy", "3049.99", "3050", u, "3050", { stop: false, pause: true }],
    ["buy", "3049.98", "3049.99", u, "3050", { stop: false, pause: false }],
    ["buy", "3060", "3060.01", "3100", "3050", { stop: false, pause: true }],
    ["buy", "3200", "3200.01", "3100", "3050", { stop: true, pause: true }],
    // Buying: the bid is not what counts.
    ["buy", "3100", "3100.01", "3100.02", u, { stop: false, pause: false }],
    ["sell", "2900.01", "2900.02", "2900", u, { stop: false, pause: false }],
    ["sell", "2900", "2900.01", "2900", u, { stop: true, pause: false }],
    ["sell", "2899", "2899.01", "2900", "2950", { stop: true, pause: true }],
    ["sell", "2950", "2950.01", u, "2950", { stop: false, pause: true }],
    ["sell", "2920", "2920.01", "2900", "2950", { stop: false, pause: true }],
    // Selling: the ask is not what counts.
    ["sell", "2899.99", "2900", "2899.98", u, { stop: false, pause: false }],
    ["buy", "3000", "3000.01", u, u, { stop: false, pause: false }],
    ["sell", "3000", "3000.01", u, u, { stop: false, pause: false }],
  ];
  for (const [direction, bid, ask, stop, pause, expected] of table) {
    const got = priceCondition(
      direction,
      book(bid, ask),
      stop === undefined ? undefined : d(stop),
      pause === undefined ? undefined : d(pause),
    );
    assert.deepEqual(got, expected, `${direction} ${bid}/${ask} stop ${stop} pause ${pause}`);
  }
});

Deno.test("priceCondition checks the book only when a level is set", () => {
  assert.deepEqual(priceCondition("buy", book("0", "0"), undefined, undefined), {
    stop: false,
    pause: false,
  });
  assert.throws(() => priceCondition("buy", book("0", "0"), d("3100"), undefined), InvalidBookError);
  assert.throws(() => priceCondition("sell", book("3001", "3000"), undefined, d("2900")), InvalidBookError);
});

Deno.test("positionMismatch: | |position| − Σ take-profits | > 2 × quantity", () => {
  const table: [position: string, tpTotal: string, quantity: string, expected: boolean][] = [
    ["0", "0", "0.1", false],
    ["0.5", "0.5", "0.1", false],
    ["-0.5", "0.5", "0.1", false], // a short position is compared by its size
    ["0.7", "0.5", "0.1", false], // exactly 2 × quantity is tolerated
    ["0.70001", "0.5", "0.1", true],
    ["0.3", "0.5", "0.1", false],
    ["0.29999", "0.5", "0.1", true], // more take-profit than position
    ["-0.8", "0.5", "0.1", true],
    ["0", "0.2", "0.1", false],
    ["0", "0.21", "0.1", true],
    ["1.2", "0", "0.1", true],
    ["-0.2", "0", "0.1", false],
    ["100", "99", "0.5", false],
    ["100", "98.99", "0.5", true],
  ];
  for (const [position, tpTotal, quantity, expected] of table) {
    assert.equal(
      positionMismatch(d(position), d(tpTotal), d(quantity)),
      expected,
      `position ${position} take-profits ${tpTotal} quantity ${quantity}`,
    );
  }
});

Deno.test("keepWaiting while the quote has not moved away from the order", () => {
  const table: [direction: Side, orderPrice: string, newPrice: string, expected: boolean][] = [
    ["buy", "3000", "3000", true],
    ["buy", "3000", "2999.99", true], // market fell toward the buy: keep it
    ["buy", "3000", "3000.01", false], // market moved up: re-quote
    ["sell", "3000", "3000", true],
    ["sell", "3000", "3000.01", true],
    ["sell", "3000", "2999.99", false],
  ];
  for (const [direction, orderPrice, newPrice, expected] of table) {
    assert.equal(
      keepWaiting(direction, d(orderPrice), d(newPrice)),
      expected,
      `${direction} ${orderPrice}→${newPrice}`,
    );
  }
});
