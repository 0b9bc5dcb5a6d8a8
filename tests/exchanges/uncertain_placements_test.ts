import assert from "node:assert/strict";
import { UNCERTAIN_MARGIN_MS, UncertainPlacements } from "../../exchanges/uncertain_placements.ts";

Deno.test("uncertain placements: the wait ends when the signed window (plus a margin) has passed", () => {
  const u = new UncertainPlacements();
  assert.equal(u.has("7"), false);
  assert.equal(u.waitMs("7", 0), 0);
  u.mark("7", 1000, 5000);
  assert.equal(u.has("7"), true);
  const cases: [number, number][] = [
    [1000, 5000 + UNCERTAIN_MARGIN_MS],
    [4000, 2000 + UNCERTAIN_MARGIN_MS],
    [6000 + UNCERTAIN_MARGIN_MS, 0],
    [99_999, 0],
  ];
  for (const [now, wait] of cases) assert.equal(u.waitMs("7", now), wait, `at ${now}`);
  // A later send of the same placement replaces the deadline.
  u.mark("7", 10_000, 5000);
  assert.equal(u.waitMs("7", 10_000), 5000 + UNCERTAIN_MARGIN_MS);
  u.clear("7");
  assert.equal(u.has("7"), false);
  assert.equal(u.waitMs("7", 10_000), 0);
});

Deno.test("uncertain placements: bounded, the oldest forgotten first", () => {
  const u = new UncertainPlacements(2);
  u.mark("a", 0, 1);
  u.mark("b", 0, 1);
  u.mark("a", 0, 1); // again: now the newest
  u.mark("c", 0, 1);
  assert.deepEqual(["a", "b", "c"].map((id) => u.has(id)), [true, false, true]);
  assert.equal(u.size, 2);
  assert.throws(() => new UncertainPlacements(0), /at least one/);
});
