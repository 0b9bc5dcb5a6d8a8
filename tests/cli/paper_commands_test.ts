/**
 * The paper venue end to end through the real command line: `run` under a virtual clock, then
 * `check-position` and `cancel-all` in other processes on the account it left behind.
 */
import assert from "node:assert/strict";
import {
  ACTIVITY_LINE,
  type CliResult,
  describeResult,
  listDir,
  runCli,
  wallClockMs,
  withTempDir,
  writeEnvFile,
} from "./cli_helpers.ts";

const HOUR = 3_600_000;
/** Allowed distance between a child's first log timestamp and the moment the test started it. */
const START_SLACK_MS = 60_000;
const CSV_ROW = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,P\d+,(buy|sell),\d+(\.\d+)?,\d+(\.\d+)?,[A-Z_]+$/;

/** Flags of a run that ends with several resting take-profits: far targets, few orders, a long cooldown. */
const RESTING_RUN = ["--take-profit", "1", "--max-orders", "5", "--wait-time", "60"];

interface CheckJson {
  exchange: string;
  ticker: string;
  symbol: string;
  position: string;
  takeProfitSide: string;
  takeProfitOrders: number;
  takeProfitTotal: string;
  tolerance: string;
  checks: number;
  verdict: string;
}

function expectCode(args: readonly string[], r: CliResult, code: number): void {
  assert.equal(r.code, code, describeResult(args, r));
}

/** The value after `label` on a line of the summary. */
function summaryValue(stdout: string, pattern: RegExp): string {
  const m = pattern.exec(stdout);
  assert.ok(m, `summary has ${pattern}: ${stdout}`);
  return m[1]!;
}

