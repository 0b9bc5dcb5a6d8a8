/**
 * `perpbot config validate` through the real command line: exit codes, one line per check, `--json`, the
 * permission warning, and no secret in the output.
 */
import assert from "node:assert/strict";
import {
  copyEnvFixture,
  describeResult,
  pooled,
  readEnvFixture,
  runCli,
  withTempDir,
  writeEnvFile,
} from "./cli_helpers.ts";

/** Variables whose values must never be printed, whatever the check says about them. */
const SECRETS = [
  "BACKPACK_SECRET_KEY",
  "ASTER_SIGNER_PRIVATE_KEY",
  "TELEGRAM_BOT_TOKEN",
  "LARK_TOKEN",
] as const;

interface ValidateCase {
  readonly fixture: string;
  readonly exchange: string;
  readonly code: 0 | 2;
  /** Statuses some checks must have. */
  readonly expect: Readonly<Record<string, "ok" | "missing" | "invalid" | "warning">>;
  /** Values that must not be printed beyond the secrets (e.g. a secret stored under the wrong name). */
  readonly alsoHidden?: readonly string[];
}

const CASES: readonly ValidateCase[] = [
  {
    fixture: "paper_good.env",
    exchange: "paper",
    code: 0,
    expect: {
      ACCOUNT_NAME: "ok",
      TIMEZONE: "ok",
      TELEGRAM_BOT_TOKEN: "ok",
      TELEGRAM_CHAT_ID: "ok",
      LARK_TOKEN: "ok",
    },
  },
  {
    fixture: "paper_bad.env",
    exchange: "paper",
    code: 2,
    expect: { TIMEZONE: "invalid", TELEGRAM_CHAT_ID: "invalid", TELEGRAM_BOT_TOKEN: "ok" },
  },
  {
    fixture: "backpack_good.env",
    exchange: "backpack",
    code: 0,
    expect: { BACKPACK_PUBLIC_KEY: "ok", BACKPACK_SECRET_KEY: "ok", TIMEZONE: "ok" },
  },
  {
    fixture: "backpack_bad.env",
    exchange: "backpack",
    code: 2,
    expect: { BACKPACK_PUBLIC_KEY: "invalid" },
    // The keys are swapped: the variable named PUBLIC holds the secret seed.
    alsoHidden: ["BACKPACK_PUBLIC_KEY"],
  },
  {
    fixture: "aster_good.env",
    exchange: "aster",
    code: 0,
    expect: { ASTER_USER: "ok", ASTER_SIGNER: "ok", ASTER_SIGNER_PRIVATE_KEY: "ok", ASTER_ENVIRONMENT: "ok" },
  },
  {
    fixture: "aster_bad.env",
    exchange: "aster",
    code: 2,
    expect: { ASTER_SIGNER: "invalid", ASTER_ENVIRONMENT: "invalid", ASTER_SIGNER_PRIVATE_KEY: "ok" },
  },
];

const CHECK_LINE = /^(ok|missing|invalid|warning) +([A-Z0-9_]+) +(\S.*)$/;

interface JsonCheck {
  variable: string;
  status: string;
  message: string;
}

interface JsonReport {
  exchange: string;
  ok: boolean;
  counts: Record<string, number>;
  checks: JsonCheck[];
}

interface JsonOutput {
  source: string;
  warnings: string[];
  ok: boolean;
  reports: JsonReport[];
}

/** Every form a secret could be printed in: as written, without `0x`, and its longer halves. */
function secretForms(value: string): string[] {
  const bare = value.replace(/^0x/i, "");
  const half = Math.ceil(bare.length / 2);
  return [value, bare, bare.slice(0, half + 1), bare.slice(half - 1)];
}

