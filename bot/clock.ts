/**
 * Time, injected. The bot and the paper venue never read the system clock or call `setTimeout` directly.
 * @module
 */
import { setImmediate } from "node:timers";

/** Thrown by {@link Clock.sleep} when its signal aborts. */
export class SleepAbortedError extends Error {
  override name = "SleepAbortedError";
}

/** A source of time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with {@link SleepAbortedError} when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new SleepAbortedError("sleep aborted"));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new SleepAbortedError("sleep aborted"));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Simulated time that jumps forward whenever every task is waiting on it.
 *
 * When a timer is pending, the clock lets all ready work run (a macrotask turn), then advances `now` to the
 * earliest deadline and wakes that sleeper. Hours of trading therefore run in seconds, in a deterministic order
 * (deadline, then creation order). Only in-process work may run under it: real I/O would see time leap.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #scheduled = false;

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Number of sleepers waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new SleepAbortedError("sleep aborted"));
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(new SleepAbortedError("sleep aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#insert(timer);
      this.#schedule();
    });
  }

  #insert(timer: Timer): void {
    let i = this.#timers.length;
    while (i > 0) {
      const prev = this.#timers[i - 1]!;
      if (prev.at < timer.at || (prev.at === timer.at && prev.seq < timer.seq)) break;
      i--;
    }
    this.#timers.splice(i, 0, timer);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate, not setTimeout(0): nested zero timers are clamped to milliseconds each.
    setImmediate(() => this.#advance());
  }

  #advance(): void {
    this.#scheduled = false;
    const next = this.#timers.shift();
    if (next === undefined) return;
    if (next.at > this.#now) this.#now = next.at;
    next.resolve();
    if (this.#timers.length > 0) this.#schedule();
  }
}
