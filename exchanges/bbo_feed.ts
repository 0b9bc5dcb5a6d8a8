/**
 * The latest best bid/ask of a venue's stream, when it arrived, and the wait for the first one; and the rule
 * by which a venue answers `bbo()` from the stream rather than REST.
 * @module
 */
import type { Clock } from "../bot/clock.ts";
import type { Bbo } from "./venue.ts";
import { Wakeup } from "./wakeup.ts";

/** The latest best bid/ask and when it arrived (socket clock, ms). */
export interface TimedBbo {
  readonly bbo: Bbo;
  readonly at: number;
}

/** Best bid/ask as a stream delivers them. */
export class BboFeed {
  readonly #clock: Clock;
  readonly #wakeup: Wakeup;
  #latest: TimedBbo | undefined;

  /** Times quotes and waits on `clock` (the socket clock). */
  constructor(clock: Clock) {
    this.#clock = clock;
    this.#wakeup = new Wakeup(clock);
  }

  /** The latest best bid/ask, if any arrived. */
  get latest(): TimedBbo | undefined {
    return this.#latest;
  }

  /** Records a best bid/ask that arrived now, and ends the waits for a first one. */
  update(bbo: Bbo): void {
    this.#latest = { bbo, at: this.#clock.now() };
    this.#wakeup.wake();
  }

  /** Resolves with the first best bid/ask, or `undefined` after `timeoutMs` or at {@link close}. */
  async first(timeoutMs: number): Promise<Bbo | undefined> {
    if (this.#latest !== undefined) return this.#latest.bbo;
    await this.#wakeup.sleep(timeoutMs);
    // Set by a message that arrived while waiting; the narrowing above does not see that.
    const latest = this.#latest as TimedBbo | undefined;
    return latest?.bbo;
  }

  /** Ends the waits for a first best bid/ask. */
  close(): void {
    this.#wakeup.wake();
  }
}

/** What {@link recentBbo} reads of a stream. */
export interface BboSource {
  readonly bbo: TimedBbo | undefined;
  readonly connected: boolean;
}

/**
 * The stream's best bid/ask while the stream is connected and the quote is at most `maxAgeMs` old at `now`
 * (socket clock); `undefined` when the venue must ask REST instead.
 */
export function recentBbo(stream: BboSource | undefined, now: number, maxAgeMs: number): Bbo | undefined {
  const latest = stream?.bbo;
  if (latest !== undefined && stream?.connected === true && now - latest.at <= maxAgeMs) return latest.bbo;
  return undefined;
}
