/** Scenarios: the bot on the paper venue's random market in both directions, six simulated hours each. */
import assert from "node:assert/strict";
import type { Side } from "../../exchanges/venue.ts";
import { assertInvariants, BotHarness, d, expectedTakeProfit } from "../fakes/bot_harness.ts";

for (const direction of ["buy", "sell"] as const satisfies readonly Side[]) {
  Deno.test(
    `${direction}: quotes one tick inside the touch and rests each take-profit at entry × (1 ${
      direction === "buy" ? "+" : "−"
    } tp%) on the tick`,
    async () => {
      const h = await BotHarness.create({ seed: direction === "buy" ? 3 : 4 });
      const run = await h.runBot({ flags: { direction, takeProfit: "0.02" } });
      await h.close();
      assert.equal(run.result.reason, "requested");
      assert.equal(run.result.exitCode, 0);
      const report = assertInvariants(h, run);
      const tick = h.tick;
      const tp = d("0.02");

      // Open orders: post-only, not reduce-only, one tick inside the opposite touch of the book they met.
      assert.ok(report.opens.length > 100, `only ${report.opens.length} open orders in 6 h`);
      for (const o of report.opens) {
        assert.equal(o.postOnly, true, `open ${o.orderId} not post-only`);
        const expected = direction === "buy" ? o.bbo.ask.minus(tick) : o.bbo.bid.plus(tick);
        assert.equal(
          o.price.toString(),
          expected.toString(),
          `open ${o.orderId} vs book ${o.bbo.bid}/${o.bbo.ask}`,
        );
      }

      // Take-profits: the close side, post-only and reduce-only, at the formula's price, or moved outside the
      // touch by the maker guard when the market had already passed the target.
      let exact = 0;
      for (const { open, cover } of report.pairs) {
        assert.equal(cover.side, direction === "buy" ? "sell" : "buy");
        assert.equal(cover.reduceOnly, true);
        assert.equal(cover.postOnly, true);
        const target = expectedTakeProfit(direction, open.price, tp, tick);
        if (cover.price.eq(target)) {
          exact++;
          // The right side of the entry, at least one tick of profit.
          assert.ok(direction === "buy" ? cover.price.gt(open.price) : cover.price.lt(open.price));
          continue;
        }
        const guard = direction === "buy" ? cover.bbo.bid.plus(tick) : cover.bbo.ask.minus(tick);
        const crossed = direction === "buy" ? target.lte(cover.bbo.bid) : target.gte(cover.bbo.ask);
        assert.ok(
          crossed && cover.price.eq(guard),
          `take-profit ${cover.orderId} @ ${cover.price} for entry ${open.price}: expected ${target}`,
        );
      }
      assert.ok(report.pairs.length > 50, `only ${report.pairs.length} take-profits`);
      assert.ok(exact >= report.pairs.length * 0.9, `${exact} of ${report.pairs.length} at the exact price`);

      // The bot's counters agree with the venue's record.
      const stats = run.result.stats;
      assert.equal(stats.openOrdersPlaced, report.opens.length);
      assert.equal(stats.takeProfitsPlaced, report.takeProfits.length);
      const tpFilled = report.takeProfits.filter((o) => o.status === "FILLED").length;
      assert.ok(tpFilled > 50, `only ${tpFilled} take-profits filled`);
      assert.ok(
        Math.abs(stats.takeProfitsFilled - tpFilled) <= 1,
        `${stats.takeProfitsFilled} vs ${tpFilled}`,
      );
      assert.equal(run.result.restingTakeProfits, run.end.working.filter((o) => o.side !== direction).length);
      // Volume and fees the bot accounted equal the paper account's (one fill may still be in flight).
      const account = h.paper.engine.account();
      const slack = run.config.quantity.mul(run.end.quote.ask).mul(2);
      assert.ok(
        stats.all.volume.minus(account.volume).abs().lte(slack),
        `${stats.all.volume} vs ${account.volume}`,
      );
      assert.ok(stats.all.fees.gt(0));

      // The CSV rows name real orders with the filled quantity the venue reports.
      assert.ok(h.log.rows.length > 100);
      for (const row of h.log.rows) {
        const o = h.recorder.orders.get(row.orderId);
        assert.ok(o !== undefined, `CSV row for unknown order ${row.orderId}`);
        assert.equal(row.quantity, o.filled.toString(), `CSV quantity of ${row.orderId}`);
      }
      assert.ok(run.realMs < 10_000, `took ${run.realMs} ms`);
    },
  );
}
