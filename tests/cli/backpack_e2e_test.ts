/**
 * `perpbot run --exchange backpack`, `check-position` and `cancel-all` as a user runs them (the CLI as a
 * subprocess with the release permissions), against the Backpack fake with faults switched on; the invariants
 * are checked on the fake's own record of orders.
 */
import assert from "node:assert/strict";
import { BACKPACK_TEST_KEY, BackpackFake } from "../fakes/backpack.ts";
import { BackendRecorder } from "../fakes/backend_recorder.ts";
import { withTempDir } from "./cli_helpers.ts";
import {
  assertBoostSummary,
  assertCheckThenCancelAll,
  assertCleanRun,
  assertTraded,
  runAgainstFake,
  type ScheduledFault,
} from "./venue_e2e.ts";

/** Not powers of ten: the bot must round to the market's own increments. */
const MARKET = { ticker: "SOL", tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2", bid: "150" } as const;
const SECRETS = [BACKPACK_TEST_KEY.secretB64, BACKPACK_TEST_KEY.seedHex];
/** Short timeouts so the faults resolve within the run. */
const TUNING = { BACKPACK_HTTP_TIMEOUT_MS: "500", BACKPACK_WS_STALE_MS: "1500", TIMEZONE: "UTC" };
const COMMON = ["--exchange", "backpack", "--ticker", "SOL"];

async function startFake(): Promise<BackpackFake> {
  // The market moves only when the test moves it, so every fill is one the test chose.
  return await BackpackFake.start({ ...MARKET, tickerIntervalMs: 250 });
}

/** Faults of the first run, which ends with SIGTERM while an open order works. */
function firstRunFaults(fake: BackpackFake): ScheduledFault[] {
  return [
    { atMs: 2500, what: "sockets dropped by the server", inject: () => fake.dropSockets() },
    { atMs: 4500, what: "429 with Retry-After 1 s", inject: () => fake.rateLimit({}, 1) },
    {
      atMs: 6000,
      what: "a placement applied, its answer lost",
      inject: () => fake.loseNextPlacementAnswer(),
    },
    { atMs: 8000, what: "sockets open but silent", inject: () => fake.silenceSockets() },
    // Lands on the cancel of the working open order at the stop: its fill must still get a take-profit.
    { atMs: 10_000, what: "a fill racing the next cancel", inject: () => fake.fillDuringNextCancel("0.2") },
  ];
}

/** Faults of the second run, after the restart. */
function secondRunFaults(fake: BackpackFake): ScheduledFault[] {
  return [
    {
      atMs: 2000,
      what: "503 on the next placement",
      inject: () => fake.faults.serverError({ method: "POST", path: "/api/v1/order" }),
    },
    { atMs: 3500, what: "order events duplicated", inject: () => fake.faults.events.duplicate(undefined, 3) },
    { atMs: 5000, what: "an order event reordered", inject: () => fake.faults.events.reorder() },
    {
      atMs: 6500,
      what: "a fill event dropped",
      inject: () => fake.faults.events.drop((e) => e.e === "orderFill"),
    },
    { atMs: 8000, what: "a 5xx on any request", inject: () => fake.faults.serverError({}, 502) },
  ];
}

Deno.test({
  name:
    "backpack end to end: run with faults, SIGTERM, restart, check-position and cancel-all, judged by the fake",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const fake = await startFake();
      const recorder = new BackendRecorder(fake.backend);
      try {
        const args = [...COMMON, "--quantity", "0.4", "--take-profit", "0.05", "--wait-time", "2"];
        const common = {
          fake,
          dir,
          env: { ...fake.env(), ...TUNING },
          direction: "buy",
          quantity: "0.4",
          maxOrders: 5,
          boost: false,
          fullFillsFirst: 2,
          secrets: SECRETS,
          recorder,
        } as const;

        // First run: stopped by SIGTERM while an open order works.
        const firstArgs = [...args, "--max-orders", "5"];
        const first = await runAgainstFake({
          ...common,
          args: firstArgs,
          faults: firstRunFaults(fake),
          stopWith: { signal: "SIGTERM", afterMs: 10_500 },
        });
        assertCleanRun(firstArgs, first);
        assert.deepEqual(
          fake.openOrders().filter((o) => o.side === "buy"),
          [],
          "no open order after SIGTERM",
        );
        assert.ok(fake.openOrders().length > 0, "take-profits stay after SIGTERM");

        // Second run on the same account: it reads the venue before it places anything.
        const restartAt = fake.requests.length;
        const restartTime = fake.clock.now();
        const secondArgs = [...args, "--max-orders", "5", "--duration", "14s"];
        const second = await runAgainstFake({ ...common, args: secondArgs, faults: secondRunFaults(fake) });
        assertCleanRun(secondArgs, second);
        const after = fake.requests.slice(restartAt);
        const firstRead = after.findIndex((r) => r.method === "GET" && r.path === "/api/v1/orders");
        const firstPlace = after.findIndex((r) => r.method === "POST" && r.path === "/api/v1/order");
        assert.ok(
          firstRead >= 0 && firstRead < firstPlace,
          `read at ${firstRead}, first placement at ${firstPlace}`,
        );
        recorder.stop();

        // Both runs together, as the venue saw them.
        const all = [...first.injected, ...second.injected];
        assert.equal(all.length, 11, all.join("; "));
        assertTraded(second.report, 3);
        const afterRestart = second.report.pairs.filter((p) => p.open.placedAt >= restartTime);
        assert.ok(afterRestart.length >= 1, "the restarted bot traded: a fill of its own was covered");
        assert.ok(fake.requests.every((r) => r.status !== 401), "every signed request was accepted");
        // Fees come from fill events; a duplicated event must not count twice (a dropped one is missed).
        const fees = /Fees: (\S+)/.exec(second.result.stdout);
        const paid = fake.fills.reduce((sum, f) => sum + Number(f.fee), 0);
        assert.ok(fees !== null && Number(fees[1]) > 0, second.result.stdout);
        assert.ok(Number(fees[1]) <= paid + 0.005, `summary fees ${fees[1]} > fees paid ${paid}`);
        const csv = Object.entries(second.files).find(([name]) => name.endsWith("_orders.csv"));
        assert.ok(csv !== undefined && csv[1].split("\n").length > 3, "the CSV has filled orders");

        await assertCheckThenCancelAll({
          backend: fake.backend,
          dir,
          market: COMMON,
          quantity: "0.4",
          secrets: SECRETS,
        });
      } finally {
        recorder.stop();
        await fake.close();
      }
    }),
});

