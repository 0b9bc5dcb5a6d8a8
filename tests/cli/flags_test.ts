/**
 * Flag handling of the real command line: invalid values are refused with exit code 2 before anything touches a
 * venue or the log directory; `--help` and `--version` describe the program.
 */
import assert from "node:assert/strict";
import {
  describeResult,
  listDir,
  pooled,
  readIfExists,
  REPO_ROOT,
  runCli,
  withTempDir,
  writeEnvFile,
} from "./cli_helpers.ts";
import { AVAILABLE_EXCHANGES } from "../../exchanges/factory.ts";
import { EXCHANGE_NAMES } from "../../exchanges/names.ts";

interface BadFlagCase {
  /** Arguments after the command; `--log-dir` and `--env-file` are added unless the case sets them. */
  readonly args: readonly string[];
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Text stderr must contain: the flag or variable, and the value. */
  readonly names: readonly string[];
}

const RUN = ["run"];
const PAPER = ["--exchange", "paper"];

const BAD_FLAGS: readonly BadFlagCase[] = [
  { args: ["--exchange", "nope"], names: ["--exchange", '"nope"'] },
  { args: [...PAPER, "--ticker", "ET H"], names: ["--ticker", '"ET H"'] },
  { args: [...PAPER, "--ticker", ""], names: ["--ticker", '""'] },
  { args: [...PAPER, "--quantity", "0"], names: ["--quantity", "0 must be greater than 0"] },
  { args: [...PAPER, "--quantity", "-1"], names: ["--quantity", "-1"] },
  { args: [...PAPER, "--quantity", "abc"], names: ["--quantity", '"abc"'] },
  { args: [...PAPER, "--quantity", "1e3"], names: ["--quantity", '"1e3"'] },
  { args: [...PAPER, "--take-profit", "0"], names: ["--take-profit", "0 must be greater than 0"] },
  { args: [...PAPER, "--take-profit", "100"], names: ["--take-profit", "100"] },
  { args: [...PAPER, "--take-profit", "x"], names: ["--take-profit", '"x"'] },
  { args: [...PAPER, "--direction", "up"], names: ["--direction", '"up"'] },
  { args: [...PAPER, "--max-orders", "0"], names: ["--max-orders", "0 must be"] },
  { args: [...PAPER, "--max-orders", "1.5"], names: ["--max-orders", '"1.5"'] },
  { args: [...PAPER, "--max-orders", "-3"], names: ["--max-orders", "-3"] },
  { args: [...PAPER, "--wait-time", "-1"], names: ["--wait-time", "-1"] },
  { args: [...PAPER, "--wait-time", "x"], names: ["--wait-time", '"x"'] },
  { args: [...PAPER, "--grid-step", "-101"], names: ["--grid-step", "-101"] },
  { args: [...PAPER, "--grid-step", "x"], names: ["--grid-step", '"x"'] },
  { args: [...PAPER, "--stop-price", "0"], names: ["--stop-price", "0 must be"] },
  { args: [...PAPER, "--stop-price", "-5"], names: ["--stop-price", "-5"] },
  { args: [...PAPER, "--stop-price", "x"], names: ["--stop-price", '"x"'] },
  { args: [...PAPER, "--pause-price", "x"], names: ["--pause-price", '"x"'] },
  { args: [...PAPER, "--pause-price", "0"], names: ["--pause-price", "0 must be"] },
  { args: ["--exchange", "edgex", "--boost"], names: ["--boost", "edgex"] },
  { args: ["--exchange", "lighter", "--aster-boost"], names: ["--boost", "lighter"] },
  { args: [...PAPER, "--duration", "10x"], names: ["--duration", '"10x"'] },
  { args: [...PAPER, "--duration", "0s"], names: ["--duration", '"0s"'] },
  { args: [...PAPER, "--env-file", "missing-file.env"], names: ["--env-file", "missing-file.env"] },
  { args: PAPER, env: { TIMEZONE: "Mars/Base" }, names: ["TIMEZONE", '"Mars/Base"'] },
  { args: PAPER, env: { ACCOUNT_NAME: "team/one" }, names: ["ACCOUNT_NAME", '"team/one"'] },
  { args: [...PAPER, "--foo"], names: ["--foo"] },
  { args: ["--exchange", "backpack", "--virtual-clock"], names: ["--virtual-clock", "backpack"] },
  // The other commands validate their flags the same way.
  { command: ["check-position"], args: ["--exchange", "nope"], names: ["--exchange", '"nope"'] },
  { command: ["check-position"], args: [...PAPER, "--quantity", "0"], names: ["--quantity", "0"] },
  { command: ["check-position"], args: [...PAPER, "--direction", "up"], names: ["--direction", '"up"'] },
  { command: ["check-position"], args: [...PAPER, "--ticker", "ET H"], names: ["--ticker", '"ET H"'] },
  {
    command: ["check-position"],
    args: PAPER,
    env: { TIMEZONE: "Mars/Base" },
    names: ["TIMEZONE", '"Mars/Base"'],
  },
  { command: ["cancel-all"], args: [...PAPER, "--ticker", "ET H"], names: ["--ticker", '"ET H"'] },
  { command: ["cancel-all"], args: ["--exchange", "nope"], names: ["--exchange", '"nope"'] },
  {
    command: ["cancel-all"],
    args: [...PAPER, "--close-position"],
    env: { ACCOUNT_NAME: "a/b" },
    names: ["ACCOUNT_NAME", '"a/b"'],
  },
  { command: ["cancel-all"], args: [...PAPER, "--bar"], names: ["--bar"] },
  { command: ["config", "validate"], args: ["--exchange", "nope"], names: ["--exchange", '"nope"'] },
  {
    command: ["config", "validate"],
    args: [...PAPER, "--env-file", "missing-file.env"],
    names: ["--env-file", "missing-file.env"],
  },
];

