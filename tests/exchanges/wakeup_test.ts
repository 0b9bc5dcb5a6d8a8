/** Bounded sleeps that an event ends early. */
import assert from "node:assert/strict";
import { type Clock, VirtualClock } from "../../bot/clock.ts";
import { Wakeup } from "../../exchanges/wakeup.ts";

Deno.test("a sleep lasts its timeout unless woken", async () => {
  const table: [wakeAfterMs: number | undefined, timeoutMs: number, sleptMs: number][] = [
    [undefined, 1000, 1000],
    [0, 1000, 0],
    [250, 1000, 250],
    [2000, 1000, 1000],
  ];
  for (const [wakeAfterMs, timeoutMs, sleptMs] of table) {
    const clock = new VirtualClock();
    const start = clock.now();
    const wakeup = new Wakeup(clock);
    if (wakeAfterMs !== undefined) void clock.sleep(wakeAfterMs).then(() => wakeup.wake());
    await wakeup.sleep(timeoutMs);
    assert.equal(clock.now() - start, sleptMs, `wake after ${wakeAfterMs}, timeout ${timeoutMs}`);
  }
});

Deno.test("wake ends every sleep in progress, and only those", async () => {
  const clock = new VirtualClock();
  const start = clock.now();
  const wakeup = new Wakeup(clock);
  // A wake with nobody asleep is not remembered.
  wakeup.wake();
  await wakeup.sleep(500);
  assert.equal(clock.now() - start, 500);
  const sleeps = [wakeup.sleep(500), wakeup.sleep(700)];
  wakeup.wake();
  await Promise.all(sleeps);
  assert.equal(clock.now() - start, 500);
  assert.equal(clock.pending, 0);
});

Deno.test("a clock failure other than the wake is thrown", async () => {
  const failing: Clock = {
    now: () => 0,
    sleep: () => Promise.reject(new Error("clock broke")),
  };
  await assert.rejects(new Wakeup(failing).sleep(10), /clock broke/);
});
