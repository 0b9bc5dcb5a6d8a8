/**
 * `deno task compile [--target <t>]`: one self-contained binary per platform in `dist/`, with the
 * permissions of {@link releasePermissions} baked in.
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };
import { permissionFlags, releasePermissions } from "./permissions.ts";

/** Targets built by default. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** Output file of a target. */
export function outputPath(target: string): string {
  return `dist/perpbot-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The `deno compile` arguments for one target. */
export function compileArgs(target: string): string[] {
  return [
    "compile",
    ...permissionFlags(releasePermissions()),
    "--target",
    target,
    "--output",
    outputPath(target),
    "main.ts",
  ];
}

async function main(args: string[]): Promise<number> {
  const i = args.indexOf("--target");
  const targets: readonly string[] = i >= 0 ? [args[i + 1] ?? ""] : TARGETS;
  for (const t of targets) {
    if (!(TARGETS as readonly string[]).includes(t)) {
      console.error(`Unknown target "${t}"; choose one of ${TARGETS.join(", ")}`);
      return 2;
    }
  }
  const commit = await gitCommit();
  const original = await Deno.readTextFile(BUILD_INFO);
  await Deno.writeTextFile(
    BUILD_INFO,
    original.replace(/COMMIT: string = "[^"]*"/, `COMMIT: string = "${commit}"`),
  );
  try {
    return await build(targets, commit);
  } finally {
    await Deno.writeTextFile(BUILD_INFO, original);
  }
}

const BUILD_INFO = new URL("../bot/build_info.ts", import.meta.url);

async function gitCommit(): Promise<string> {
  try {
    const out = await new Deno.Command("git", { args: ["rev-parse", "--short=12", "HEAD"], stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
  } catch {
    return "unknown";
  }
}

async function build(targets: readonly string[], commit: string): Promise<number> {
  for (const target of targets) {
    console.error(`Building ${outputPath(target)} (perpbot ${denoJson.version}, commit ${commit})`);
    const out = await new Deno.Command(Deno.execPath(), { args: compileArgs(target), stderr: "piped" })
      .output();
    if (!out.success) {
      const text = new TextDecoder().decode(out.stderr);
      if (/dns error|failed to lookup|error sending request|Connection refused|timed out/i.test(text)) {
        console.error(
          `Cannot build ${target}: deno compile could not download the Deno runtime for it (no network access).`,
        );
      } else {
        console.error(`Cannot build ${target}: ${text.trim().split("\n").at(-1)}`);
      }
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
