/** The hand-advanced clock of the socket and stream tests. */
import assert from "node:assert/strict";
import { SleepAbortedError } from "../../bot/clock.ts";
import { ManualClock } from "./manual_clock.ts";

Deno.test("advance wakes the due sleepers, earliest first, and only those", async () => {
  const clock = new ManualClock(500);
  assert.equal(clock.now(), 500);
  const woke: number[] = [];
  for (const ms of [300, 100, 200, 1000]) void clock.sleep(ms).then(() => woke.push(ms));
  const table: [advanceMs: number, now: number, woke: number[], pending: number][] = [
    [99, 599, [], 4],
    [1, 600, [100], 3],
    [250, 850, [100, 200, 300], 1],
    [1000, 1850, [100, 200, 300, 1000], 0],
  ];
  for (const [advanceMs, now, expected, pending] of table) {
    clock.advance(advanceMs);
    await Promise.resolve();
    assert.equal(clock.now(), now);
    assert.deepEqual(woke, expected);
    assert.equal(clock.pending, pending);
  }
});

Deno.test("an aborted sleep rejects and leaves no sleeper", async () => {
  const clock = new ManualClock();
  assert.equal(clock.now(), 1_000_000);
  const stop = new AbortController();
  const sleep = clock.sleep(100, stop.signal);
  stop.abort();
  await assert.rejects(sleep, SleepAbortedError);
  assert.equal(clock.pending, 0);
  await assert.rejects(clock.sleep(100, stop.signal), SleepAbortedError);
});
