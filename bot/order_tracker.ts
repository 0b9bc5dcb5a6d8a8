/**
 * The bot's view of its orders, merged from every source that reports them (placement answers, cancel
 * answers, REST queries and stream events) into one monotone state per order.
 *
 * Streams duplicate, reorder and drop events; answers race events. Merging by rule instead of by arrival
 * order is what keeps the filled quantity monotone and a finished order finished.
 * @module
 */
import type { Clock } from "./clock.ts";
import { SleepAbortedError } from "./clock.ts";
import { Decimal, ZERO } from "../exchanges/decimal.ts";
import { isTerminal, type OrderSnapshot, type OrderStatus } from "../exchanges/venue.ts";

/** How many finished orders are remembered, so that a late duplicate event is recognised and ignored. */
const FINISHED_REMEMBERED = 2000;

/**
 * Merges a newer report of an order into the known state.
 *
 * Rules: the filled quantity and the fee never decrease; a finished order stays finished (a later report may
 * only add fills, turning CANCELED into FILLED when the cancel lost a race); a working order with fills is
 * PARTIALLY_FILLED, never OPEN.
 */
export function mergeSnapshot(known: OrderSnapshot | undefined, next: OrderSnapshot): OrderSnapshot {
  if (known === undefined) return normalise(next);
  const moreFilled = next.filled.gt(known.filled);
  const filled = moreFilled ? next.filled : known.filled;
  let status: OrderStatus;
  if (isTerminal(known.status)) {
    status = moreFilled && next.status === "FILLED" ? "FILLED" : known.status;
  } else if (isTerminal(next.status)) {
    status = next.status;
  } else {
    status = filled.gt(0) ? "PARTIALLY_FILLED" : "OPEN";
  }
  if (filled.gte(known.quantity) && filled.gt(0)) status = "FILLED";
  const fee = maxOptional(known.fee, next.fee);
  const avgPrice = moreFilled ? (next.avgPrice ?? known.avgPrice) : (known.avgPrice ?? next.avgPrice);
  const clientId = known.clientId ?? next.clientId;
  const reduceOnly = known.reduceOnly ?? next.reduceOnly;
  return {
    orderId: known.orderId,
    side: known.side,
    status,
    price: known.price.isZero() ? next.price : known.price,
    quantity: known.quantity,
    filled,
    ...(clientId === undefined ? {} : { clientId }),
    ...(avgPrice === undefined ? {} : { avgPrice }),
    ...(fee === undefined ? {} : { fee }),
    ...(reduceOnly === undefined ? {} : { reduceOnly }),
  };
}

function normalise(s: OrderSnapshot): OrderSnapshot {
  if (!isTerminal(s.status) && s.filled.gt(0)) {
    return { ...s, status: s.filled.gte(s.quantity) ? "FILLED" : "PARTIALLY_FILLED" };
  }
  if (s.status === "PARTIALLY_FILLED" && s.filled.isZero()) return { ...s, status: "OPEN" };
  return s;
}

function maxOptional(a: Decimal | undefined, b: Decimal | undefined): Decimal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Decimal.max(a, b);
}

/** Notional value of the fills of an order: filled × average price (the limit price when none is reported). */
export function filledNotional(s: OrderSnapshot): Decimal {
  if (s.filled.isZero()) return ZERO;
  return s.filled.mul(s.avgPrice ?? s.price);
}

interface Waiter {
  readonly orderId: string;
  readonly until: (s: OrderSnapshot) => boolean;
  readonly resolve: () => void;
}

/** Known orders, merged; and waiting for an order to reach a state. */
export class OrderTracker {
  readonly #orders = new Map<string, OrderSnapshot>();
  readonly #finished: string[] = [];
  readonly #finishedSet = new Set<string>();
  readonly #waiters = new Set<Waiter>();

  /**
   * Records a report. Returns the merged state, or `undefined` when the order was finished and forgotten
   * (a late duplicate).
   */
  observe(report: OrderSnapshot): OrderSnapshot | undefined {
    if (this.#finishedSet.has(report.orderId) && !this.#orders.has(report.orderId)) return undefined;
    const merged = mergeSnapshot(this.#orders.get(report.orderId), report);
    this.#orders.set(report.orderId, merged);
    for (const w of [...this.#waiters]) {
      if (w.orderId === merged.orderId && w.until(merged)) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
    return merged;
  }

  /** The merged state of one order. */
  get(orderId: string): OrderSnapshot | undefined {
    return this.#orders.get(orderId);
  }

  /** Drops a finished order's state but remembers its id, so late events about it are ignored. */
  forget(orderId: string): void {
    if (!this.#orders.delete(orderId)) return;
    if (this.#finishedSet.has(orderId)) return;
    this.#finished.push(orderId);
    this.#finishedSet.add(orderId);
    if (this.#finished.length > FINISHED_REMEMBERED) this.#finishedSet.delete(this.#finished.shift()!);
  }

  /** Number of orders whose state is held. */
  get size(): number {
    return this.#orders.size;
  }

  /**
   * Resolves with the order's state as soon as `until` holds for it, or after `timeoutMs`, or when `signal`
   * aborts; whichever comes first. Never rejects.
   */
  async waitFor(
    orderId: string,
    until: (s: OrderSnapshot) => boolean,
    timeoutMs: number,
    clock: Clock,
    signal?: AbortSignal,
  ): Promise<OrderSnapshot | undefined> {
    const current = this.#orders.get(orderId);
    if (current !== undefined && until(current)) return current;
    if (signal?.aborted) return current;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const waiter: Waiter = { orderId, until, resolve: () => stop.abort() };
    this.#waiters.add(waiter);
    try {
      await clock.sleep(timeoutMs, stop.signal);
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    } finally {
      this.#waiters.delete(waiter);
      signal?.removeEventListener("abort", onAbort);
    }
    return this.#orders.get(orderId);
  }
}
