/**
 * Secrets through the real command line: keys are never flags, and known secret values in an env file reach
 * no output (stdout, stderr, every file of the log directory, notification bodies) when notifications fail
 * with the token echoed, when a command crashes with a secret in its error, and when an error escapes every
 * handler.
 */
import assert from "node:assert/strict";
import { findLeaks, TEST_SECRETS } from "../fakes/secrets.ts";
import {
  baseEnv,
  describeResult,
  listDir,
  pooled,
  REPO_ROOT,
  runCli,
  withTempDir,
  writeEnvFile,
} from "./cli_helpers.ts";

const decoder = new TextDecoder();

/** An env file holding every test secret, and the loopback notification hosts. */
function envText(notifyBase: string): string {
  const lines = Object.entries(TEST_SECRETS).map(([k, v]) => `${k}='${v}'`);
  return [
    "# Test values, not credentials.",
    ...lines,
    "TELEGRAM_CHAT_ID=-100777",
    `TELEGRAM_BASE_URL=${notifyBase}`,
    `LARK_BASE_URL=${notifyBase}`,
    "TIMEZONE=UTC",
    "",
  ].join("\n");
}

/** Every file under `dir`, by name, as text. */
async function filesIn(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await listDir(dir)) out[name] = await Deno.readTextFile(`${dir}/${name}`);
  return out;
}

/**
 * A notification service that refuses everything with 403 and echoes the request (path with the token,
 * headers and body) in its answer, as a careless proxy would.
 */
async function echoingServer(): Promise<{ base: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => listening.resolve(port),
      onError: () => new Response(null, { status: 500 }),
    },
    async (req) => {
      const body = await req.text();
      bodies.push(body);
      const headers = JSON.stringify(Object.fromEntries(req.headers));
      return new Response(`denied ${new URL(req.url).pathname} ${headers} ${body}`, { status: 403 });
    },
  );
  const port = await listening.promise;
  return { base: `http://127.0.0.1:${port}`, bodies, close: () => server.shutdown() };
}

Deno.test("no flag accepts a key: secret-like options are unknown, and their value is never echoed", async () => {
  const value = TEST_SECRETS.ASTER_SIGNER_PRIVATE_KEY;
  const flags = [
    "--secret-key",
    "--private-key",
    "--api-key",
    "--api-secret",
    "--token",
    "--stark-private-key",
  ];
  const commands = [["run"], ["check-position"], ["cancel-all"], ["config", "validate"]];
  // Each flag in both spellings (`--flag value`, `--flag=value`), spread over the commands.
  const cases = flags.flatMap((f, i) => {
    const command = commands[i % commands.length]!;
    return [[...command, f, value], [...command, `${f}=${value}`]];
  });
  // A key pasted as an argument is refused without being echoed either.
  cases.push(["run", value], ["config", "validate", value]);
  const results = await pooled(cases.map((args) => () => runCli(args)), 4);
  results.forEach((r, i) => {
    const args = cases[i]!;
    const what = describeResult(args, r);
    assert.equal(r.code, 2, what);
    assert.match(r.stderr, /unknown option '--[a-z-]+(=…)?'|too many arguments/, what);
    assert.deepEqual(findLeaks({ stdout: r.stdout, stderr: r.stderr }, { value }), [], what);
  });
});

Deno.test("run: notifications refused with the token echoed leave no secret in any output", async () => {
  const notify = await echoingServer();
  try {
    await withTempDir(async (dir) => {
      // Readable by others on purpose: the warning must name the file and the fix.
      const envFile = await writeEnvFile(`${dir}/keys.env`, envText(notify.base), 0o644);
      const logDir = `${dir}/logs`;
      // A stop price below the market stops the buy bot at once, with a notification (exit 3).
      const args = [
        "run",
        "--exchange",
        "paper",
        "--virtual-clock",
        "--duration",
        "10m",
        "--stop-price",
        "1",
        "--env-file",
        envFile,
        "--log-dir",
        logDir,
      ];
      const r = await runCli(args);
      const what = describeResult(args, r);
      assert.equal(r.code, 3, what);
      assert.match(r.stderr, new RegExp(`WARNING: The env file ${envFile} .*chmod 600 ${envFile}`), what);
      // Both channels were tried and failed, and said so.
      assert.equal(notify.bodies.length, 2, what);
      assert.match(r.stderr, /Notification via Telegram failed: HTTP 403: denied/, what);
      assert.match(r.stderr, /Notification via Lark failed: HTTP 403: denied/, what);
      const files = await filesIn(logDir);
      assert.ok(Object.keys(files).some((n) => n.endsWith("_activity.log")), Object.keys(files).join(", "));
      assert.ok(Object.keys(files).some((n) => n.endsWith("_orders.csv")), Object.keys(files).join(", "));
      const outputs: Record<string, string> = { stdout: r.stdout, stderr: r.stderr };
      for (const [name, text] of Object.entries(files)) outputs[`logs/${name}`] = text;
      notify.bodies.forEach((b, i) => outputs[`notification ${i}`] = b);
      assert.deepEqual(findLeaks(outputs, TEST_SECRETS), [], what);
      assert.match(files[Object.keys(files).find((n) => n.endsWith("_activity.log"))!]!, /\[REDACTED\]/);
    });
  } finally {
    await notify.close();
  }
});