Deno.test("an invalid flag or setting exits 2 naming it and its value, and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const results = await pooled(
      BAD_FLAGS.map((c, i) => async () => {
        const logDir = `${dir}/case${i}`;
        const extra = [
          ...(c.args.includes("--env-file") ? [] : ["--env-file", envFile]),
          ...((c.command ?? RUN)[0] === "config" ? [] : ["--log-dir", logDir]),
        ];
        const args = [...(c.command ?? RUN), ...c.args, ...extra];
        return { c, args, logDir, result: await runCli(args, { env: c.env ?? {} }) };
      }),
      6,
    );
    for (const { c, args, logDir, result } of results) {
      const what = describeResult(args, result);
      assert.equal(result.code, 2, what);
      for (const name of c.names) {
        assert.ok(result.stderr.includes(name), `stderr should name ${name}: ${what}`);
      }
      assert.equal(result.stdout, "", `nothing on stdout: ${what}`);
      assert.doesNotMatch(result.stderr, /\bat .*\.ts:\d+/, `no stack trace for a usage error: ${what}`);
      assert.equal(await readIfExists(`${logDir}/paper_ETH_state.json`), "", `no paper state: ${what}`);
      assert.deepEqual(await listDir(logDir), [], `nothing in the log directory: ${what}`);
    }
  });
});

Deno.test("--boost is accepted on the paper venue and reported in the summary", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const args = [
      "run",
      ...PAPER,
      "--boost",
      "--virtual-clock",
      "--duration",
      "10m",
      "--log-dir",
      dir,
      "--env-file",
      envFile,
    ];
    const r = await runCli(args);
    const what = describeResult(args, r);
    assert.equal(r.code, 0, what);
    assert.match(r.stdout, /^=== Summary ===$/m, what);
    assert.match(r.stdout, /^Boost cycles: [1-9]\d* \| volume: /m, what);
    assert.match(r.stdout, /^Position left: 0$/m, `boost closes every fill: ${what}`);
  });
});

/** Names the CLI accepts but this build refuses to trade on (see `AVAILABLE_EXCHANGES`). */
const NOT_AVAILABLE: readonly string[] = EXCHANGE_NAMES.filter((name) => !AVAILABLE_EXCHANGES.has(name));

Deno.test({
  name: "a venue this build cannot trade on exits 2 with a clear message",
  ignore: NOT_AVAILABLE.length === 0,
}, async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const cases = [
      ...NOT_AVAILABLE.map((x) => ({ args: ["run", "--exchange", x], exchange: x })),
      // Without --exchange, run uses the documented default, edgex.
      ...(NOT_AVAILABLE.includes("edgex") ? [{ args: ["run"], exchange: "edgex" }] : []),
      ...NOT_AVAILABLE.slice(0, 1).flatMap((x) => [
        { args: ["check-position", "--exchange", x], exchange: x },
        { args: ["cancel-all", "--exchange", x, "--close-position"], exchange: x },
      ]),
    ];
    const results = await pooled(
      cases.map((c, i) => async () => {
        const logDir = `${dir}/case${i}`;
        const args = [...c.args, "--log-dir", logDir, "--env-file", envFile];
        return { c, args, logDir, result: await runCli(args) };
      }),
      6,
    );
    for (const { c, args, logDir, result } of results) {
      const what = describeResult(args, result);
      assert.equal(result.code, 2, what);
      assert.ok(result.stderr.includes("--exchange"), what);
      assert.ok(result.stderr.includes(`${c.exchange} is not available`), what);
      assert.ok(result.stderr.includes("paper"), `suggests the paper venue: ${what}`);
      assert.equal(result.stdout, "", what);
      assert.equal(await readIfExists(`${logDir}/${c.exchange}_ETH_state.json`), "", what);
    }
  });
});

