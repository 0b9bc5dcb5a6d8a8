/** The read-back of a market order until it is final. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../bot/clock.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { awaitFinal, MARKET_POLL_MS, MARKET_POLLS } from "../../exchanges/market_order.ts";
import type { OrderSnapshot, OrderStatus } from "../../exchanges/venue.ts";

function order(status: OrderStatus, filled = "0"): OrderSnapshot {
  return {
    orderId: "7",
    side: "sell",
    status,
    price: new Decimal("0"),
    quantity: new Decimal("1"),
    filled: new Decimal(filled),
  };
}

Deno.test("reads back until final, at most MARKET_POLLS times, MARKET_POLL_MS apart", async () => {
  const table: [
    placed: OrderStatus,
    reads: (OrderStatus | undefined)[],
    result: OrderStatus,
    count: number,
  ][] = [
    ["FILLED", [], "FILLED", 0],
    ["OPEN", ["PARTIALLY_FILLED", "FILLED"], "FILLED", 2],
    ["OPEN", [undefined, "CANCELED"], "CANCELED", 2],
    ["OPEN", ["OPEN", "OPEN", "OPEN", "OPEN", "OPEN", "FILLED"], "OPEN", MARKET_POLLS],
    ["OPEN", [undefined, undefined, undefined, undefined, undefined], "OPEN", MARKET_POLLS],
  ];
  for (const [placed, reads, result, count] of table) {
    const clock = new VirtualClock();
    const start = clock.now();
    const read: number[] = [];
    const merged: OrderStatus[] = [];
    const final = await awaitFinal(order(placed), {
      clock,
      read: (orderId) => {
        assert.equal(orderId, "7");
        read.push(clock.now() - start);
        const status = reads[read.length - 1];
        return Promise.resolve(status === undefined ? undefined : order(status));
      },
      merge: (report) => {
        merged.push(report.status);
        return report;
      },
    });
    const label = `${placed} then ${reads.join(",")}`;
    assert.equal(final.status, result, label);
    assert.deepEqual(read, Array.from({ length: count }, (_, i) => (i + 1) * MARKET_POLL_MS), label);
    assert.deepEqual(merged, reads.slice(0, count).filter((s) => s !== undefined), label);
  }
});
