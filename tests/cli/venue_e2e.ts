/**
 * End-to-end runs of the real CLI (a `deno run main.ts` subprocess with the release permissions plus
 * loopback) against a venue's loopback fake, judged by the fake's own record of orders.
 *
 * While the bot runs, the working open order is filled (the first and every third time only in part, after
 * which the market moves away so the bot must cancel the rest) and resting take-profits are filled from time
 * to time, so every path of a round is taken; the venue's faults are injected on a schedule.
 * @module
 */
import assert from "node:assert/strict";
import { Decimal } from "../../exchanges/decimal.ts";
import { isTerminal, type Side } from "../../exchanges/venue.ts";
import { permissionFlags, releasePermissions } from "../../scripts/permissions.ts";
import { BackendRecorder } from "../fakes/backend_recorder.ts";
import { checkInvariants, type InvariantReport } from "../fakes/bot_harness.ts";
import type { PaperBackend } from "../fakes/loopback.ts";
import { type CliResult, describeResult, runCli, spawnCli, writeEnvFile } from "./cli_helpers.ts";

/** The release permissions, plus the loopback address the fakes listen on. */
export function loopbackReleaseFlags(): string[] {
  const p = releasePermissions();
  return permissionFlags({ ...p, net: [...p.net, "127.0.0.1"] });
}

/** What the driver needs of a fake. */
export interface E2eFake {
  /** The paper engine behind the fake (engine order ids). */
  readonly backend: PaperBackend;
}

/** A fault injected at a given time after the bot started. */
export interface ScheduledFault {
  readonly atMs: number;
  readonly what: string;
  readonly inject: () => void;
}

/** One `perpbot run` against a fake. */
export interface E2eRunOptions {
  readonly fake: E2eFake;
  /** Working directory, holding `.env` and `logs/` (the release permissions allow only these). */
  readonly dir: string;
  /** Contents of `.env`: the fake's addresses and keys, tuning variables. */
  readonly env: Readonly<Record<string, string>>;
  /** `perpbot run` flags after `run`. */
  readonly args: readonly string[];
  readonly direction: Side;
  readonly quantity: string;
  readonly maxOrders: number;
  readonly boost: boolean;
  readonly faults?: readonly ScheduledFault[];
  /** Open orders filled in full before the first partial fill (default 0: the first fill is partial). */
  readonly fullFillsFirst?: number;
  /** How often the open order is filled by the test, ms (default 1500). */
  readonly fillEveryMs?: number;
  /** Values that must appear in no output or file. */
  readonly secrets: readonly string[];
  /** Stop the bot with this signal after `afterMs` (default: it stops on its own, `--duration`). */
  readonly stopWith?: { readonly signal: "SIGINT" | "SIGTERM"; readonly afterMs: number };
  /** The record to add to (a run after a restart continues the record of the run before). */
  readonly recorder?: BackendRecorder;
}

/** What a run left behind. */
export interface E2eRunResult {
  readonly result: CliResult;
  readonly report: InvariantReport;
  /** The log directory's files by name. */
  readonly files: Readonly<Record<string, string>>;
  /** Faults that were injected, in order. */
  readonly injected: readonly string[];
  /** Open orders filled by the test: full and partial. */
  readonly forced: { readonly full: number; readonly partial: number; readonly takeProfits: number };
}