Deno.test("paper: run, check-position, cancel-all and cancel-all --close-position on one account", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const common = ["--exchange", "paper", "--log-dir", dir, "--env-file", envFile];
    const cli = async (args: string[], code: number) => {
      const r = await runCli(args);
      expectCode(args, r, code);
      return r;
    };

    // 1. Two hours of simulated trading.
    const startedAt = Date.now();
    const runArgs = ["run", ...common, "--virtual-clock", "--duration", "2h", ...RESTING_RUN];
    const run = await cli(runArgs, 0);
    assert.match(run.stdout, /^=== Summary ===$/m, run.stdout);
    assert.match(run.stdout, /^Run time: 2h$/m, run.stdout);
    const position = summaryValue(run.stdout, /^Position left: (\S+)$/m);
    const resting = Number(
      summaryValue(run.stdout, /^Take-profits placed: \d+ \| filled: \d+ \| resting: (\d+)$/m),
    );
    // What follows needs a position that take-profits cover and that exceeds the tolerance (2 x 0.1) once they
    // are gone.
    assert.ok(Number(position) >= 0.3, `the run left a position of ${position}, expected at least 0.3`);
    assert.ok(resting >= 3, `the run left ${resting} take-profits, expected at least 3`);
    assert.match(run.stderr, /\[PAPER_ETH\] === Trading Configuration ===/, "the console mirrors the log");

    assert.deepEqual(await listDir(dir), [
      "empty.env",
      "paper_ETH_activity.log",
      "paper_ETH_orders.csv",
      "paper_ETH_state.json",
    ]);
    const csv = (await Deno.readTextFile(`${dir}/paper_ETH_orders.csv`)).trimEnd().split("\n");
    assert.equal(csv[0], "Timestamp,OrderID,Side,Quantity,Price,Status");
    assert.ok(csv.length > resting, `one row per filled order: ${csv.length - 1} rows`);
    for (const row of csv.slice(1)) assert.match(row, CSV_ROW);
    const activity = (await Deno.readTextFile(`${dir}/paper_ETH_activity.log`)).trimEnd().split("\n");
    assert.ok(activity.length > 20, `activity log has ${activity.length} lines`);
    for (const line of activity) assert.match(line, ACTIVITY_LINE);
    assert.ok(activity.some((l) => l.includes("[OPEN]") && l.includes("Placed")));
    assert.ok(activity.some((l) => l.includes("[CLOSE]") && l.includes("Placed")));
    assert.ok(activity.some((l) => l.endsWith("=== Summary ===")), "the summary is logged too");
    // Default TIMEZONE is Asia/Shanghai, UTC+8 all year; the virtual clock starts at the real time.
    const shift = wallClockMs(activity[0]!) - startedAt;
    assert.ok(Math.abs(shift - 8 * HOUR) < START_SLACK_MS, `first line ${activity[0]} is not UTC+8`);
    const lastShift = wallClockMs(activity[activity.length - 1]!) - startedAt;
    assert.ok(Math.abs(lastShift - 10 * HOUR) < START_SLACK_MS, `last line ${activity.at(-1)}: 2h later`);
    assert.ok(Math.abs(wallClockMs(csv[1]!) - startedAt - 8 * HOUR) < 2 * HOUR + START_SLACK_MS, csv[1]);

    // 2. The account the bot left is consistent: every unit of the position has its take-profit.
    const checkText = await cli(["check-position", ...common], 0);
    assert.match(checkText.stdout, /^Exchange: paper \| Market: ETH-PAPER$/m, checkText.stdout);
    assert.match(checkText.stdout, new RegExp(`^Position: ${position.replace(".", "\\.")}$`, "m"));
    assert.match(
      checkText.stdout,
      new RegExp(`^Take-profit orders \\(sell\\): ${resting} \\| total size: `, "m"),
    );
    assert.match(checkText.stdout, /^Verdict: consistent/m);
    const checkJson = await cli(["check-position", ...common, "--json"], 0);
    const before = JSON.parse(checkJson.stdout) as CheckJson;
    assert.deepEqual(
      { ...before, takeProfitTotal: undefined },
      {
        exchange: "paper",
        ticker: "ETH",
        symbol: "ETH-PAPER",
        position,
        takeProfitSide: "sell",
        takeProfitOrders: resting,
        takeProfitTotal: undefined,
        tolerance: "0.2",
        checks: 1,
        verdict: "consistent",
      },
    );
    assert.ok(Math.abs(Number(before.takeProfitTotal) - Number(position)) <= 0.2, checkJson.stdout);

    // 3. cancel-all cancels each take-profit and says so.
    const cancel = await cli(["cancel-all", ...common], 0);
    const cancelled = cancel.stdout.trimEnd().split("\n");
    assert.equal(cancelled.length, resting, cancel.stdout);
    for (const line of cancelled) {
      assert.match(line, /^Cancelled P\d+: sell 0\.1 @ \d+(\.\d+)? \(filled 0, now CANCELED\)$/);
    }

    // 4. Now the position has no take-profit: a mismatch (exit 3), confirmed over several checks.
    const mismatch = await cli(["check-position", ...common, "--json"], 3);
    const after = JSON.parse(mismatch.stdout) as CheckJson;
    assert.equal(after.verdict, "mismatch");
    assert.equal(after.position, position);
    assert.equal(after.takeProfitOrders, 0);
    assert.equal(after.takeProfitTotal, "0");
    assert.ok(after.checks > 1, `a mismatch is confirmed by more than one check (${after.checks})`);
    // Within the tolerance the same account is not a mismatch: --quantity sets it.
    const tolerant = await cli(["check-position", ...common, "--quantity", position], 0);
    assert.match(tolerant.stdout, /^Verdict: consistent/m);

    // 5. Flatten; a second run has nothing left to do, and both succeed.
    const close = await cli(["cancel-all", ...common, "--close-position"], 0);
    assert.deepEqual(close.stdout.trimEnd().split("\n").map((l) => l.replace(/@ \S+$/, "@ P")), [
      "No open orders on ETH-PAPER",
      `Closed position ${position} with a market sell: filled ${position} @ P`,
      "Position is now flat",
    ]);
    const again = await cli(["cancel-all", ...common, "--close-position"], 0);
    assert.deepEqual(again.stdout.trimEnd().split("\n"), [
      "No open orders on ETH-PAPER",
      "Position is already flat",
    ]);
    const againJson = await cli(["cancel-all", ...common, "--close-position", "--json"], 0);
    assert.deepEqual(JSON.parse(againJson.stdout), {
      exchange: "paper",
      ticker: "ETH",
      symbol: "ETH-PAPER",
      cancelled: [],
      stillOpen: 0,
      positionBefore: "0",
      positionAfter: "0",
    });
    const flat = JSON.parse((await cli(["check-position", ...common, "--json"], 0)).stdout) as CheckJson;
    assert.equal(flat.position, "0");
    assert.equal(flat.takeProfitOrders, 0);
    assert.equal(flat.verdict, "consistent");
  });
});

