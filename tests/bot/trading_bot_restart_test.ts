/** Scenario: a second bot on the same venue after a first one stopped, with an open order left behind. */
import assert from "node:assert/strict";
import { assertInvariants, BotHarness, d, HOUR_MS, isOpenOrder } from "../fakes/bot_harness.ts";

Deno.test("restart: adopts the resting take-profits, settles a stale open order, waits a cooldown, counts once", async () => {
  const h = await BotHarness.create({ seed: 41 });
  const flags = { takeProfit: "0.3", maxOrders: "60", waitTime: "120" };
  const first = await h.runBot({ flags, durationMs: 2 * HOUR_MS, clientIdStart: 1_000_000 });
  assertInvariants(h, first);
  const adopted = first.end.working.filter((o) => o.side === "sell");
  assert.ok(adopted.length >= 3, `${adopted.length} take-profits left by the first run`);

  // While no bot runs: the market drops 1 % (away from the take-profits) and one take-profit fills in part.
  h.quoteAt(h.paper.engine.quote().bid.mul("0.99"));
  const partlyFilled = adopted[0]!;
  h.paper.forceFill(partlyFilled.orderId, d("0.03"));
  // An open order left by a run that died: placed, then partly filled, before the new bot starts.
  const q = h.paper.engine.quote();
  const placed = await h.recorder.placeLimit({
    side: "buy",
    // Far enough below the market that only the forced fill reaches it before the restart.
    price: q.bid.minus(h.tick.mul(100)),
    quantity: d("0.1"),
    postOnly: true,
    reduceOnly: false,
    clientId: "777",
  });
  assert.equal(placed.kind, "accepted");
  const staleId = placed.kind === "accepted" ? placed.order.orderId : "";
  h.paper.forceFill(staleId, d("0.042"));
  await h.clock.sleep(100);
  const before = h.recorder.state();
  const restingAtStart = before.working.filter((o) => o.side === "sell");
  const filledAtStart = new Map([...h.recorder.orders.values()].map((o) => [o.orderId, o.filled]));

  h.log.lines.length = 0;
  const second = await h.runBot({ flags, clientIdStart: 2_000_000 });
  await h.close();
  assert.equal(second.result.reason, "requested");
  // Invariants over both runs: the stale order's fill is covered, nothing is doubled.
  const report = assertInvariants(h, second);

  assert.equal(
    h.log.matching(`Found ${restingAtStart.length} resting take-profit orders at start`).length,
    1,
  );
  const cancel = h.recorder.cancels.find((c) => c.orderId === staleId);
  assert.ok(
    cancel !== undefined && cancel.at === second.startedAt,
    "the stale open order is cancelled first",
  );
  const stalePair = report.pairs.find((p) => p.open.orderId === staleId);
  assert.equal(stalePair?.cover.quantity.toString(), "0.042");
  assert.equal(stalePair?.cover.placedAt, second.startedAt);

  // The cooldown after the restart: with n take-profits of 60 resting, W/4 below 1/6, W/2 below 1/3, ...
  const n = restingAtStart.length + 1;
  const w = 120_000;
  const cooldown = 3 * n >= 120 ? 2 * w : 3 * n >= 60 ? w : 6 * n >= 60 ? w / 2 : w / 4;
  const opens2 = report.opens.filter((o) => o.placedAt >= second.startedAt && o.orderId !== staleId);
  const tpFill = [...h.recorder.orders.values()]
    .filter((o) => o.side === "sell" && o.status === "FILLED" && o.terminalAt! >= second.startedAt)
    .map((o) => o.terminalAt!)
    .sort((a, b) => a - b)[0] ?? Infinity;
  // The market was moved away from the take-profits, so the cooldown (not a fill) decides here.
  assert.ok(tpFill > second.startedAt + cooldown, "a take-profit filled before the cooldown ended");
  const due = second.startedAt + cooldown;
  const firstOpen = opens2[0]!;
  assert.ok(
    firstOpen.placedAt >= due && firstOpen.placedAt <= due + 1000,
    `first open ${(firstOpen.placedAt - second.startedAt) / 1000} s after the restart, cooldown ${
      cooldown / 1000
    } s, ` +
      `first take-profit fill after ${(tpFill - second.startedAt) / 1000} s`,
  );

  // No double counting: the second run's take-profit fills and volume are its own, adopted orders included.
  let volume = d(0);
  let tpFilled = 0;
  for (const o of h.recorder.orders.values()) {
    const delta = o.filled.minus(filledAtStart.get(o.orderId) ?? 0);
    if (delta.gt(0)) {
      volume = volume.plus(delta.mul(isOpenOrder(o, "buy") || o.side === "sell" ? o.price : 0));
    }
    if (o.side === "sell" && o.status === "FILLED" && o.terminalAt! > second.startedAt) tpFilled++;
  }
  const stats = second.result.stats;
  assert.ok(Math.abs(stats.takeProfitsFilled - tpFilled) <= 1, `${stats.takeProfitsFilled} vs ${tpFilled}`);
  const slack = d("0.1").mul(second.end.quote.ask);
  assert.ok(stats.all.volume.minus(volume).abs().lte(slack), `volume ${stats.all.volume} vs ${volume}`);
  // The adopted take-profit filled in part before the restart: only the rest is this run's.
  const adoptedRecord = h.recorder.orders.get(partlyFilled.orderId)!;
  assert.equal(
    adoptedRecord.history.find((x) => x.at >= second.startedAt)?.filled.toString() ?? "0.03",
    "0.03",
  );
});
