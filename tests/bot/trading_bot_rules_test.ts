/** Scenarios for the strategy's rules: stop and pause prices, grid step, max-orders cap and cooldown, boost. */
import assert from "node:assert/strict";
import { gridStepAllows } from "../../bot/strategy.ts";
import type { Side } from "../../exchanges/venue.ts";
import { assertInvariants, BotHarness, d, HOUR_MS } from "../fakes/bot_harness.ts";

/** One tick a second away from the take-profits: opens fill at once, take-profits never. */
const trending = (direction: Side) => (elapsed: number) =>
  d(3000).plus(d("0.01").mul(Math.floor(elapsed / 1000) * (direction === "buy" ? -1 : 1)));

for (const direction of ["buy", "sell"] as const satisfies readonly Side[]) {
  Deno.test(`${direction}: the stop price stops the bot with exit 3 and a notification; nothing placed after`, async () => {
    const h = await BotHarness.create({ seed: 5 });
    const stopPrice = direction === "buy" ? "3200" : "2800";
    let jumpAt = 0;
    const run = await h.runBot({
      durationMs: 8 * HOUR_MS,
      flags: { direction, stopPrice },
      script: (r) =>
        r.after(6 * HOUR_MS, () => {
          jumpAt = h.clock.now();
          h.quoteAt(direction === "buy" ? "3300" : "2700");
        }),
    });
    await h.close();
    assert.equal(run.result.reason, "stop-price");
    assert.equal(run.result.exitCode, 3);
    assert.ok(jumpAt > 0 && run.endedAt >= jumpAt && run.endedAt - jumpAt <= 60_000, "stopped within 60 s");
    assert.equal(h.notifications.messages.length, 1);
    assert.match(h.notifications.messages[0]!.text, /Stopped trading due to stop price triggered/);
    assert.match(h.notifications.messages[0]!.text, /\[PAPER_ETH\]/);
    const report = assertInvariants(h, run);
    assert.ok(report.opens.length > 100, "it traded before");
    const after = report.opens.filter((o) => o.placedAt > jumpAt);
    assert.deepEqual(after.map((o) => o.orderId), [], "open orders placed after the stop price was reached");
    assert.equal(h.recorder.placements.filter((p) => p.at > run.endedAt).length, 0);
    // The stop leaves the take-profits on the venue.
    assert.equal(h.recorder.cancels.filter((c) => c.at >= jumpAt && c.side !== direction).length, 0);
  });

  Deno.test(`${direction}: the pause price pauses new open orders; they resume when the price comes back`, async () => {
    const h = await BotHarness.create({ seed: 8 });
    const away = direction === "buy" ? "3200" : "2800";
    const pausePrice = direction === "buy" ? "3100" : "2900";
    const pauseAt = 2 * HOUR_MS;
    const resumeAt = 3 * HOUR_MS;
    let start = 0;
    const run = await h.runBot({
      flags: { direction, pausePrice },
      script: (r) => {
        start = r.startedAt;
        r.after(pauseAt, () => h.quoteAt(away));
        // Hold the market beyond the pause price for an hour.
        r.every(10_000, () => {
          const t = h.clock.now() - start;
          if (t <= pauseAt || t >= resumeAt) return;
          const q = h.paper.engine.quote();
          if (direction === "buy" ? q.ask.lt(pausePrice) : q.bid.gt(pausePrice)) h.quoteAt(away);
        });
        r.after(resumeAt, () => h.quoteAt("3000"));
      },
    });
    await h.close();
    assert.equal(run.result.reason, "requested");
    const report = assertInvariants(h, run);
    const opens = report.opens.map((o) => o.placedAt - start);
    const during = opens.filter((t) => t > pauseAt + 1000 && t < resumeAt);
    assert.deepEqual(during, [], "open orders placed while paused");
    const firstAfter = opens.find((t) => t >= resumeAt);
    assert.ok(firstAfter !== undefined && firstAfter - resumeAt <= 10_000, `resumed after ${firstAfter}`);
    assert.ok(opens.filter((t) => t >= resumeAt).length > 50);
    assert.equal(h.log.matching(/Pause price .* pausing/).length, 1);
    assert.equal(h.log.matching("resuming").length, 1);
    assert.equal(h.notifications.messages.length, 0);
  });

  Deno.test(`${direction}: with a grid step, no open order is placed whose take-profit would be too close`, async () => {
    const h = await BotHarness.create({ driveMarket: false });
    const run = await h.runBot({
      flags: { direction, gridStep: "0.1", waitTime: "10", maxOrders: "200" },
      script: (r) => r.scriptMarket(trending(direction)),
    });
    await h.close();
    const report = assertInvariants(h, run);
    const closeSide = direction === "buy" ? "sell" : "buy";
    for (const o of report.opens) {
      const resting = o.workingBefore.filter((w) => w.side === closeSide).map((w) => w.price);
      assert.ok(
        gridStepAllows(direction, resting, o.bbo, d("0.02"), d("0.1")),
        `open ${o.orderId} at ${o.bbo.bid}/${o.bbo.ask} with take-profits at ${resting.join(", ")}`,
      );
    }
    // And on the take-profit prices themselves: each new one at least 0.1 % beyond the nearest resting one.
    const tps = report.takeProfits;
    for (let i = 1; i < tps.length; i++) {
      const ratio = direction === "buy"
        ? tps[i - 1]!.price.div(tps[i]!.price)
        : tps[i]!.price.div(tps[i - 1]!.price);
      assert.ok(ratio.gt("1.001"), `take-profits ${tps[i - 1]!.price} then ${tps[i]!.price}`);
    }
    // The market moves 3 USD (0.1 %) in 300 s: about 72 take-profits in 6 h, not the hundreds the cooldown allows.
    assert.ok(tps.length >= 60 && tps.length <= 80, `${tps.length} take-profits`);
  });
}