Deno.test("paper: ACCOUNT_NAME names the files and the account; TIMEZONE=UTC stamps UTC", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/acct1.env`, "ACCOUNT_NAME=acct1\nTIMEZONE=UTC\n");
    const emptyEnv = await writeEnvFile(`${dir}/empty.env`, "");
    const acct = ["--exchange", "paper", "--log-dir", dir, "--env-file", envFile];
    const startedAt = Date.now();
    const runArgs = ["run", ...acct, "--virtual-clock", "--duration", "20m", ...RESTING_RUN];
    const run = await runCli(runArgs);
    expectCode(runArgs, run, 0);
    const resting = Number(summaryValue(run.stdout, /resting: (\d+)$/m));
    assert.ok(resting >= 1, run.stdout);
    assert.deepEqual(await listDir(dir), [
      "acct1.env",
      "empty.env",
      "paper_ETH_acct1_activity.log",
      "paper_ETH_acct1_orders.csv",
      "paper_ETH_acct1_state.json",
    ]);
    const activity = (await Deno.readTextFile(`${dir}/paper_ETH_acct1_activity.log`)).trimEnd().split("\n");
    for (const line of activity) assert.match(line, ACTIVITY_LINE);
    const shift = wallClockMs(activity[0]!) - startedAt;
    assert.ok(Math.abs(shift) < START_SLACK_MS, `first line ${activity[0]} is not UTC`);
    const csv = (await Deno.readTextFile(`${dir}/paper_ETH_acct1_orders.csv`)).split("\n");
    assert.equal(csv[0], "Timestamp,OrderID,Side,Quantity,Price,Status");
    assert.ok(Math.abs(wallClockMs(csv[1]!) - startedAt) < HOUR, csv[1]);

    // The account is found again by name; another name (none) is another, empty account.
    const named = await runCli(["check-position", ...acct, "--json"]);
    expectCode(["check-position", ...acct, "--json"], named, 0);
    assert.equal((JSON.parse(named.stdout) as CheckJson).takeProfitOrders, resting);
    const otherArgs = [
      "check-position",
      "--exchange",
      "paper",
      "--log-dir",
      dir,
      "--env-file",
      emptyEnv,
      "--json",
    ];
    const other = await runCli(otherArgs);
    expectCode(otherArgs, other, 0);
    assert.equal((JSON.parse(other.stdout) as CheckJson).position, "0");
    assert.equal((JSON.parse(other.stdout) as CheckJson).takeProfitOrders, 0);
    assert.ok((await listDir(dir)).includes("paper_ETH_state.json"));

    // A second run on the account starts from the take-profits the first one left, and appends to its files.
    const second = await runCli(runArgs);
    expectCode(runArgs, second, 0);
    const appended = (await Deno.readTextFile(`${dir}/paper_ETH_acct1_activity.log`)).trimEnd().split("\n");
    assert.ok(appended.length > activity.length);
    assert.ok(
      appended.slice(activity.length).some((l) =>
        l.endsWith(`Found ${resting} resting take-profit orders at start`)
      ),
      `the second run adopts the ${resting} take-profits`,
    );
    const csvAgain = (await Deno.readTextFile(`${dir}/paper_ETH_acct1_orders.csv`)).split("\n");
    assert.equal(
      csvAgain.filter((l) => l.startsWith("Timestamp,")).length,
      1,
      "the CSV header is written once",
    );
  });
});
