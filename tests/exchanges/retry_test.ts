/** Bounded exponential backoff under VirtualClock: counts, exact delays, the last error, Retry-After, abort. */
import assert from "node:assert/strict";
import { SleepAbortedError, VirtualClock } from "../../bot/clock.ts";
import {
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  isRetriableVenueError,
  retry,
} from "../../exchanges/retry.ts";
import {
  AuthenticationError,
  RateLimitError,
  VenueDataError,
  VenueError,
  VenueRejectedError,
  VenueTimeoutError,
  VenueUnavailableError,
} from "../../exchanges/venue.ts";

const fixed = (r: number) => () => r;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

Deno.test("defaults are 5 attempts, 250 ms base, 30 s cap", () => {
  assert.equal(DEFAULT_ATTEMPTS, 5);
  assert.equal(DEFAULT_BASE_DELAY_MS, 250);
  assert.equal(DEFAULT_MAX_DELAY_MS, 30_000);
});

Deno.test("backoffDelay table: equal jitter between half the step and the step, capped", () => {
  const cases: Array<[number, { baseDelayMs?: number; maxDelayMs?: number; jitter: number }, number]> = [
    // jitter 0: half the step
    [1, { jitter: 0 }, 125],
    [2, { jitter: 0 }, 250],
    [3, { jitter: 0 }, 500],
    [4, { jitter: 0 }, 1000],
    // jitter 0.5: three quarters of the step (187.5 rounds to 188)
    [1, { jitter: 0.5 }, 188],
    [2, { jitter: 0.5 }, 375],
    [5, { jitter: 0.5 }, 3000],
    // jitter just below 1: just below the step
    [1, { jitter: 0.999 }, 250],
    [3, { jitter: 0.999 }, 1000],
    // the cap: 250·2^7 = 32000 > 30000
    [7, { jitter: 0 }, 8000],
    [8, { jitter: 0 }, 15_000],
    [8, { jitter: 0.999 }, 29_985],
    [9, { jitter: 0 }, 15_000],
    [2000, { jitter: 0 }, 15_000],
    // custom base and cap
    [1, { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 }, 50],
    [4, { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 }, 400],
    [5, { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 }, 500],
    [5, { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 }, 750],
    [3, { baseDelayMs: 0, jitter: 0.7 }, 0],
    [3, { maxDelayMs: 0, jitter: 0.7 }, 0],
  ];
  for (const [attempt, o, expected] of cases) {
    const opts = { ...o, jitter: fixed(o.jitter) };
    assert.equal(backoffDelay(attempt, opts), expected, `attempt ${attempt} ${JSON.stringify(o)}`);
  }
});

Deno.test("backoffDelay: retryAfterMs is a lower bound, even above the cap", () => {
  const cases: Array<[number, number | undefined, number]> = [
    [1, undefined, 125],
    [1, 0, 125],
    [1, 124, 125],
    [1, 126, 126],
    [1, 5000, 5000],
    [1, 1000.2, 1001],
    [8, 60_000, 60_000],
    [3, Number.NaN, 500],
  ];
  for (const [attempt, retryAfterMs, expected] of cases) {
    assert.equal(
      backoffDelay(attempt, { jitter: fixed(0), maxDelayMs: 30_000, retryAfterMs }),
      expected,
      `attempt ${attempt} retryAfter ${retryAfterMs}`,
    );
  }
});

Deno.test("backoffDelay refuses bad arguments and names the value", () => {
  assert.throws(() => backoffDelay(0, { jitter: fixed(0) }), /attempt must be an integer >= 1, got 0/);
  assert.throws(() => backoffDelay(1.5, { jitter: fixed(0) }), /got 1.5/);
  assert.throws(() => backoffDelay(1, { jitter: fixed(1) }), /jitter must be in \[0, 1\), got 1/);
  assert.throws(() => backoffDelay(1, { jitter: fixed(-0.1) }), /got -0.1/);
  assert.throws(() => backoffDelay(1, { jitter: fixed(Number.NaN) }), /got NaN/);
  assert.throws(() => backoffDelay(1, { baseDelayMs: -1, jitter: fixed(0) }), /baseDelayMs .* got -1/);
  assert.throws(
    () => backoffDelay(1, { maxDelayMs: Infinity, jitter: fixed(0) }),
    /maxDelayMs .* got Infinity/,
  );
});