Deno.test({
  name: "run on a venue this build cannot trade on leaves no log files behind",
  ignore: NOT_AVAILABLE.length === 0,
}, async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/empty.env`, "");
    const logDir = `${dir}/logs`;
    const args = ["run", "--exchange", NOT_AVAILABLE[0]!, "--log-dir", logDir, "--env-file", envFile];
    const r = await runCli(args);
    assert.equal(r.code, 2, describeResult(args, r));
    // A refused command (exit 2: nothing was sent to a venue) leaves no trace, not even an empty CSV.
    assert.deepEqual(await listDir(logDir), [], `nothing in the log directory: ${describeResult(args, r)}`);
  });
});

/** `--help` options as `flag → the rest of its (unwrapped) help text`. */
function helpOptions(help: string): Map<string, string> {
  const options = new Map<string, string>();
  let current: string | undefined;
  const section = help.split(/^Options:$/m)[1] ?? "";
  for (const line of section.split("\n")) {
    const start = /^ {2}(?:-\w, )?(--[a-z-]+)(.*)$/.exec(line);
    if (start) {
      current = start[1]!;
      options.set(current, start[2]!.trim());
    } else if (current !== undefined && /^\s+\S/.test(line)) {
      options.set(current, `${options.get(current)} ${line.trim()}`);
    } else current = undefined;
  }
  return options;
}

/** Each command's flags and the default `--help` must show (`undefined` = none shown). */
const HELP: readonly { command: readonly string[]; flags: readonly [string, string | undefined][] }[] = [
  {
    command: ["run"],
    flags: [
      ["--exchange", '"edgex"'],
      ["--ticker", '"ETH"'],
      ["--quantity", '"0.1"'],
      ["--take-profit", '"0.02"'],
      ["--direction", '"buy"'],
      ["--max-orders", '"40"'],
      ["--wait-time", '"450"'],
      ["--grid-step", '"-100"'],
      ["--stop-price", '"-1"'],
      ["--pause-price", '"-1"'],
      ["--boost", "false"],
      ["--duration", undefined],
      ["--env-file", '".env"'],
      ["--log-dir", '"logs"'],
      ["--virtual-clock", "false"],
    ],
  },
  {
    command: ["check-position"],
    flags: [
      ["--exchange", '"edgex"'],
      ["--ticker", '"ETH"'],
      ["--quantity", '"0.1"'],
      ["--direction", '"buy"'],
      ["--env-file", '".env"'],
      ["--log-dir", '"logs"'],
      ["--json", "false"],
    ],
  },
  {
    command: ["cancel-all"],
    flags: [
      ["--exchange", '"edgex"'],
      ["--ticker", '"ETH"'],
      ["--close-position", "false"],
      ["--env-file", '".env"'],
      ["--log-dir", '"logs"'],
      ["--json", "false"],
    ],
  },
  {
    command: ["config", "validate"],
    flags: [
      ["--exchange", undefined],
      ["--env-file", '".env"'],
      ["--json", "false"],
    ],
  },
];

Deno.test("--help of every command exits 0 and lists each flag with its default", async () => {
  const results = await pooled(HELP.map((h) => () => runCli([...h.command, "--help"])), 4);
  HELP.forEach((h, i) => {
    const r = results[i]!;
    const what = describeResult([...h.command, "--help"], r);
    assert.equal(r.code, 0, what);
    assert.match(r.stdout, new RegExp(`^Usage: perpbot ${h.command.join(" ")} \\[options\\]`, "m"), what);
    const options = helpOptions(r.stdout);
    for (const [flag, value] of h.flags) {
      const text = options.get(flag);
      assert.ok(text !== undefined, `${flag} is listed: ${what}`);
      if (value === undefined) assert.doesNotMatch(text, /\(default:/, `${flag} has no default: ${what}`);
      else assert.ok(text.includes(`(default: ${value})`), `${flag} shows (default: ${value}): ${what}`);
    }
    // The exchange help names every venue.
    for (const venue of ["edgex", "backpack", "paradex", "aster", "lighter", "paper"]) {
      assert.ok(options.get("--exchange")!.includes(venue), `--exchange help names ${venue}: ${what}`);
    }
    assert.ok(options.has("--help"), what);
  });
});

Deno.test("--version prints the version of deno.json; bare --help lists the commands", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}deno.json`)) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  const [long, short, help] = await pooled([
    () => runCli(["--version"]),
    () => runCli(["-V"]),
    () => runCli(["--help"]),
  ], 3);
  for (const [flag, r] of [["--version", long!], ["-V", short!]] as const) {
    assert.equal(r.code, 0, describeResult([flag], r));
    assert.equal(r.stdout.trim(), `perpbot ${version} (commit source)`, describeResult([flag], r));
  }
  assert.equal(help!.code, 0, describeResult(["--help"], help!));
  for (const command of ["run", "check-position", "cancel-all", "config"]) {
    assert.match(help!.stdout, new RegExp(`^ {2}${command} `, "m"), describeResult(["--help"], help!));
  }
});

Deno.test("an unknown command exits 2", async () => {
  const r = await runCli(["sell-everything"]);
  assert.equal(r.code, 2, describeResult(["sell-everything"], r));
  assert.ok(r.stderr.includes("sell-everything"), describeResult(["sell-everything"], r));
});
