/**
 * Sleeps on a clock that an event can end early: a stream waiting for its first quote or for its connection
 * sleeps here, and the message or the open wakes it.
 * @module
 */
import { type Clock, SleepAbortedError } from "../bot/clock.ts";

/** Bounded sleeps that {@link Wakeup.wake} ends at once. */
export class Wakeup {
  readonly #clock: Clock;
  readonly #sleepers = new Set<() => void>();

  /** Sleeps on `clock` (a socket clock: real time with real sockets). */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Resolves after `timeoutMs`, or at the next {@link wake}, whichever comes first. */
  async sleep(timeoutMs: number): Promise<void> {
    const stop = new AbortController();
    const wake = () => stop.abort();
    this.#sleepers.add(wake);
    try {
      await this.#clock.sleep(timeoutMs, stop.signal);
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    } finally {
      this.#sleepers.delete(wake);
    }
  }

  /** Ends every sleep in progress. */
  wake(): void {
    for (const wake of this.#sleepers) wake();
  }
}