Deno.test("backoffDelay uses Math.random by default and stays in [step/2, step]", () => {
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(3);
    assert.ok(d >= 500 && d <= 1000, `delay ${d}`);
  }
});

Deno.test("isRetriableVenueError: only VenueErrors marked retriable", () => {
  const cases: Array<[unknown, boolean]> = [
    [new VenueUnavailableError("x"), true],
    [new VenueTimeoutError("x"), true],
    [new RateLimitError("x"), true],
    [new VenueDataError("x"), true],
    [new VenueError("x", { retriable: true }), true],
    [new VenueError("x"), false],
    [new AuthenticationError("x"), false],
    [new VenueRejectedError("x"), false],
    [new Error("x"), false],
    [new TypeError("x"), false],
    ["string", false],
    [undefined, false],
  ];
  for (const [e, expected] of cases) assert.equal(isRetriableVenueError(e), expected, String(e));
});

Deno.test("retry resolves with the first success and sleeps exactly the backoff between attempts", async () => {
  const clock = new VirtualClock(0);
  const at: number[] = [];
  const retries: Array<[number, number]> = [];
  const result = await retry((attempt) => {
    at.push(clock.now());
    if (attempt < 4) return Promise.reject(new VenueUnavailableError(`down ${attempt}`));
    return Promise.resolve(`ok on ${attempt}`);
  }, {
    clock,
    jitter: fixed(0.5),
    onRetry: (_e, attempt, delayMs) => retries.push([attempt, delayMs]),
  });
  assert.equal(result, "ok on 4");
  assert.deepEqual(retries, [[1, 188], [2, 375], [3, 750]]);
  assert.deepEqual(at, [0, 188, 188 + 375, 188 + 375 + 750]);
  assert.equal(clock.pending, 0);
});

Deno.test("retry does not sleep when the first attempt succeeds", async () => {
  const clock = new VirtualClock(1000);
  let calls = 0;
  assert.equal(await retry(() => Promise.resolve(++calls), { clock }), 1);
  assert.equal(calls, 1);
  assert.equal(clock.now(), 1000);
});

Deno.test("retry makes exactly `attempts` calls, then throws the last error object unchanged", async () => {
  for (const attempts of [1, 2, 5]) {
    const clock = new VirtualClock(0);
    const thrown: Error[] = [];
    const delays: number[] = [];
    const e = await rejection(retry((attempt) => {
      const err = new VenueUnavailableError(`failure ${attempt}`);
      thrown.push(err);
      return Promise.reject(err);
    }, { clock, attempts, jitter: fixed(0), onRetry: (_e, _a, d) => delays.push(d) }));
    assert.equal(thrown.length, attempts, `attempts ${attempts}`);
    assert.equal(e, thrown.at(-1), "the same object as the last failure");
    assert.equal((e as Error).message, `failure ${attempts}`);
    assert.deepEqual(delays, [125, 250, 500, 1000].slice(0, attempts - 1));
    assert.equal(clock.now(), [0, 125, 375, 875, 1875][attempts - 1]);
  }
});

Deno.test("a non-retriable error is thrown at once, without sleeping", async () => {
  for (
    const err of [new AuthenticationError("bad key"), new VenueRejectedError("bad price"), new Error("bug")]
  ) {
    const clock = new VirtualClock(0);
    let calls = 0;
    let retried = false;
    const e = await rejection(retry(() => {
      calls++;
      return Promise.reject(err);
    }, { clock, onRetry: () => (retried = true) }));
    assert.equal(e, err);
    assert.equal(calls, 1, err.name);
    assert.equal(retried, false);
    assert.equal(clock.now(), 0);
  }
});

Deno.test("a failure turning non-retriable midway stops there", async () => {
  const clock = new VirtualClock(0);
  const last = new VenueRejectedError("insufficient margin");
  let calls = 0;
  const e = await rejection(retry(() => {
    calls++;
    return Promise.reject(calls < 3 ? new VenueTimeoutError("slow") : last);
  }, { clock, jitter: fixed(0) }));
  assert.equal(e, last);
  assert.equal(calls, 3);
  assert.equal(clock.now(), 125 + 250);
});

