/** Realised PnL by average cost, and the summary printed at the end of a run. */
import assert from "node:assert/strict";
import { formatSummary, PnlBook, RunStats } from "../../bot/summary.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import type { Side } from "../../exchanges/venue.ts";

const d = (s: string) => new Decimal(s);

type Fill = [side: Side, quantity: string, price: string, fee: string];
type State = [position: string, avgEntry: string, realized: string];

/** Runs fills through a book and checks its state after each one. */
function replay(fills: readonly [Fill, State][]): PnlBook {
  const book = new PnlBook();
  for (const [[side, quantity, price, fee], [position, avgEntry, realized]] of fills) {
    book.fill(side, d(quantity), d(price), d(fee));
    const label = `after ${side} ${quantity} @ ${price}`;
    assert.equal(book.position.toString(), position, `${label}: position`);
    assert.equal(book.avgEntry.toString(), avgEntry, `${label}: average entry`);
    assert.equal(book.realized.toString(), realized, `${label}: realised`);
  }
  return book;
}

Deno.test("PnlBook: a long round trip", () => {
  const book = replay([
    [["buy", "1", "3000", "0.3"], ["1", "3000", "0"]],
    [["buy", "1", "3010", "0.301"], ["2", "3005", "0"]],
    [["sell", "0.5", "3020", "0.151"], ["1.5", "3005", "7.5"]], // partial close keeps the average
    [["sell", "1.5", "2990", "0.4485"], ["0", "0", "-15"]], // 7.5 − 22.5
  ]);
  assert.equal(book.fees.toString(), "1.2005");
  assert.equal(book.volume.toString(), "12005"); // 3000 + 3010 + 1510 + 4485
});

Deno.test("PnlBook: a short round trip", () => {
  replay([
    [["sell", "2", "100", "0"], ["-2", "100", "0"]],
    [["sell", "2", "110", "0"], ["-4", "105", "0"]],
    [["buy", "1", "95", "0"], ["-3", "105", "10"]],
    [["buy", "3", "104", "0"], ["0", "0", "13"]],
  ]);
});

Deno.test("PnlBook: flips from long to short and back open the rest at the fill price", () => {
  replay([
    [["buy", "1", "100", "0"], ["1", "100", "0"]],
    [["sell", "3", "110", "0"], ["-2", "110", "10"]], // closes 1 (+10), opens 2 short at 110
    [["buy", "2", "100", "0"], ["0", "0", "30"]], // +20
    [["sell", "0.5", "200", "0"], ["-0.5", "200", "30"]], // from flat: opens at the fill price
    [["buy", "1.5", "190", "0"], ["1", "190", "35"]], // closes 0.5 (+5), opens 1 long at 190
    [["sell", "1", "180", "0"], ["0", "0", "25"]],
  ]);
});

Deno.test("PnlBook: exact decimals with small steps and many fills", () => {
  const book = new PnlBook();
  for (let i = 0; i < 10; i++) book.fill("buy", d("0.1"), d("3000.01"), d("0.0300001"));
  assert.equal(book.position.toString(), "1");
  assert.equal(book.avgEntry.toString(), "3000.01");
  for (let i = 0; i < 10; i++) book.fill("sell", d("0.1"), d("3000.61"), d("0.0300061"));
  assert.equal(book.position.toString(), "0");
  assert.equal(book.realized.toString(), "0.6");
  assert.equal(book.fees.toString(), "0.600062");
  assert.equal(book.volume.toString(), "6000.62");
});

Deno.test("PnlBook: a fee can be a rebate", () => {
  const book = new PnlBook();
  book.fill("buy", d("1"), d("100"), d("-0.01"));
  book.fill("sell", d("1"), d("101"), d("-0.0101"));
  assert.equal(book.fees.toString(), "-0.0201");
  assert.equal(book.realized.toString(), "1");
});

Deno.test("formatSummary prints counts and money to 4 decimals", () => {
  const stats = new RunStats();
  stats.openOrdersPlaced = 12;
  stats.openOrdersFilled = 9;
  stats.openOrdersPartial = 1;
  stats.takeProfitsPlaced = 10;
  stats.takeProfitsFilled = 7;
  stats.all.fill("buy", d("0.1"), d("3000.01"), d("0.03000010"));
  stats.all.fill("sell", d("0.1"), d("3000.62"), d("0.03000062"));
  const text = formatSummary(stats, {
    restingTakeProfits: 3,
    positionLeft: d("0.3"),
    boost: false,
    elapsed: "6h",
  });
  assert.equal(
    text,
    [
      "=== Summary ===",
      "Run time: 6h",
      "Open orders placed: 12 | filled: 9 | partially filled then cancelled: 1",
      "Take-profits placed: 10 | filled: 7 | resting: 3",
      "Volume: 600.063 | Fees: 0.06 | Realised PnL: 0.061 | Net after fees: 0.001",
      "Position left: 0.3",
      "===============",
    ].join("\n"),
  );
});

Deno.test("formatSummary: boost line, unknown position, negative and rounded money", () => {
  const stats = new RunStats();
  stats.boostCycles = 4;
  stats.boost.fill("buy", d("1"), d("100"), d("0.035"));
  stats.boost.fill("sell", d("1"), d("99.99995"), d("0.03499998"));
  stats.all.fill("buy", d("1"), d("100"), d("0.035"));
  stats.all.fill("sell", d("1"), d("99.99995"), d("0.03499998"));
  const text = formatSummary(stats, {
    restingTakeProfits: 0,
    positionLeft: undefined,
    boost: true,
    elapsed: "1m",
  });
  const lines = text.split("\n");
  // Volume 199.99995 rounds half up to 200; realised −0.00005 rounds away from zero to −0.0001;
  // net −0.07004998 to −0.07.
  assert.equal(lines[4], "Volume: 200 | Fees: 0.07 | Realised PnL: -0.0001 | Net after fees: -0.07");
  assert.equal(lines[5], "Boost cycles: 4 | volume: 200 | fees: 0.07 | net PnL: -0.07");
  assert.equal(lines[6], "Position left: unknown");
  assert.equal(lines.length, 8);
  assert.ok(
    !formatSummary(stats, { restingTakeProfits: 0, positionLeft: d("0"), boost: false, elapsed: "1m" })
      .includes("Boost cycles"),
  );
});

Deno.test("PnlBook: a fee reported after its fill adds to the fees, not to the volume or the PnL", () => {
  const book = new PnlBook();
  book.fill("buy", new Decimal("1"), new Decimal("100"), new Decimal("0"));
  book.fee(new Decimal("0.035"));
  assert.equal(book.fees.toString(), "0.035");
  assert.equal(book.volume.toString(), "100");
  assert.equal(book.realized.toString(), "0");
  assert.equal(book.position.toString(), "1");
});
