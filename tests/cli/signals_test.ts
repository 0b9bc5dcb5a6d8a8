/**
 * SIGINT and SIGTERM stop a real `perpbot run` cleanly: the working open order is cancelled, the summary is
 * printed, the exit code is 0, and no open order is left on the (paper) venue.
 *
 * These run the bot on the real clock, since the signal comes from outside the process; they wait only for
 * the child's first open order, which the bot places right after connecting.
 */
import assert from "node:assert/strict";
import {
  ACTIVITY_LINE,
  describeResult,
  exitWithin,
  readIfExists,
  runCli,
  spawnCli,
  waitUntil,
  withTempDir,
  writeEnvFile,
} from "./cli_helpers.ts";

interface CancelJson {
  cancelled: { orderId: string; side: string; status: string }[];
  stillOpen: number;
}

async function stopsCleanlyOn(signal: "SIGINT" | "SIGTERM"): Promise<void> {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const common = ["--exchange", "paper", "--log-dir", dir, "--env-file", envFile];
    const args = ["run", ...common, "--wait-time", "1"];
    const spawned = spawnCli(args);
    const logPath = `${dir}/paper_ETH_activity.log`;
    let orderId: string;
    try {
      orderId = await waitUntil("the first open order", async () => {
        const m = /\[OPEN\] \[(\w+)\] Placed buy /.exec(await readIfExists(logPath));
        return m?.[1];
      }, 20_000);
    } catch (e) {
      spawned.child.kill("SIGKILL");
      const r = await spawned.done;
      throw new Error(`${(e as Error).message}\n${describeResult(args, r)}`);
    }
    spawned.child.kill(signal);
    const r = await exitWithin(spawned, 10_000, `perpbot run after ${signal}`);
    const what = describeResult(args, r);
    assert.equal(r.code, 0, what);
    assert.match(r.stdout, /^=== Summary ===$/m, what);
    assert.match(r.stdout, /^Open orders placed: [1-9]\d* \|/m, what);
    assert.match(r.stdout, /^Position left: \S+$/m, what);

    const lines = (await Deno.readTextFile(logPath)).trimEnd().split("\n");
    for (const line of lines) assert.match(line, ACTIVITY_LINE);
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const received = at(new RegExp(`\\] ${signal} received: `));
    const cancelling = at(new RegExp(`\\[OPEN\\] \\[${orderId}\\] Cancelling order: shutting down$`));
    const cancelled = at(new RegExp(`\\[OPEN\\] \\[${orderId}\\] CANCELED `));
    const stopped = at(/\] Bot stopped: stop requested$/);
    assert.ok(received >= 0, `the log records the ${signal}: ${what}`);
    assert.ok(cancelling > received, `the working order ${orderId} is cancelled after the signal: ${what}`);
    assert.ok(cancelled > received, `the cancel of ${orderId} is confirmed: ${what}`);
    assert.ok(stopped > cancelled, `the bot stops after the cancel: ${what}`);
    assert.ok(lines.at(-1)!.endsWith("==============="), `the log is flushed to the summary's end: ${what}`);

    // On the venue, nothing on the open side is still working, and the account is consistent.
    const checkArgs = ["check-position", ...common, "--json"];
    const check = await runCli(checkArgs);
    assert.equal(check.code, 0, describeResult(checkArgs, check));
    assert.equal(JSON.parse(check.stdout).verdict, "consistent", check.stdout);
    const cancelArgs = ["cancel-all", ...common, "--json"];
    const cancel = await runCli(cancelArgs);
    assert.equal(cancel.code, 0, describeResult(cancelArgs, cancel));
    const report = JSON.parse(cancel.stdout) as CancelJson;
    assert.deepEqual(
      report.cancelled.filter((o) => o.side === "buy"),
      [],
      `no open order left: ${cancel.stdout}`,
    );
    assert.equal(report.stillOpen, 0);
  });
}

Deno.test("SIGINT cancels the working open order, prints the summary and exits 0", () =>
  stopsCleanlyOn("SIGINT"));

Deno.test("SIGTERM cancels the working open order, prints the summary and exits 0", () =>
  stopsCleanlyOn("SIGTERM"));
