/** A set bounded to its most recently added values. */
import assert from "node:assert/strict";
import { RecentSet } from "../../exchanges/recent_set.ts";

Deno.test("adding past the limit forgets the oldest; adding again makes a value the newest", () => {
  const table: [ops: string[], kept: string[]][] = [
    [["+a", "+b"], ["a", "b"]],
    [["+a", "+b", "+c", "+d"], ["b", "c", "d"]],
    [["+a", "+b", "+c", "+a", "+d"], ["c", "a", "d"]],
    [["+a", "+b", "-a", "+c", "+d"], ["b", "c", "d"]],
    [["+a", "+a", "+a"], ["a"]],
  ];
  for (const [ops, kept] of table) {
    const set = new RecentSet<string>(3);
    for (const op of ops) op.startsWith("+") ? set.add(op.slice(1)) : set.delete(op.slice(1));
    const all = ["a", "b", "c", "d"];
    assert.deepEqual(all.filter((v) => set.has(v)), [...kept].sort(), ops.join(" "));
    assert.equal(set.size, kept.length, ops.join(" "));
    // The oldest kept value is the next one forgotten.
    set.add("z");
    if (kept.length === 3) assert.equal(set.has(kept[0]!), false, `${ops.join(" ")} +z`);
  }
});

Deno.test("delete says whether the value was kept", () => {
  const set = new RecentSet<number>(2);
  set.add(1);
  assert.equal(set.delete(1), true);
  assert.equal(set.delete(1), false);
});

Deno.test("a limit below one is refused, naming it", () => {
  for (const limit of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new RecentSet(limit), new RegExp(`got a limit of ${limit}$`));
  }
});
