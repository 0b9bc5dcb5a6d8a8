/**
 * The retry policy of a venue's REST client: a few attempts with backoff; a 429 is waited out only when its
 * `Retry-After` is short (a longer one is thrown to the caller, who decides); a failure to reach the venue
 * (timeout, 5xx) is retried; an answer that failed validation only where the venue asks for it.
 * @module
 */
import type { Clock } from "../bot/clock.ts";
import { retry } from "./retry.ts";
import { RateLimitError, VenueDataError, VenueUnavailableError } from "./venue.ts";

/** Attempts per call, the first included, by default. */
export const REST_ATTEMPTS = 3;
/** First retry step by default, ms. */
export const REST_BASE_DELAY_MS = 250;
/** Largest retry step, ms. */
export const REST_MAX_DELAY_MS = 5000;
/** Longest `Retry-After` waited out by default, ms. */
export const REST_MAX_RETRY_AFTER_MS = 10_000;

/** The tuning a REST client takes (its own options carry these fields). */
export interface RestRetryOptions {
  /** Sleeps between attempts. */
  readonly clock: Clock;
  /** Attempts per call, the first included (default {@link REST_ATTEMPTS}). */
  readonly attempts?: number;
  /** First retry step, ms (default {@link REST_BASE_DELAY_MS}). */
  readonly baseDelayMs?: number;
  /** A `Retry-After` longer than this is thrown to the caller, ms (default {@link REST_MAX_RETRY_AFTER_MS}). */
  readonly maxRetryAfterMs?: number;
  /** Random number in [0, 1); default `Math.random`. */
  readonly jitter?: () => number;
}

/** What a venue retries beyond rate limits and unreachability. */
export interface RestRetryPolicy {
  /** Also retry an answer that failed validation ({@link VenueDataError}). */
  readonly badData?: boolean;
}

/** Calls `fn` under the REST retry policy (see the module documentation). */
export async function retryRest<T>(
  fn: () => Promise<T>,
  options: RestRetryOptions,
  policy: RestRetryPolicy = {},
): Promise<T> {
  const maxWait = options.maxRetryAfterMs ?? REST_MAX_RETRY_AFTER_MS;
  return await retry(fn, {
    clock: options.clock,
    attempts: options.attempts ?? REST_ATTEMPTS,
    baseDelayMs: options.baseDelayMs ?? REST_BASE_DELAY_MS,
    maxDelayMs: REST_MAX_DELAY_MS,
    ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
    isRetriable: (e) =>
      e instanceof RateLimitError
        ? (e.retryAfterMs ?? 0) <= maxWait
        : e instanceof VenueUnavailableError || (policy.badData === true && e instanceof VenueDataError),
  });
}
