/** The REST retry policy: which failures are retried, how often, and how long a 429 may ask to wait. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../bot/clock.ts";
import { REST_ATTEMPTS, type RestRetryPolicy, retryRest } from "../../exchanges/rest_retry.ts";
import {
  RateLimitError,
  VenueDataError,
  VenueRejectedError,
  VenueTimeoutError,
  VenueUnavailableError,
} from "../../exchanges/venue.ts";

Deno.test("which failures are retried, and how many times", async () => {
  const table: [name: string, error: () => Error, policy: RestRetryPolicy, calls: number][] = [
    ["unavailable", () => new VenueUnavailableError("HTTP 502"), {}, REST_ATTEMPTS],
    ["timeout", () => new VenueTimeoutError("timed out"), {}, REST_ATTEMPTS],
    ["429, short wait", () => new RateLimitError("429", { retryAfterMs: 10_000 }), {}, REST_ATTEMPTS],
    ["429, no wait given", () => new RateLimitError("429"), {}, REST_ATTEMPTS],
    ["429, long wait", () => new RateLimitError("429", { retryAfterMs: 10_001 }), {}, 1],
    ["bad data", () => new VenueDataError("bad"), {}, 1],
    ["bad data, retried", () => new VenueDataError("bad"), { badData: true }, REST_ATTEMPTS],
    ["rejected", () => new VenueRejectedError("no"), { badData: true }, 1],
    ["other", () => new Error("bug"), { badData: true }, 1],
  ];
  for (const [name, error, policy, calls] of table) {
    let n = 0;
    const failure = error();
    await assert.rejects(
      retryRest(
        () => {
          n++;
          return Promise.reject(failure);
        },
        { clock: new VirtualClock(), jitter: () => 0 },
        policy,
      ),
      (e) => e === failure,
      name,
    );
    assert.equal(n, calls, name);
  }
});

Deno.test("tuning: attempts, first step and the longest Retry-After waited out", async () => {
  const clock = new VirtualClock();
  const start = clock.now();
  const at: number[] = [];
  const result = await retryRest(() => {
    at.push(clock.now() - start);
    return at.length < 4
      ? Promise.reject(new RateLimitError("429", { retryAfterMs: 20_000 }))
      : Promise.resolve("done");
  }, { clock, attempts: 4, baseDelayMs: 100, maxRetryAfterMs: 20_000, jitter: () => 0 });
  assert.equal(result, "done");
  // Each wait is the venue's Retry-After, longer than the backoff step.
  assert.deepEqual(at, [0, 20_000, 40_000, 60_000]);
});

Deno.test("backoff steps from baseDelayMs, capped at 5 s", async () => {
  const clock = new VirtualClock();
  const start = clock.now();
  const at: number[] = [];
  await assert.rejects(retryRest(() => {
    at.push(clock.now() - start);
    return Promise.reject(new VenueUnavailableError("down"));
  }, { clock, attempts: 6, baseDelayMs: 1000, jitter: () => 0.999999 }));
  // Steps 1 s, 2 s, 4 s, then the 5 s cap (jitter near 1 keeps nearly the whole step).
  assert.deepEqual(at, [0, 1000, 3000, 7000, 12000, 17000]);
});