Deno.test("config validate: good and bad env files, one line per check, --json, no secret printed", async () => {
  await withTempDir(async (dir) => {
    const runs = await pooled(
      CASES.map((c) => async () => {
        const file = await copyEnvFixture(c.fixture, dir);
        const args = ["config", "validate", "--exchange", c.exchange, "--env-file", file];
        const [text, json] = await Promise.all([runCli(args), runCli([...args, "--json"])]);
        return { c, args, file, text, json, vars: await readEnvFixture(c.fixture) };
      }),
      4,
    );
    for (const { c, args, file, text, json, vars } of runs) {
      const what = describeResult(args, text);
      const whatJson = describeResult([...args, "--json"], json);
      assert.equal(text.code, c.code, what);
      assert.equal(json.code, c.code, whatJson);

      const lines = text.stdout.trimEnd().split("\n");
      assert.equal(lines[0], `Source: env file ${file}, under the process environment`, what);
      const checks = lines.filter((l) => CHECK_LINE.test(l)).map((l) => CHECK_LINE.exec(l)!);
      // Every line is the source, a check, or the verdict: nothing else (the file is mode 600: no warning).
      assert.equal(lines.length, checks.length + 2, what);
      const verdict = lines[lines.length - 1]!;
      if (c.code === 0) {
        assert.match(verdict, new RegExp(`^OK: ${c.exchange} configuration is complete`), what);
      } else assert.match(verdict, new RegExp(`^FAILED: ${c.exchange} configuration has `), what);

      const parsed = JSON.parse(json.stdout) as JsonOutput;
      assert.equal(parsed.ok, c.code === 0, whatJson);
      assert.deepEqual(parsed.warnings, [], whatJson);
      assert.equal(parsed.source, `env file ${file}`, whatJson);
      assert.equal(parsed.reports.length, 1, whatJson);
      const report = parsed.reports[0]!;
      assert.equal(report.exchange, c.exchange, whatJson);
      assert.equal(report.ok, c.code === 0, whatJson);
      // The text report and the JSON one list the same checks, in the same order.
      assert.deepEqual(
        checks.map((m) => [m[1], m[2], m[3]]),
        report.checks.map((k) => [k.status, k.variable, k.message]),
        `${what}\n${whatJson}`,
      );
      const counted: Record<string, number> = { ok: 0, missing: 0, invalid: 0, warning: 0 };
      for (const k of report.checks) counted[k.status]!++;
      assert.deepEqual(report.counts, counted, whatJson);
      // One line per variable: no variable is reported twice.
      const variables = report.checks.map((k) => k.variable);
      assert.equal(new Set(variables).size, variables.length, whatJson);
      for (const [variable, status] of Object.entries(c.expect)) {
        const found = report.checks.filter((k) => k.variable === variable);
        assert.deepEqual(found.map((k) => k.status), [status], `${variable} is ${status}: ${whatJson}`);
      }
      assert.equal(report.checks.some((k) => k.status === "invalid" || k.status === "missing"), c.code === 2);

      const hidden = [...SECRETS, ...(c.alsoHidden ?? [])].map((v) => vars[v]).filter((v) => v !== undefined);
      assert.ok(hidden.length > 0, `the fixture ${c.fixture} holds a secret to look for`);
      for (const secret of hidden) {
        for (const form of secretForms(secret)) {
          for (
            const [name, out] of [["stdout", text.stdout], ["stderr", text.stderr], ["json", json.stdout]]
          ) {
            assert.ok(
              !out!.includes(form),
              `${name} of ${c.fixture} must not contain a secret (${form.length} chars)`,
            );
          }
        }
      }
      assert.equal(text.stderr, "", what);
      assert.equal(json.stderr, "", whatJson);
    }
  });
});

