/** The README's Install and Security sections name what the build scripts actually produce and allow. */
import assert from "node:assert/strict";
import { allowedHosts, releasePermissions } from "../../scripts/permissions.ts";
import { outputPath, TARGETS } from "../../scripts/compile.ts";

const README = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

Deno.test("README Security: the network hosts are exactly the release build's", () => {
  const line = /\*\*Network:\*\* only ([^(]+)\(/.exec(section("Security"));
  assert.ok(line, "a **Network:** line");
  const named = [...line[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
  assert.deepEqual(named, allowedHosts());
});

Deno.test("README Security: the readable and writable paths are the release build's", () => {
  const text = section("Security");
  const p = releasePermissions();
  assert.match(
    text,
    new RegExp(`read ${p.read.map((r) => `\`\\./${r.replace(".", "\\.")}\``).join(" and ")}`),
  );
  assert.match(text, new RegExp(`write ${p.write.map((w) => `\`\\./${w}\``).join(" and ")}`));
});

Deno.test("README Install: one file per release target, and the checksum file the workflow publishes", async () => {
  const text = section("Install");
  const files = [...text.matchAll(/`(perpbot-[a-z0-9_-]+(?:\.exe)?)`/g)].map((m) => m[1]!);
  assert.deepEqual(
    [...new Set(files.filter((f) => !f.includes("<")))].sort(),
    TARGETS.map((t) => outputPath(t).replace(/^dist\//, "")).sort(),
  );
  const workflow = await Deno.readTextFile(new URL("../../.github/workflows/release.yml", import.meta.url));
  assert.match(workflow, /sha256sum perpbot-\* > SHA256SUMS/);
  assert.match(text, /sha256sum -c --ignore-missing SHA256SUMS/);
});
