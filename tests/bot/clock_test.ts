/** Injected time: the virtual clock's order, leaps and aborts, and the real clock's abort. */
import assert from "node:assert/strict";
import { RealClock, SleepAbortedError, VirtualClock } from "../../bot/clock.ts";

const START = Date.UTC(2025, 8, 25, 2, 29, 30, 147);

Deno.test("VirtualClock starts at the given time and does not move on its own", () => {
  const clock = new VirtualClock(START);
  assert.equal(clock.now(), START);
  assert.equal(clock.now(), START);
  assert.equal(clock.pending, 0);
  assert.equal(new VirtualClock().now(), Date.UTC(2025, 0, 1));
});

Deno.test("VirtualClock wakes sleepers by deadline, then by creation order", async () => {
  const clock = new VirtualClock(START);
  const woke: [string, number][] = [];
  const sleeper = (name: string, ms: number) =>
    clock.sleep(ms).then(() => {
      woke.push([name, clock.now() - START]);
    });
  await Promise.all([
    sleeper("c", 300),
    sleeper("a", 100),
    sleeper("b1", 200),
    sleeper("b2", 200),
    sleeper("zero", 0),
    sleeper("negative", -50),
    sleeper("b3", 200),
  ]);
  assert.deepEqual(woke, [
    ["zero", 0],
    ["negative", 0],
    ["a", 100],
    ["b1", 200],
    ["b2", 200],
    ["b3", 200],
    ["c", 300],
  ]);
  assert.equal(clock.now(), START + 300);
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualClock leaps over hours at once and never goes back", async () => {
  const clock = new VirtualClock(START);
  const realStart = performance.now();
  await clock.sleep(6 * 3_600_000);
  assert.equal(clock.now(), START + 6 * 3_600_000);
  // A sleeper created later with a shorter delay wakes relative to the new now.
  await clock.sleep(1);
  assert.equal(clock.now(), START + 6 * 3_600_000 + 1);
  await clock.sleep(0);
  assert.equal(clock.now(), START + 6 * 3_600_000 + 1);
  assert.ok(performance.now() - realStart < 500, "no real waiting");
});

Deno.test("VirtualClock interleaves loops in deadline order", async () => {
  const clock = new VirtualClock(0);
  const log: string[] = [];
  const loop = async (name: string, every: number, times: number) => {
    for (let i = 0; i < times; i++) {
      await clock.sleep(every);
      log.push(`${name}@${clock.now()}`);
    }
  };
  await Promise.all([loop("fast", 10, 5), loop("slow", 25, 2)]);
  // At 50 both are due: slow's sleep was created at 25, fast's at 40, so slow wakes first.
  assert.deepEqual(log, ["fast@10", "fast@20", "slow@25", "fast@30", "fast@40", "slow@50", "fast@50"]);
});

Deno.test("VirtualClock runs ready work before leaping", async () => {
  const clock = new VirtualClock(0);
  const seen: number[] = [];
  const long = clock.sleep(1000).then(() => seen.push(clock.now()));
  // Work that is ready now (promise chains, microtasks) sees the time before the leap.
  await Promise.resolve();
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  assert.equal(clock.now(), 0);
  seen.push(clock.now());
  await long;
  assert.deepEqual(seen, [0, 1000]);
});

Deno.test("VirtualClock sleep rejects when its signal aborts and the others still wake", async () => {
  const clock = new VirtualClock(START);
  const controller = new AbortController();
  const aborted = clock.sleep(1000, controller.signal);
  const other = clock.sleep(2000);
  assert.equal(clock.pending, 2);
  controller.abort();
  await assert.rejects(aborted, SleepAbortedError);
  assert.equal(clock.pending, 1);
  await other;
  assert.equal(clock.now(), START + 2000);
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualClock: an aborted sleeper does not move time", async () => {
  const clock = new VirtualClock(0);
  const controller = new AbortController();
  const far = clock.sleep(10 * 3_600_000, controller.signal);
  controller.abort();
  await assert.rejects(far, (e: unknown) => e instanceof SleepAbortedError && e.name === "SleepAbortedError");
  await clock.sleep(5);
  assert.equal(clock.now(), 5);
});

Deno.test("VirtualClock sleep with an already aborted signal rejects at once", async () => {
  const clock = new VirtualClock(0);
  const signal = AbortSignal.abort();
  await assert.rejects(clock.sleep(10, signal), SleepAbortedError);
  assert.equal(clock.pending, 0);
  assert.equal(clock.now(), 0);
});

Deno.test("VirtualClock: aborting after the wake-up changes nothing", async () => {
  const clock = new VirtualClock(0);
  const controller = new AbortController();
  await clock.sleep(10, controller.signal);
  controller.abort();
  assert.equal(clock.now(), 10);
  assert.equal(clock.pending, 0);
});

Deno.test("RealClock reads the system time", () => {
  const clock = new RealClock();
  const before = Date.now();
  const now = clock.now();
  assert.ok(now >= before && now <= Date.now());
});

Deno.test("RealClock sleeps for real and can be aborted", async () => {
  const clock = new RealClock();
  const t0 = performance.now();
  await clock.sleep(5);
  assert.ok(performance.now() - t0 >= 4, "slept about 5 ms");

  const controller = new AbortController();
  const t1 = performance.now();
  const long = clock.sleep(60_000, controller.signal);
  setTimeout(() => controller.abort(), 2);
  await assert.rejects(long, SleepAbortedError);
  assert.ok(performance.now() - t1 < 1000, "the abort cut the minute short");

  await assert.rejects(clock.sleep(60_000, AbortSignal.abort()), SleepAbortedError);
  // A finished sleep ignores a later abort.
  const late = new AbortController();
  await clock.sleep(1, late.signal);
  late.abort();
});