Deno.test("run stopped by an error naming a secret: log, notifications, stderr and exit code", async () => {
  const notify = await echoingServer();
  try {
    await withTempDir(async (dir) => {
      const envFile = await writeEnvFile(`${dir}/keys.env`, envText(notify.base));
      // The log directory is named after a key (upper case, without 0x) and holds a damaged paper account:
      // connecting fails with an error quoting the path.
      const logDir = `${dir}/${TEST_SECRETS.EDGEX_STARK_PRIVATE_KEY.slice(2).toUpperCase()}`;
      await Deno.mkdir(logDir);
      await Deno.writeTextFile(`${logDir}/paper_ETH_state.json`, "{ damaged");
      const args = ["run", "--exchange", "paper", "--env-file", envFile, "--log-dir", logDir];
      const r = await runCli(args);
      const what = describeResult(args, r);
      assert.equal(r.code, 4, what);
      assert.match(
        r.stderr,
        /^perpbot: Cannot connect to paper: The paper state file .*\[REDACTED\].* is damaged/m,
        what,
      );
      const files = await filesIn(logDir);
      const activity = files["paper_ETH_activity.log"] ?? "";
      assert.match(activity, /ERROR - \[PAPER_ETH\] Bot stopped by an error: .*\[REDACTED\]/, what);
      // The error was sent to both channels (which refused it).
      assert.equal(notify.bodies.length, 2, what);
      for (const b of notify.bodies) assert.match(b, /perpbot stopped by an error: .*\[REDACTED\]/);
      const outputs: Record<string, string> = { stdout: r.stdout, stderr: r.stderr };
      for (const [name, text] of Object.entries(files)) outputs[`logs/${name}`] = text;
      notify.bodies.forEach((b, i) => outputs[`notification ${i}`] = b);
      assert.deepEqual(findLeaks(outputs, TEST_SECRETS), [], what);
    });
  } finally {
    await notify.close();
  }
});

Deno.test("a command that crashes with a secret in its error prints it redacted, stack included", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/keys.env`, envText("http://127.0.0.1:9"));
    await Deno.writeTextFile(`${dir}/file`, "");
    // The log directory cannot be created (its parent is a file) and its path holds a secret.
    const secretDir = `${dir}/file/${TEST_SECRETS.LARK_TOKEN}`;
    const commands = [
      ["run", "--exchange", "paper", "--virtual-clock", "--duration", "1m"],
      ["check-position", "--exchange", "paper"],
      ["cancel-all", "--exchange", "paper"],
    ];
    for (const command of commands) {
      const args = [...command, "--env-file", envFile, "--log-dir", secretDir];
      const r = await runCli(args);
      const what = describeResult(args, r);
      assert.equal(r.code, 1, what);
      assert.match(r.stderr, /^perpbot: Not a directory.*\[REDACTED\]/m, what);
      assert.match(r.stderr, /^\s+at /m, `the stack is printed: ${what}`);
      assert.deepEqual(findLeaks({ stdout: r.stdout, stderr: r.stderr }, TEST_SECRETS), [], what);
    }
  });
});

Deno.test("an error that escapes every handler is printed redacted and exits 1", async () => {
  await withTempDir(async (dir) => {
    const envFile = await writeEnvFile(`${dir}/keys.env`, envText("http://127.0.0.1:9"));
    for (const mode of ["throw", "reject"]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--allow-all",
          "tests/cli/uncaught_fixture.ts",
          mode,
          envFile,
          `${dir}/logs`,
        ],
        cwd: REPO_ROOT,
        env: baseEnv(),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const r = { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
      const what = describeResult(["uncaught_fixture.ts", mode], r);
      assert.equal(r.code, 1, what);
      assert.match(r.stderr, /^perpbot: unexpected error: .*with key \[REDACTED\]/m, what);
      assert.deepEqual(findLeaks({ stdout: r.stdout, stderr: r.stderr }, TEST_SECRETS), [], what);
    }
  });
});
