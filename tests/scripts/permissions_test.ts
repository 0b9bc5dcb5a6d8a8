import assert from "node:assert/strict";
import { permissionFlags, releasePermissions } from "../../scripts/permissions.ts";
import { compileArgs, outputPath, TARGETS } from "../../scripts/compile.ts";
import { ALL_ENV_VARS } from "../../bot/env_vars.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function perpbot(cwd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...permissionFlags(releasePermissions()), MAIN, ...args],
    cwd,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("the release permissions are explicit lists: no blanket permission", () => {
  const flags = permissionFlags(releasePermissions());
  for (const f of flags) assert.ok(f === "--no-prompt" || /^--allow-(net|env|read|write)=\S+$/.test(f), f);
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"));
  assert.deepEqual(flags.find((f) => f.startsWith("--allow-write=")), "--allow-write=logs");
  assert.deepEqual(flags.find((f) => f.startsWith("--allow-read=")), "--allow-read=.env,logs");
  const net = flags.find((f) => f.startsWith("--allow-net="))!.slice("--allow-net=".length).split(",");
  assert.ok(net.includes("api.telegram.org") && net.includes("www.feishu.cn"));
  assert.deepEqual(
    flags.find((f) => f.startsWith("--allow-env="))!.slice("--allow-env=".length).split(","),
    [...ALL_ENV_VARS],
  );
});

Deno.test("compile builds every target with the same permission flags", () => {
  assert.equal(TARGETS.length, 5);
  for (const t of TARGETS) {
    const args = compileArgs(t);
    assert.deepEqual(args.slice(1, -5), permissionFlags(releasePermissions()));
    assert.equal(args[args.indexOf("--output") + 1], outputPath(t));
  }
  assert.equal(outputPath("x86_64-pc-windows-msvc"), "dist/perpbot-x86_64-pc-windows-msvc.exe");
});

Deno.test("with exactly the release permissions: a paper run works, other hosts and files are denied", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ok = await perpbot(dir, ["run", "--exchange", "paper", "--virtual-clock", "--duration", "1h"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /=== Summary ===/);
    const check = await perpbot(dir, ["check-position", "--exchange", "paper", "--json"]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(JSON.parse(check.stdout).verdict, "consistent");

    // A notification to a host outside the list is refused by the runtime before any connection is made.
    const denied = await perpbot(
      dir,
      ["run", "--exchange", "paper", "--virtual-clock", "--stop-price", "1"],
      {
        TELEGRAM_BOT_TOKEN: "123456:secret-token-value",
        TELEGRAM_CHAT_ID: "42",
        TELEGRAM_BASE_URL: "https://notify.example.invalid",
      },
    );
    assert.equal(denied.code, 3, denied.stderr);
    assert.match(
      denied.stderr,
      /Notification via Telegram failed: .*net access to "notify\.example\.invalid/,
    );
    assert.ok(!denied.stderr.includes("secret-token-value"));

    // A file outside .env and logs/ cannot be read.
    const outside = await Deno.makeTempFile();
    try {
      const read = await perpbot(dir, ["config", "validate", "--env-file", outside]);
      assert.equal(read.code, 2);
      assert.match(read.stderr, /Requires read access/);
      assert.match(read.stderr, /--env-file/);
    } finally {
      await Deno.remove(outside);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