Deno.test("config validate: an env file readable by others is named with a chmod 600 warning", async () => {
  await withTempDir(async (dir) => {
    const open = await copyEnvFixture("paper_good.env", dir, 0o644);
    const closed = await copyEnvFixture("backpack_good.env", dir, 0o600);
    const args = (file: string, json: boolean) => [
      "config",
      "validate",
      "--env-file",
      file,
      ...(json ? ["--json"] : []),
    ];
    const [openText, openJson, closedText, closedJson] = await pooled(
      [args(open, false), args(open, true), args(closed, false), args(closed, true)].map((a) => () =>
        runCli(a)
      ),
      4,
    );
    const what = describeResult(args(open, false), openText!);
    // A readable file is a warning, not a failure.
    assert.equal(openText!.code, 0, what);
    const warnings = openText!.stdout.split("\n").filter((l) => l.startsWith("warning "));
    assert.equal(warnings.length, 1, what);
    assert.ok(warnings[0]!.includes(open), `names the file: ${what}`);
    assert.ok(warnings[0]!.includes("chmod 600"), `says how to fix it: ${what}`);
    assert.ok(warnings[0]!.includes("644"), `shows the mode: ${what}`);
    const parsed = JSON.parse(openJson!.stdout) as JsonOutput;
    assert.equal(parsed.ok, true);
    assert.equal(parsed.warnings.length, 1, openJson!.stdout);
    assert.ok(parsed.warnings[0]!.includes(open) && parsed.warnings[0]!.includes("chmod 600"));

    assert.equal(closedText!.code, 0, describeResult(args(closed, false), closedText!));
    assert.doesNotMatch(
      closedText!.stdout,
      /chmod|^warning /m,
      describeResult(args(closed, false), closedText!),
    );
    assert.doesNotMatch(closedText!.stderr, /chmod/);
    assert.deepEqual((JSON.parse(closedJson!.stdout) as JsonOutput).warnings, []);
    // Without --exchange the venue is found from its variables.
    assert.deepEqual((JSON.parse(closedJson!.stdout) as JsonOutput).reports.map((r) => r.exchange), [
      "backpack",
    ]);
    assert.deepEqual(parsed.reports.map((r) => r.exchange), ["paper"]);
  });
});

Deno.test("config validate: the process environment wins over the env file", async () => {
  await withTempDir(async (dir) => {
    const file = await copyEnvFixture("paper_bad.env", dir);
    const args = ["config", "validate", "--exchange", "paper", "--env-file", file, "--json"];
    const r = await runCli(args, { env: { TIMEZONE: "UTC", TELEGRAM_CHAT_ID: "-100123" } });
    assert.equal(r.code, 0, describeResult(args, r));
    const report = (JSON.parse(r.stdout) as JsonOutput).reports[0]!;
    const timezone = report.checks.find((k) => k.variable === "TIMEZONE");
    assert.deepEqual(timezone, { variable: "TIMEZONE", status: "ok", message: "UTC" });
  });
});

Deno.test("config validate: an empty paper environment passes; a missing named file exits 2", async () => {
  await withTempDir(async (dir) => {
    const file = await writeEnvFile(`${dir}/empty.env`, "");
    const good = ["config", "validate", "--exchange", "paper", "--env-file", file];
    const missing = ["config", "validate", "--exchange", "paper", "--env-file", `${dir}/nope.env`];
    const backpack = ["config", "validate", "--exchange", "backpack", "--env-file", file, "--json"];
    const [a, b, c] = await pooled([good, missing, backpack].map((args) => () => runCli(args)), 3);
    assert.equal(a!.code, 0, describeResult(good, a!));
    assert.match(a!.stdout, /^OK: paper configuration is complete$/m, describeResult(good, a!));
    assert.equal(b!.code, 2, describeResult(missing, b!));
    assert.ok(b!.stderr.includes("--env-file") && b!.stderr.includes(`${dir}/nope.env`), b!.stderr);
    // A venue whose keys are absent: each is reported missing.
    assert.equal(c!.code, 2, describeResult(backpack, c!));
    const report = (JSON.parse(c!.stdout) as JsonOutput).reports[0]!;
    for (const v of ["BACKPACK_PUBLIC_KEY", "BACKPACK_SECRET_KEY"]) {
      assert.equal(report.checks.find((k) => k.variable === v)?.status, "missing", c!.stdout);
    }
  });
});