/** Runs `perpbot run` to completion against the fake and checks the invariants on the venue's record. */
export async function runAgainstFake(o: E2eRunOptions): Promise<E2eRunResult> {
  await writeEnvFile(`${o.dir}/.env`, Object.entries(o.env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  const recorder = o.recorder ?? new BackendRecorder(o.fake.backend);
  const args = ["run", ...o.args];
  const cli = spawnCli(args, { cwd: o.dir, permissions: loopbackReleaseFlags() });
  let finished = false;
  const done = cli.done.finally(() => (finished = true));
  const start = Date.now();
  const injected: string[] = [];
  const pending = [...(o.faults ?? [])].sort((a, b) => a.atMs - b.atMs);
  const forced = { full: 0, partial: 0, takeProfits: 0 };
  const backend = o.fake.backend;
  const step = new Decimal(backend.spec.stepSize);
  let tick = 0;
  const partlyFilled = new Set<string>();
  let signalled = false;
  let nextFill = start + (o.fillEveryMs ?? 1500);
  while (!finished) {
    await new Promise((r) => setTimeout(r, 50));
    const now = Date.now();
    if (o.stopWith !== undefined && !signalled && now - start >= o.stopWith.afterMs) {
      signalled = true;
      cli.child.kill(o.stopWith.signal);
      injected.push(`${now - start} ms: ${o.stopWith.signal}`);
    }
    while (pending.length > 0 && now - start >= pending[0]!.atMs) {
      const f = pending.shift()!;
      f.inject();
      injected.push(`${now - start} ms: ${f.what}`);
    }
    if (now < nextFill || signalled) continue;
    nextFill = now + (o.fillEveryMs ?? 1500);
    tick += 1;
    const working = backend.orders().filter((b) => !b.market && !isTerminal(b.last.status));
    const open = working.find((b) => b.side === o.direction && !b.reduceOnly);
    // A partly filled order is left alone: the bot must end it itself and cover what filled.
    if (open !== undefined && !partlyFilled.has(open.orderId)) {
      const left = open.last.quantity.minus(open.last.filled);
      // The first and every third fill are partial: the bot must wait, cancel, and cover exactly what filled.
      const half = left.div(2).toNearest(step, Decimal.ROUND_DOWN);
      const nth = forced.full + forced.partial - (o.fullFillsFirst ?? 0);
      if (nth >= 0 && nth % 3 === 0 && half.gt(0) && half.lt(left)) {
        backend.forceFill(open.orderId, half);
        // The market then moves away, so the rest cannot fill: the bot has to cancel it.
        const away = new Decimal(backend.spec.tickSize).mul(o.direction === "buy" ? 10 : -10);
        const q = backend.quote();
        backend.setQuote(q.bid.plus(away), q.ask.plus(away));
        partlyFilled.add(open.orderId);
        forced.partial += 1;
      } else if (left.gt(0)) {
        backend.forceFill(open.orderId, left);
        forced.full += 1;
      }
    }
    const takeProfit = working.find((b) => b.side !== o.direction && b.reduceOnly);
    if (tick % 4 === 0 && takeProfit !== undefined) {
      backend.forceFill(takeProfit.orderId, takeProfit.last.quantity.minus(takeProfit.last.filled));
      forced.takeProfits += 1;
    }
  }
  const result = await done;
  if (o.recorder === undefined) recorder.stop();
  const files = await readDir(`${o.dir}/logs`);
  const report = checkInvariants(recorder, recorder.state(), {
    direction: o.direction,
    maxOrders: o.maxOrders,
    quantity: new Decimal(o.quantity),
    boost: o.boost,
    requestedStop: result.code === 0,
    texts: [result.stdout, result.stderr, ...Object.values(files)],
    secrets: o.secrets,
  });
  return { result, report, files, injected, forced };
}

/** Asserts a finished run: exit 0, the invariants, and a summary. */
export function assertCleanRun(args: readonly string[], run: E2eRunResult): void {
  const what = `${describeResult(args, run.result)}\ninjected: ${
    run.injected.join("; ")
  }\nfilled by the test: ${JSON.stringify(run.forced)}`;
  assert.equal(run.result.code, 0, what);
  assert.deepEqual(
    run.report.violations,
    [],
    `invariants violated:\n${run.report.violations.join("\n")}\n${what}`,
  );
  assert.match(run.result.stdout, /=== Summary ===/, what);
}

/** The files of a directory (not recursive), by name. */
export async function readDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) out[e.name] = await Deno.readTextFile(`${dir}/${e.name}`);
  }
  return out;
}

/** A short account of a run's open orders (id and state history), for assertion messages. */
export function describeOpens(report: InvariantReport): string {
  return report.opens.map((o) => `${o.orderId} ${o.history.map((h) => `${h.status}:${h.filled}`).join(",")}`)
    .join("; ");
}

/** Asserts that a run traded every path: covered fills, one of them partial, and a filled take-profit. */
export function assertTraded(report: InvariantReport, minPairs: number): void {
  const opens = describeOpens(report);
  assert.ok(report.pairs.length >= minPairs, `${report.pairs.length} covered fills: ${opens}`);
  assert.ok(report.pairs.some((p) => p.open.filled.lt(p.open.quantity)), `no partial fill covered: ${opens}`);
  assert.ok(report.takeProfits.some((t) => t.status === "FILLED"), `no take-profit filled: ${opens}`);
}

/**
 * After a run: `check-position` finds the position covered, `cancel-all --close-position` leaves nothing open
 * and a flat position, a second `cancel-all` has nothing to do, and no output or log file holds a secret.
 */
export async function assertCheckThenCancelAll(o: {
  readonly backend: PaperBackend;
  readonly dir: string;
  /** `--exchange … --ticker …` */
  readonly market: readonly string[];
  readonly quantity: string;
  readonly secrets: readonly string[];
}): Promise<void> {
  const opts = { cwd: o.dir, permissions: loopbackReleaseFlags() };
  const checkArgs = ["check-position", ...o.market, "--quantity", o.quantity, "--json"];
  const check = await runCli(checkArgs, opts);
  assert.equal(check.code, 0, describeResult(checkArgs, check));
  const verdict = JSON.parse(check.stdout);
  assert.equal(verdict.verdict, "consistent");
  assert.equal(verdict.position, o.backend.position().toString());

  assert.ok(o.backend.openOrders().length > 0, "take-profits rest after the run");
  const cancelArgs = ["cancel-all", ...o.market, "--close-position", "--json"];
  const cancel = await runCli(cancelArgs, opts);
  assert.equal(cancel.code, 0, describeResult(cancelArgs, cancel));
  assert.deepEqual(o.backend.openOrders(), []);
  assert.ok(
    o.backend.position().isZero(),
    `position ${o.backend.position()} after cancel-all --close-position`,
  );
  const again = await runCli(cancelArgs, opts);
  assert.equal(again.code, 0, describeResult(cancelArgs, again));

  const texts = [check.stdout, check.stderr, cancel.stdout, cancel.stderr, again.stdout, again.stderr];
  texts.push(...Object.values(await readDir(`${o.dir}/logs`)));
  for (const s of o.secrets) for (const t of texts) assert.ok(!t.includes(s), "a secret was written");
}

/** The numbers of the summary's boost line, asserted to be there and to count `cycles` cycles with fees. */
export function assertBoostSummary(stdout: string, cycles: number): void {
  const line = /Boost cycles: (\d+) \| volume: (\S+) \| fees: (\S+) \| net PnL: (\S+)/.exec(stdout);
  assert.ok(line !== null, stdout);
  assert.equal(Number(line[1]), cycles, stdout);
  assert.ok(Number(line[2]) > 0 && Number(line[3]) > 0, `boost volume ${line[2]}, fees ${line[3]}`);
}
