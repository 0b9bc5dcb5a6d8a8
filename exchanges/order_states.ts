/**
 * The merged state of a venue's orders, as an adapter reports them: every source (placement and cancel
 * answers, REST queries, stream events) is merged per order with {@link mergeSnapshot}, so `filled` and the fee
 * never decrease and a finished order stays finished; listeners get each merged state once (a duplicate
 * report, or one that changes nothing they see, is not delivered again).
 * @module
 */
import { mergeSnapshot } from "../bot/order_tracker.ts";
import { isTerminal, type OrderListener, type OrderSnapshot, type Unsubscribe } from "./venue.ts";

/** Finished orders remembered, so late duplicate events are recognised. */
const FINISHED_REMEMBERED = 2000;

/** Per-order merged states and the listeners of one venue. */
export class OrderStates {
  readonly #listeners = new Set<OrderListener>();
  readonly #observers = new Set<(merged: OrderSnapshot) => void>();
  /** Merged state of every order not known to be finished. */
  readonly #working = new Map<string, OrderSnapshot>();
  /** Merged final state of recently finished orders, oldest first. */
  readonly #finished = new Map<string, OrderSnapshot>();
  /** What the listeners last got per order, to drop duplicates. */
  readonly #delivered = new Map<string, string>();

  /** Ids of the orders known to be working. */
  workingIds(): string[] {
    return [...this.#working.keys()];
  }

  /** True when the order is known and not finished. */
  isWorking(orderId: string): boolean {
    return this.#working.has(orderId);
  }

  /** The merged state of an order, if known. */
  get(orderId: string): OrderSnapshot | undefined {
    return this.#working.get(orderId) ?? this.#finished.get(orderId);
  }

  /** Subscribes to delivered order updates. */
  listen(listener: OrderListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called with every merged state, delivered or not (for waits inside the adapter). */
  observe(observer: (merged: OrderSnapshot) => void): Unsubscribe {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /**
   * Merges a report into the order's known state and returns the merged state. With `deliver`, listeners get
   * the merged state unless it equals the last one they got for that order.
   */
  merge(report: OrderSnapshot, deliver: boolean): OrderSnapshot {
    const clean = plainSnapshot(report);
    const merged = mergeSnapshot(this.get(clean.orderId), clean);
    if (isTerminal(merged.status)) {
      this.#working.delete(merged.orderId);
      this.#finished.delete(merged.orderId);
      this.#finished.set(merged.orderId, merged);
      if (this.#finished.size > FINISHED_REMEMBERED) {
        const oldest = this.#finished.keys().next().value!;
        this.#finished.delete(oldest);
        this.#delivered.delete(oldest);
      }
    } else {
      this.#working.set(merged.orderId, merged);
    }
    for (const observer of this.#observers) {
      try {
        observer(merged);
      } catch {
        // An observer must not break merging.
      }
    }
    if (deliver) {
      const key = `${merged.status}/${merged.filled.toFixed()}/${merged.fee?.toFixed() ?? ""}`;
      if (this.#delivered.get(merged.orderId) !== key) {
        this.#delivered.set(merged.orderId, key);
        for (const listener of this.#listeners) {
          try {
            listener(merged);
          } catch {
            // A listener must not break delivery to the others.
          }
        }
      }
    }
    return merged;
  }
}

/** The snapshot fields only (no venue extras), so merged states stay plain. */
export function plainSnapshot(o: OrderSnapshot): OrderSnapshot {
  return {
    orderId: o.orderId,
    side: o.side,
    status: o.status,
    price: o.price,
    quantity: o.quantity,
    filled: o.filled,
    ...(o.clientId === undefined ? {} : { clientId: o.clientId }),
    ...(o.avgPrice === undefined ? {} : { avgPrice: o.avgPrice }),
    ...(o.fee === undefined ? {} : { fee: o.fee }),
    ...(o.reduceOnly === undefined ? {} : { reduceOnly: o.reduceOnly }),
  };
}