Deno.test({
  name: "backpack end to end: --boost closes every fill at market",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withTempDir(async (dir) => {
      const fake = await startFake();
      try {
        const runArgs = [...COMMON, "--quantity", "0.4", "--boost", "--wait-time", "1", "--duration", "20s"];
        const run = await runAgainstFake({
          fake,
          dir,
          env: { ...fake.env(), ...TUNING },
          args: runArgs,
          direction: "buy",
          quantity: "0.4",
          maxOrders: 40,
          boost: true,
          fullFillsFirst: 2,
          faults: [
            { atMs: 3000, what: "sockets dropped by the server", inject: () => fake.dropSockets() },
            {
              atMs: 2000,
              what: "the next market order answered 503 and executed 300 ms later",
              inject: () =>
                fake.faults.lateExecution({
                  method: "POST",
                  path: "/api/v1/order",
                  where: (r) => r.body.includes('"Market"'),
                }, 300),
            },
          ],
          secrets: SECRETS,
        });
        assertCleanRun(runArgs, run);
        assert.ok(run.report.marketCloses.length >= 3, `${run.report.marketCloses.length} market closes`);
        assert.deepEqual(run.report.takeProfits, []);
        assert.ok(
          run.report.pairs.some((p) => p.open.filled.lt(p.open.quantity)),
          "a partly filled open order was closed for what filled",
        );
        assert.ok(fake.position().isZero(), `position ${fake.position()} after a boost run`);
        // The summary tells what the volume cost: fees and net PnL of the boost cycles.
        assertBoostSummary(run.result.stdout, run.report.marketCloses.length);
      } finally {
        await fake.close();
      }
    }),
});
