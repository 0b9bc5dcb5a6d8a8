/**
 * A clock that moves only when the test says so: socket and stream timers run on it, and nothing sleeps for
 * real.
 * @module
 */
import { type Clock, SleepAbortedError } from "../../bot/clock.ts";

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { at: number; resolve: () => void }[] = [];

  /** Starts at `startMs`, ms since the epoch. */
  constructor(startMs = 1_000_000) {
    this.#now = startMs;
  }

  /** The current time, ms. */
  now(): number {
    return this.#now;
  }

  /** Resolves when {@link advance} reaches `ms` from now; rejects when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new SleepAbortedError("sleep aborted"));
      const sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(new SleepAbortedError("sleep aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time forward and wakes every sleeper that is due, earliest first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const s of due) s.resolve();
  }

  /** Sleepers still waiting. */
  get pending(): number {
    return this.#sleepers.length;
  }
}
