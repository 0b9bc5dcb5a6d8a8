/**
 * Helpers for the CLI tests: they spawn the real `deno run main.ts …` in a cleared environment and collect
 * its exit code and output.
 * @module
 */

/** The repository root (where `main.ts` and `deno.json` live), as a file system path. */
export const REPO_ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname)
  .replace(/^\/([A-Za-z]:)/, "$1");

/** The directory of the env files used by the tests. */
export const ENV_TESTDATA: string = `${REPO_ROOT}tests/testdata/env`;

/** What a finished CLI process left behind. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the CLI. */
export interface CliOptions {
  /** Variables added to the minimal environment (PATH, HOME, the Deno cache location). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; default the repository root. */
  readonly cwd?: string;
  /** Permission flags of `deno run`; default `--allow-all`. */
  readonly permissions?: readonly string[];
}

/**
 * The environment every child gets: only what Deno needs to find its cache, so a variable of the developer's
 * shell (a Telegram token, a time zone) cannot change what a test sees.
 */
export function baseEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "SYSTEMROOT", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The `deno` command that runs `main.ts` with `args`. */
export function cliCommand(args: readonly string[], opts: CliOptions = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(opts.permissions ?? ["--allow-all"]), `${REPO_ROOT}main.ts`, ...args],
    cwd: opts.cwd ?? REPO_ROOT,
    env: baseEnv(opts.env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

const decoder = new TextDecoder();

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const out = await cliCommand(args, opts).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** A running CLI process whose output is being collected. */
export interface SpawnedCli {
  readonly child: Deno.ChildProcess;
  /** Resolves when the process has exited, with everything it printed. */
  readonly done: Promise<CliResult>;
}

/** Starts the CLI and collects its output in the background (so a full pipe can never block it). */
export function spawnCli(args: readonly string[], opts: CliOptions = {}): SpawnedCli {
  const child = cliCommand(args, opts).spawn();
  const done = child.output().then((out) => ({
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  }));
  return { child, done };
}

/** Describes a result for an assertion message. */
export function describeResult(args: readonly string[], r: CliResult): string {
  return `perpbot ${
    args.join(" ")
  } → exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "perpbot_cli_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes an env file readable by its owner only (so no permission warning is printed). */
export async function writeEnvFile(path: string, text: string, mode = 0o600): Promise<string> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, mode);
  return path;
}

/** Copies one of `tests/testdata/env/*.env` to `dir` with `mode`, returning the copy's path. */
export async function copyEnvFixture(name: string, dir: string, mode = 0o600): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.copyFile(`${ENV_TESTDATA}/${name}`, path);
  await Deno.chmod(path, mode);
  return path;
}

/** The variables of a dotenv test fixture (`KEY=value` lines; comments and blanks skipped). */
export async function readEnvFixture(name: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const line of (await Deno.readTextFile(`${ENV_TESTDATA}/${name}`)).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

/** The names in `dir`, sorted; empty when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return names.sort();
}

/** Reads a file, or `""` when it does not exist yet. */
export async function readIfExists(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
export async function pooled<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Polls `probe` every few ms until it returns a value other than `undefined`, or fails after `timeoutMs`.
 * Only for waiting on another process, whose progress no virtual clock can drive.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the process result, or rejects (after killing the process) when it runs past `timeoutMs`. */
export async function exitWithin(spawned: SpawnedCli, timeoutMs: number, what: string): Promise<CliResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        spawned.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      reject(new Error(`${what} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([spawned.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An activity log line: `YYYY-MM-DD HH:mm:ss.SSS - LEVEL - [PAPER_ETH] message`. */
export const ACTIVITY_LINE =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} - (INFO|WARNING|ERROR|DEBUG) - \[PAPER_ETH\] /;

/** Reads `YYYY-MM-DD HH:mm:ss` at the start of `text` as if it were UTC, in ms. */
export function wallClockMs(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/.exec(text);
  if (m === null) throw new Error(`No timestamp at the start of ${JSON.stringify(text.slice(0, 40))}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