Deno.test("a custom isRetriable decides", async () => {
  const clock = new VirtualClock(0);
  let calls = 0;
  const result = await retry(() => {
    calls++;
    return calls < 3 ? Promise.reject(new Error("flaky")) : Promise.resolve("done");
  }, { clock, jitter: fixed(0), isRetriable: (e) => e instanceof Error && e.message === "flaky" });
  assert.equal(result, "done");
  assert.equal(calls, 3);
});

Deno.test("a RateLimitError's retryAfterMs is honoured as a lower bound", async () => {
  const clock = new VirtualClock(0);
  const at: number[] = [];
  const delays: number[] = [];
  const failures = [
    new RateLimitError("slow down", { retryAfterMs: 2000 }), // above the backoff (125): 2000
    new RateLimitError("slow down", { retryAfterMs: 10 }), // below the backoff (250): 250
    new RateLimitError("slow down"), // no header: backoff 500
    new RateLimitError("banned", { retryAfterMs: 120_000 }), // above the 30 s cap: still 120000
  ];
  await retry((attempt) => {
    at.push(clock.now());
    const f = failures[attempt - 1];
    return f === undefined ? Promise.resolve() : Promise.reject(f);
  }, { clock, jitter: fixed(0), onRetry: (_e, _a, d) => delays.push(d) });
  assert.deepEqual(delays, [2000, 250, 500, 120_000]);
  assert.deepEqual(at, [0, 2000, 2250, 2750, 122_750]);
});

Deno.test("abort during the wait rejects with SleepAbortedError carrying the last failure", async () => {
  const clock = new VirtualClock(0);
  const controller = new AbortController();
  const failure = new VenueUnavailableError("down");
  let calls = 0;
  const p = retry(() => {
    calls++;
    return Promise.reject(failure);
  }, {
    clock,
    jitter: fixed(0),
    signal: controller.signal,
    onRetry: () => queueMicrotask(() => controller.abort()),
  });
  const e = await rejection(p);
  assert.ok(e instanceof SleepAbortedError, String(e));
  assert.equal(e.cause, failure);
  assert.equal(e.message, "retry aborted after attempt 1: down");
  assert.equal(calls, 1);
  assert.equal(clock.pending, 0);
  assert.equal(clock.now(), 0);
});

Deno.test("abort after some attempts stops before the next one", async () => {
  const clock = new VirtualClock(0);
  const controller = new AbortController();
  let calls = 0;
  const e = await rejection(retry((attempt) => {
    calls++;
    if (attempt === 3) controller.abort();
    return Promise.reject(new VenueUnavailableError(`down ${attempt}`));
  }, { clock, jitter: fixed(0), signal: controller.signal }));
  assert.ok(e instanceof SleepAbortedError, String(e));
  assert.equal(e.message, "retry aborted after attempt 3: down 3");
  assert.equal(calls, 3);
  assert.equal(clock.now(), 125 + 250);
});

Deno.test("a signal aborted before the start makes no attempt", async () => {
  const clock = new VirtualClock(0);
  let calls = 0;
  const e = await rejection(retry(() => Promise.resolve(++calls), { clock, signal: AbortSignal.abort() }));
  assert.ok(e instanceof SleepAbortedError);
  assert.equal(calls, 0);
});

Deno.test("the last attempt's failure is thrown even when a signal is given and never aborts", async () => {
  const clock = new VirtualClock(0);
  const last = new VenueUnavailableError("down 2");
  let calls = 0;
  const e = await rejection(retry(() => {
    calls++;
    return Promise.reject(calls === 2 ? last : new VenueUnavailableError("down 1"));
  }, { clock, attempts: 2, jitter: fixed(0), signal: new AbortController().signal }));
  assert.equal(e, last);
});

Deno.test("retry refuses a bad attempts count and names the value", async () => {
  const clock = new VirtualClock(0);
  for (const attempts of [0, -1, 2.5, Number.NaN]) {
    const e = await rejection(retry(() => Promise.resolve(1), { clock, attempts }));
    assert.ok(e instanceof RangeError);
    assert.ok(e.message.includes(`got ${attempts}`), e.message);
  }
});
