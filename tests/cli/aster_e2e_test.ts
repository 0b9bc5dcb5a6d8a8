/**
 * `perpbot run --exchange aster` (normal and `--boost`), `check-position` and `cancel-all --close-position`
 * as a user runs them (the CLI as a subprocess with the release permissions), against the Aster fake in both
 * signing modes with faults switched on; the invariants are checked on the fake's own record of orders.
 */
import assert from "node:assert/strict";
import { ASTER_TEST_V1, ASTER_TEST_V3, AsterFake, type AsterMode } from "../fakes/aster.ts";
import { withTempDir } from "./cli_helpers.ts";
import {
  assertBoostSummary,
  assertCheckThenCancelAll,
  assertCleanRun,
  assertTraded,
  runAgainstFake,
  type ScheduledFault,
} from "./venue_e2e.ts";

/** Not powers of ten, and written the way Aster pads them. */
const MARKET = {
  ticker: "SOL",
  tickSize: "0.05000000",
  stepSize: "0.1",
  minQuantity: "0.2",
  bid: "150",
} as const;
const SECRETS = [
  ASTER_TEST_V1.secretKey,
  ASTER_TEST_V3.signerPrivateKey,
  ASTER_TEST_V3.signerPrivateKey.slice(2),
];
/** Short timeouts so the faults resolve within the run. */
const TUNING = { ASTER_HTTP_TIMEOUT_MS: "500", ASTER_WS_STALE_MS: "1500", TIMEZONE: "UTC" };
const COMMON = ["--exchange", "aster", "--ticker", "SOL"];
const PLACE = { method: "POST", path: /^\/fapi\/v[13]\/order$/ } as const;

async function startFake(): Promise<AsterFake> {
  // The market moves only when the test moves it, so every fill is one the test chose.
  return await AsterFake.start({ ...MARKET, tickerIntervalMs: 250 });
}

function faults(fake: AsterFake): ScheduledFault[] {
  return [
    { atMs: 2500, what: "sockets dropped by the server", inject: () => fake.dropSockets() },
    { atMs: 4000, what: "listen key expired", inject: () => void fake.expireListenKey() },
    { atMs: 5500, what: "429 with Retry-After 1 s", inject: () => fake.rateLimit({}, 1) },
    {
      atMs: 7000,
      what: "a placement applied, its answer lost",
      inject: () => fake.loseNextPlacementAnswer(),
    },
    { atMs: 8500, what: "sockets open but silent", inject: () => fake.silenceSockets() },
    { atMs: 10_500, what: "503 on the next placement", inject: () => fake.faults.serverError(PLACE) },
    {
      atMs: 12_000,
      what: "order events duplicated",
      inject: () => fake.faults.events.duplicate(undefined, 3),
    },
    { atMs: 13_500, what: "an order event reordered", inject: () => fake.faults.events.reorder() },
    {
      atMs: 15_000,
      what: "a fill event dropped",
      inject: () => fake.faults.events.drop((e) => e.o.x === "TRADE"),
    },
    { atMs: 16_500, what: "a 502 on any request", inject: () => fake.faults.serverError({}, 502) },
    // Lands on the cancel of the working open order at the stop: its fill must still get a take-profit.
    { atMs: 19_000, what: "a fill racing the next cancel", inject: () => fake.fillDuringNextCancel("0.2") },
  ];
}

for (const mode of ["v3", "v1"] as const satisfies readonly AsterMode[]) {
  Deno.test({
    name:
      `aster ${mode} end to end: run with faults until SIGINT, check-position, cancel-all --close-position`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () =>
      withTempDir(async (dir) => {
        const fake = await startFake();
        try {
          const runArgs = [...COMMON, "--quantity", "0.4", "--take-profit", "0.05", "--wait-time", "2"];
          runArgs.push("--max-orders", "5");
          const run = await runAgainstFake({
            fake,
            dir,
            env: { ...fake.env(mode), ...TUNING },
            args: runArgs,
            direction: "buy",
            quantity: "0.4",
            maxOrders: 5,
            boost: false,
            fullFillsFirst: 2,
            faults: faults(fake),
            stopWith: { signal: "SIGINT", afterMs: 19_500 },
            secrets: SECRETS,
          });
          assertCleanRun(runArgs, run);
          assert.equal(run.injected.length, 12, run.injected.join("; "));
          assertTraded(run.report, 3);
          assert.deepEqual(
            fake.openOrders().filter((o) => o.side === "BUY"),
            [],
            "no open order after SIGINT",
          );
          // Every request was accepted as signed: no signature, key, clock or nonce refusal.
          assert.ok(fake.requests.every((r) => r.status !== 401), "every signed request was accepted");
          const refused = fake.errors.filter((e) => [-1021, -1022, -2014, -2015, -4225].includes(e.code));
          assert.deepEqual(refused, []);
          const keys = fake.requests.filter((r) => /listenKey/.test(r.path) && r.method === "POST");
          assert.ok(keys.length >= 2, `${keys.length} listen keys: a new one after the expiry`);
          const fees = /Fees: (\S+)/.exec(run.result.stdout);
          assert.ok(fees !== null && Number(fees[1]) > 0, run.result.stdout);

          await assertCheckThenCancelAll({
            backend: fake.backend,
            dir,
            market: COMMON,
            quantity: "0.4",
            secrets: SECRETS,
          });
        } finally {
          await fake.close();
        }
      }),
  });
}

Deno.test({
  name: "aster end to end: --boost closes every fill at market and reports what the volume cost",
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
          env: { ...fake.env("v1"), ...TUNING },
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
                fake.faults.lateExecution({ ...PLACE, where: (r) => /type=MARKET/.test(r.body) }, 300),
            },
            { atMs: 13_000, what: "a 3 s IP ban (418)", inject: () => fake.ban(3) },
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