Deno.test("max-orders: the take-profits reach exactly max-orders and stay; cooldowns follow 2W/W/W½/W¼", async () => {
  const h = await BotHarness.create({ driveMarket: false });
  const run = await h.runBot({
    flags: { maxOrders: "12", waitTime: "60" },
    script: (r) => r.scriptMarket(trending("buy")),
  });
  await h.close();
  const report = assertInvariants(h, run);
  const tps = report.takeProfits;
  assert.equal(tps.length, 12);
  assert.equal(report.opens.length, 12, "no open order at the cap");
  assert.equal(run.end.working.filter((o) => o.side === "sell").length, 12);
  assert.equal(run.result.restingTakeProfits, 12);
  // n resting of M = 12: n = 1 → W/4; 2–3 → W/2; 4–7 → W; 8–11 → 2W.
  const expected = [15, 30, 30, 60, 60, 60, 60, 120, 120, 120, 120].map((s) => s * 1000);
  const gaps = tps.slice(1).map((t, i) => t.placedAt - tps[i]!.placedAt);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      gaps[i]! >= expected[i]! && gaps[i]! <= expected[i]! + 3000,
      `gap after take-profit ${i + 1}: ${gaps[i]} ms, cooldown ${expected[i]} ms`,
    );
  }
  assert.ok(tps[11]!.placedAt - run.startedAt < HOUR_MS);
});

Deno.test("a take-profit fill makes room: the next open order goes at once, without a cooldown", async () => {
  const h = await BotHarness.create({ driveMarket: false });
  const fills: number[] = [];
  const run = await h.runBot({
    flags: { maxOrders: "6", waitTime: "600" },
    script: (r) => {
      r.scriptMarket(trending("buy"));
      // Every 40 minutes, fill the most recent take-profit by hand.
      r.every(40 * 60_000, () => {
        const tp = h.paper.engine.openOrders().filter((o) => o.side === "sell").at(-1);
        if (tp === undefined) return;
        fills.push(h.clock.now());
        h.paper.forceFill(tp.orderId, tp.quantity);
      });
    },
  });
  await h.close();
  const report = assertInvariants(h, run);
  assert.ok(fills.length >= 8);
  for (const at of fills) {
    const next = report.opens.find((o) => o.placedAt >= at);
    assert.ok(
      next !== undefined && next.placedAt - at <= 2000,
      `open after the fill at ${at}: ${next?.placedAt}`,
    );
  }
});

for (const direction of ["buy", "sell"] as const satisfies readonly Side[]) {
  Deno.test(`${direction} boost: every fill is closed at market, the position is flat before each open order`, async () => {
    const h = await BotHarness.create({ seed: direction === "buy" ? 9 : 10 });
    const run = await h.runBot({ flags: { boost: true, direction } });
    await h.close();
    const report = assertInvariants(h, run);
    assert.ok(report.marketCloses.length > 100);
    assert.equal(report.takeProfits.length, 0);
    for (const o of report.opens) {
      assert.ok(o.positionBefore.isZero(), `position ${o.positionBefore} at ${o.orderId}`);
    }
    for (const { open, cover } of report.pairs) {
      assert.equal(cover.status, "FILLED");
      assert.equal(cover.side, direction === "buy" ? "sell" : "buy");
      assert.equal(cover.reduceOnly, true);
      assert.ok(cover.placedAt - open.terminalAt! < 1000);
    }
    assert.ok(run.end.position.isZero());
    const s = run.result.stats;
    assert.equal(s.boostCycles, report.marketCloses.length);
    assert.ok(s.boost.volume.gt(0) && s.boost.fees.gt(0));
    assert.equal(s.boost.volume.toString(), s.all.volume.toString());
  });
}
