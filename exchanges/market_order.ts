/**
 * The read-back of a market order that its placement answer did not report as final: normally a market
 * order is final at once; when not, its state is read a few times, a short while apart.
 * @module
 */
import type { Clock } from "../bot/clock.ts";
import { isTerminal, type OrderSnapshot } from "./venue.ts";

/** Reads of a market order that was not final in the placement answer, at most. */
export const MARKET_POLLS = 5;
/** Time between two reads of a market order, ms. */
export const MARKET_POLL_MS = 200;

/** How {@link awaitFinal} reads an order back. */
export interface ReadBack {
  /** Waits between reads. */
  readonly clock: Clock;
  /** The order's state by REST; `undefined` when the venue does not know it (yet). */
  readonly read: (orderId: string) => Promise<OrderSnapshot | undefined>;
  /** Merges a state read into what is known of the order, and returns the result. */
  readonly merge: (report: OrderSnapshot) => OrderSnapshot;
}

/**
 * The order's state once final, or after {@link MARKET_POLLS} reads {@link MARKET_POLL_MS} apart, whichever
 * comes first; `order` is its state as placed.
 */
export async function awaitFinal(order: OrderSnapshot, readBack: ReadBack): Promise<OrderSnapshot> {
  let latest = order;
  for (let i = 0; i < MARKET_POLLS && !isTerminal(latest.status); i++) {
    await readBack.clock.sleep(MARKET_POLL_MS);
    const now = await readBack.read(latest.orderId);
    if (now !== undefined) latest = readBack.merge(now);
  }
  return latest;
}
