/**
 * Placements whose answer was lost (a timeout, a 5xx, "unknown execution status"), each with the time after
 * which the venue can no longer execute it: its signed timestamp or nonce is then outside the venue's window.
 *
 * A lookup by client id that finds nothing proves little while the request may still sit in the venue's
 * queue; after that time it proves the order was never placed, and only then may the placement be sent again.
 * Without this wait a retry can place the same order twice (both executing, a doubled position).
 * @module
 */

/** Extra time past the signed window, for clock skew between the bot and the venue, ms. */
export const UNCERTAIN_MARGIN_MS = 1000;

/** Client ids of uncertain placements and when each one stops being executable; bounded, oldest forgotten. */
export class UncertainPlacements {
  readonly #limit: number;
  readonly #until = new Map<string, number>();

  /** Remembers at most `limit` placements (>= 1). */
  constructor(limit = 1000) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`UncertainPlacements keeps at least one placement; got a limit of ${limit}`);
    }
    this.#limit = limit;
  }

  /**
   * A request for `clientId` was sent at `sentAtMs`, valid for `windowMs` on the venue, and its outcome is
   * unknown. A later send of the same placement replaces the deadline.
   */
  mark(clientId: string, sentAtMs: number, windowMs: number): void {
    this.#until.delete(clientId);
    this.#until.set(clientId, sentAtMs + windowMs + UNCERTAIN_MARGIN_MS);
    if (this.#until.size > this.#limit) this.#until.delete(this.#until.keys().next().value!);
  }

  /** True while the outcome of a placement of `clientId` is unknown. */
  has(clientId: string): boolean {
    return this.#until.has(clientId);
  }

  /** How long, from `nowMs`, the lost request of `clientId` may still execute; 0 when it no longer can. */
  waitMs(clientId: string, nowMs: number): number {
    const until = this.#until.get(clientId);
    return until === undefined ? 0 : Math.max(0, until - nowMs);
  }

  /** The outcome is known (found, or refused): forget it. */
  clear(clientId: string): void {
    this.#until.delete(clientId);
  }

  /** Number of placements remembered. */
  get size(): number {
    return this.#until.size;
  }
}
