/**
 * Scenarios on a market the test moves: partial fills, a fill racing the cancel, and a stop requested while
 * an open order works.
 */
import assert from "node:assert/strict";
import type { Side } from "../../exchanges/venue.ts";
import {
  assertInvariants,
  BotHarness,
  d,
  expectedTakeProfit,
  HOUR_MS,
  isOpenOrder,
  type OrderRecord,
} from "../fakes/bot_harness.ts";

const sign = (direction: Side) => (direction === "buy" ? 1 : -1);

for (const direction of ["buy", "sell"] as const satisfies readonly Side[]) {
  Deno.test(`${direction}: partial fills then a cancel rest a take-profit for exactly the filled part`, async () => {
    const h = await BotHarness.create({ driveMarket: false });
    const parts = ["0.001", "0.03", "0.05", "0.099", "full"];
    let k = 0;
    const run = await h.runBot({
      flags: { direction, waitTime: "20" },
      script: (r) => {
        h.recorder.onPlaced((o) => {
          if (!isOpenOrder(o, direction)) return;
          const part = parts[k++ % parts.length]!;
          if (part === "full") {
            // Filled in two steps: a partial, then the rest.
            r.after(2000, () => h.paper.forceFill(o.orderId, d("0.04")));
            r.after(3000, () => h.paper.forceFill(o.orderId, d("0.06")));
            return;
          }
          r.after(2000, () => h.paper.forceFill(o.orderId, d(part)));
          // Then the market moves three ticks away from the order: the bot cancels it.
          r.after(4000, () => {
            const q = h.paper.engine.quote();
            h.quoteAt(q.bid.plus(h.tick.mul(3 * sign(direction))));
          });
        });
      },
    });
    await h.close();
    assert.equal(run.result.reason, "requested");
    const report = assertInvariants(h, run);
    assert.ok(report.pairs.length >= 100, `${report.pairs.length} take-profits`);
    const partials = report.opens.filter((o) => o.status === "CANCELED" && o.filled.gt(0));
    const full = report.opens.filter((o) => o.status === "FILLED");
    assert.ok(partials.length >= 4 * full.length - 4 && full.length > 10);
    assert.equal(run.result.stats.openOrdersPartial, partials.length);
    assert.equal(run.result.stats.openOrdersFilled, full.length);
    const seen = new Set<string>();
    for (const { open, cover } of report.pairs) {
      assert.equal(cover.quantity.toString(), open.filled.toString());
      seen.add(cover.quantity.toString());
      assert.equal(
        cover.price.toString(),
        expectedTakeProfit(direction, open.price, d("0.02"), h.tick).toString(),
        `take-profit of ${open.orderId}`,
      );
    }
    assert.deepEqual([...seen].sort(), ["0.001", "0.03", "0.05", "0.099", "0.1"]);
    // A cancelled partial is written to the CSV with the quantity that filled.
    const o = partials[0]!;
    const row = h.log.rows.find((r) => r.orderId === o.orderId && r.status === "CANCELED");
    assert.equal(row?.quantity, o.filled.toString());
  });
}

for (const race of ["all", "part"] as const) {
  Deno.test(`a fill of ${race === "all" ? "the whole" : "part of the"} open order lands between the cancel and its answer`, async () => {
    const h = await BotHarness.create({ seed: 11 });
    h.faulty.fillBeforeCancel(
      Infinity,
      (o) => race === "all" ? o.quantity.minus(o.filled) : d("0.025"),
      (o) => o.side === "buy" && o.filled.isZero(),
    );
    const run = await h.runBot();
    await h.close();
    const report = assertInvariants(h, run);
    const raced = new Set(h.faulty.cancelRaces.map((r) => r.orderId));
    assert.ok(raced.size >= 20, `${raced.size} races`);
    const racedOpens = report.opens.filter((o) => raced.has(o.orderId));
    for (const o of racedOpens) {
      assert.equal(o.status, race === "all" ? "FILLED" : "CANCELED");
      const pair = report.pairs.find((p) => p.open === o);
      assert.equal(pair?.cover.quantity.toString(), race === "all" ? "0.1" : "0.025", o.orderId);
    }
  });
}

Deno.test("a stop requested while an open order works: it is cancelled, its fill covered, take-profits stay", async () => {
  const h = await BotHarness.create({ driveMarket: false });
  const freezeAt = 6 * HOUR_MS - 30 * 60_000;
  let working: OrderRecord | undefined;
  let stopAt = 0;
  const run = await h.runBot({
    durationMs: 8 * HOUR_MS,
    script: (r) => {
      // Falling market (opens fill, take-profits rest), then a flat one: the next open order keeps waiting.
      r.scriptMarket((t) => d(3000).minus(d("0.01").mul(Math.floor(Math.min(t, freezeAt) / 1000))));
      h.recorder.onPlaced((o) => {
        if (!isOpenOrder(o, "buy") || o.placedAt - r.startedAt < freezeAt || working !== undefined) return;
        working = o;
        r.after(3000, () => h.paper.forceFill(o.orderId, d("0.037")));
        r.after(120_000, () => {
          stopAt = h.clock.now();
          r.stop();
        });
      });
    },
  });
  await h.close();
  assert.ok(working !== undefined);
  assert.equal(run.result.reason, "requested");
  assert.equal(run.result.exitCode, 0);
  const report = assertInvariants(h, run);
  const cancel = h.recorder.cancels.find((c) => c.orderId === working!.orderId);
  assert.ok(
    cancel !== undefined && cancel.at >= stopAt && cancel.at - stopAt < 1000,
    "cancelled at the stop",
  );
  assert.equal(cancel.filled?.toString(), "0.037");
  const pair = report.pairs.find((p) => p.open.orderId === working!.orderId);
  assert.equal(pair?.cover.quantity.toString(), "0.037");
  // Every take-profit is still on the venue (the market fell, none filled), the bot knows them all.
  const resting = run.end.working.filter((o) => o.side === "sell");
  assert.equal(resting.length, report.takeProfits.length);
  assert.ok(resting.length >= 10);
  assert.equal(run.result.restingTakeProfits, resting.length);
  assert.equal(run.result.positionLeft?.toString(), run.end.position.toString());
  assert.ok(h.log.matching("Cancelling order: shutting down").length === 1);
});
