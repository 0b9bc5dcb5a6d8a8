/** The environment: a dotenv file under the process variables, and a warning for a file others can read. */
import assert from "node:assert/strict";
import { loadEnv } from "../../bot/env.ts";
import { ConfigError } from "../../bot/errors.ts";

const notFound = () => {
  throw new Deno.errors.NotFound("no such file");
};

Deno.test("the process environment wins over the env file", () => {
  const file = "A=from-file\nB=from-file\n# a comment\nC='quoted value'\nD=\"double # not a comment\"\n";
  const loaded = loadEnv(".env", false, { A: "from-process", E: "process-only" }, {
    readFile: () => file,
    mode: () => 0o100600,
  });
  assert.deepEqual(loaded.env, {
    A: "from-process",
    B: "from-file",
    C: "quoted value",
    D: "double # not a comment",
    E: "process-only",
  });
  assert.equal(loaded.file, ".env");
  assert.deepEqual(loaded.warnings, []);
});

Deno.test("an empty process value still wins (the user set it on purpose)", () => {
  const loaded = loadEnv(".env", false, { A: "" }, { readFile: () => "A=file\n", mode: () => 0o600 });
  assert.equal(loaded.env.A, "");
});

Deno.test("a missing default env file is fine; a missing explicit one is a ConfigError naming it", () => {
  const processEnv = { X: "1" };
  const loaded = loadEnv(".env", false, processEnv, { readFile: notFound, mode: () => 0o600 });
  assert.deepEqual(loaded, { env: { X: "1" }, file: undefined, warnings: [] });
  assert.throws(
    () => loadEnv("/nowhere/account-2.env", true, processEnv, { readFile: notFound, mode: () => 0o600 }),
    (e: unknown) =>
      e instanceof ConfigError && e.field === "--env-file" && e.message.includes("/nowhere/account-2.env") &&
      /not found/.test(e.message),
  );
});

Deno.test("an env file that cannot be read is a ConfigError even when it is the default", () => {
  const denied = () => {
    throw new Deno.errors.PermissionDenied("permission denied");
  };
  for (const explicit of [false, true]) {
    assert.throws(
      () => loadEnv(".env", explicit, {}, { readFile: denied, mode: () => 0o600 }),
      (e: unknown) =>
        e instanceof ConfigError && e.field === "--env-file" && e.message.includes(".env") &&
        e.message.includes("permission denied"),
    );
  }
});

Deno.test("a file readable by group or others gets a warning naming it and chmod 600", () => {
  const table: [mode: number, warns: boolean][] = [
    [0o100600, false],
    [0o100400, false],
    [0o100700, false],
    [0o100644, true],
    [0o100640, true],
    [0o100604, true],
    [0o100660, true],
    [0o100777, true],
    [0o100601, true],
  ];
  for (const [mode, warns] of table) {
    const loaded = loadEnv("keys/main.env", true, {}, { readFile: () => "K=v\n", mode: () => mode });
    if (!warns) {
      assert.deepEqual(loaded.warnings, [], mode.toString(8));
      continue;
    }
    assert.equal(loaded.warnings.length, 1, mode.toString(8));
    const warning = loaded.warnings[0]!;
    assert.ok(warning.includes("keys/main.env"), warning);
    assert.ok(warning.includes("chmod 600 keys/main.env"), warning);
    assert.ok(warning.includes(`mode ${(mode & 0o777).toString(8)}`), warning);
    assert.equal(loaded.env.K, "v");
  }
});

Deno.test("an unknown mode (Windows, or stat failing) gives no warning", () => {
  const nullMode = loadEnv(".env", false, {}, { readFile: () => "K=v", mode: () => null });
  assert.deepEqual(nullMode.warnings, []);
  const failing = loadEnv(".env", false, {}, {
    readFile: () => "K=v",
    mode: () => {
      throw new Error("stat failed");
    },
  });
  assert.deepEqual(failing.warnings, []);
  assert.equal(failing.env.K, "v");
});

Deno.test("real files: 0644 warns, 0600 does not, a missing explicit file fails", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "perpbot_env_" });
  try {
    const path = `${dir}/.env`;
    await Deno.writeTextFile(path, "EDGEX_ACCOUNT_ID=123\nTIMEZONE=UTC\n");
    await Deno.chmod(path, 0o644);
    const open = loadEnv(path, false, { TIMEZONE: "Asia/Tokyo" });
    assert.equal(open.file, path);
    assert.deepEqual(open.env, { EDGEX_ACCOUNT_ID: "123", TIMEZONE: "Asia/Tokyo" });
    assert.equal(open.warnings.length, 1);
    assert.ok(open.warnings[0]!.includes(path) && open.warnings[0]!.includes(`chmod 600 ${path}`));
    assert.ok(open.warnings[0]!.includes("mode 644"));

    await Deno.chmod(path, 0o600);
    assert.deepEqual(loadEnv(path, true, {}).warnings, []);

    assert.throws(() => loadEnv(`${dir}/missing.env`, true, {}), ConfigError);
    assert.deepEqual(loadEnv(`${dir}/missing.env`, false, { A: "1" }).env, { A: "1" });
    // A directory in place of the file is not "missing": it is an error the user must see.
    assert.throws(
      () => loadEnv(dir, false, {}),
      (e: unknown) => e instanceof ConfigError && e.message.includes(dir),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
