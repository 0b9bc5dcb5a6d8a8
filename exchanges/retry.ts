/**
 * Bounded exponential backoff that re-raises when exhausted.
 *
 * Delays use "equal jitter": half of the exponential step is fixed and half is random, so a retry never comes
 * sooner than half the step (full jitter can pick 0 ms and hammer a venue that is already struggling) while
 * many clients restarting together still spread out. A {@link RateLimitError}'s `retryAfterMs` is a lower
 * bound: the venue said when it will listen again, and asking earlier risks a longer ban.
 * @module
 */
import type { Clock } from "../bot/clock.ts";
import { SleepAbortedError } from "../bot/clock.ts";
import { RateLimitError, VenueError } from "./venue.ts";

/** Attempts made when the caller names no number (the first call included). */
export const DEFAULT_ATTEMPTS = 5;
/** Step of the first retry, ms. */
export const DEFAULT_BASE_DELAY_MS = 250;
/** Largest exponential step, ms. */
export const DEFAULT_MAX_DELAY_MS = 30_000;

/** Shape of the backoff curve. */
export interface BackoffOptions {
  /** Step of the first retry, ms; default {@link DEFAULT_BASE_DELAY_MS}. */
  readonly baseDelayMs?: number;
  /** Cap of the exponential step, ms; default {@link DEFAULT_MAX_DELAY_MS}. */
  readonly maxDelayMs?: number;
  /** Random number in [0, 1); default `Math.random`. */
  readonly jitter?: () => number;
  /** Smallest delay the venue asked for (`Retry-After`), ms; wins over the cap. */
  readonly retryAfterMs?: number | undefined;
}

/** Options of {@link retry}. */
export interface RetryOptions extends Omit<BackoffOptions, "retryAfterMs"> {
  /** Sleeps between attempts. */
  readonly clock: Clock;
  /** Total attempts, the first included; default {@link DEFAULT_ATTEMPTS}. */
  readonly attempts?: number;
  /** Whether a failure may succeed if repeated; default: a {@link VenueError} with `retriable` set. */
  readonly isRetriable?: (e: unknown) => boolean;
  /** Called before each wait with the failure, the number of the attempt that failed, and the wait in ms. */
  readonly onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
  /** Aborts the wait between attempts; the retry then rejects with {@link SleepAbortedError}. */
  readonly signal?: AbortSignal;
}

/**
 * Wait after failed attempt number `attempt` (1-based), whole ms.
 *
 * step = min(maxDelayMs, baseDelayMs · 2^(attempt−1)); delay = step/2 + jitter()·step/2; then at least
 * `retryAfterMs`.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoff attempt must be an integer >= 1, got ${attempt}`);
  }
  const base = nonNegative("baseDelayMs", opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS);
  const max = nonNegative("maxDelayMs", opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const r = (opts.jitter ?? Math.random)();
  if (!(r >= 0 && r < 1)) throw new RangeError(`backoff jitter must be in [0, 1), got ${r}`);
  // 2^(attempt-1) overflows to Infinity for huge attempts; min() then still yields the cap.
  const step = Math.min(max, base * 2 ** (attempt - 1));
  const delay = Math.round(step / 2 + r * (step / 2));
  const floor = opts.retryAfterMs;
  return floor !== undefined && Number.isFinite(floor) && floor > delay ? Math.ceil(floor) : delay;
}

/** Default {@link RetryOptions.isRetriable}. */
export function isRetriableVenueError(e: unknown): boolean {
  return e instanceof VenueError && e.retriable;
}

/**
 * Calls `fn` until it resolves, at most `attempts` times, sleeping {@link backoffDelay} on the injected clock
 * between attempts. `fn` receives the attempt number, starting at 1.
 *
 * A failure that is not retriable is thrown at once. When every attempt has failed, the last failure is thrown
 * unchanged (the same object). When `signal` aborts, a {@link SleepAbortedError} whose `cause` is the last
 * failure is thrown, before the next attempt starts.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry attempts must be an integer >= 1, got ${attempts}`);
  }
  const isRetriable = opts.isRetriable ?? isRetriableVenueError;
  const { signal } = opts;
  if (signal?.aborted) throw new SleepAbortedError("retry aborted before the first attempt");
  for (let attempt = 1;; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !isRetriable(e)) throw e;
      const delayMs = backoffDelay(attempt, {
        ...opts,
        retryAfterMs: e instanceof RateLimitError ? e.retryAfterMs : undefined,
      });
      opts.onRetry?.(e, attempt, delayMs);
      try {
        await opts.clock.sleep(delayMs, signal);
      } catch (sleepError) {
        if (!(sleepError instanceof SleepAbortedError)) throw sleepError;
        throw new SleepAbortedError(`retry aborted after attempt ${attempt}: ${describe(e)}`, { cause: e });
      }
      // An abort that lands while the sleep is resolving must still stop the next attempt.
      if (signal?.aborted) {
        throw new SleepAbortedError(`retry aborted after attempt ${attempt}: ${describe(e)}`, { cause: e });
      }
    }
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`backoff ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
