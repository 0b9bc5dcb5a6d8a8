/**
 * The REST resynchronisation of a venue's orders after its stream reconnected or dropped an invalid order
 * update: the open orders are read, and every order known as working that left the book is queried, so a
 * fill missed while the stream was down still reaches the listeners. One run at a time; a request made
 * during a run starts one more run after it.
 * @module
 */
import { SleepAbortedError } from "../bot/clock.ts";
import type { OrderStates } from "./order_states.ts";
import type { OrderSnapshot } from "./venue.ts";

/** Least time between two resyncs caused by invalid order updates, ms (a venue sending garbage is spared). */
export const BAD_DATA_RESYNC_MS = 5000;

/** What an {@link OrderResync} reads from and reports to. */
export interface OrderResyncOptions {
  /** The venue's name, for the log. */
  readonly venue: string;
  /** The venue's merged order states; changes found are delivered to its listeners. */
  readonly orders: OrderStates;
  /** The open orders, by REST. */
  readonly openOrders: () => Promise<readonly OrderSnapshot[]>;
  /** One order by id, by REST; `undefined` when the venue does not know it. */
  readonly order: (orderId: string) => Promise<OrderSnapshot | undefined>;
  /** True once the venue is closed: no run starts, and a run stops before its next report. */
  readonly closed: () => boolean;
  /** Time of the bad-data throttle, ms (the socket clock). */
  readonly now: () => number;
  readonly log: (level: "info" | "warning", message: string) => void;
}

/** Resynchronises a venue's orders by REST; see the module documentation. */
export class OrderResync {
  readonly #opts: OrderResyncOptions;
  #running: Promise<void> | undefined;
  #again = false;
  #lastBadData = Number.NEGATIVE_INFINITY;

  constructor(options: OrderResyncOptions) {
    this.#opts = options;
  }

  /** Resolves when no run is left (a failed run is logged, never thrown). */
  async settled(): Promise<void> {
    await this.#running?.catch(() => {});
  }

  /** A dropped order update: resynchronise, at most once per {@link BAD_DATA_RESYNC_MS}. */
  afterBadData(): void {
    const now = this.#opts.now();
    if (now - this.#lastBadData < BAD_DATA_RESYNC_MS) return;
    this.#lastBadData = now;
    void this.run("an invalid order update");
  }

  /** Reads the open orders by REST and reports every order whose state changed; `why` is for the log. */
  run(why: string): Promise<void> {
    if (this.#opts.closed()) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#once(why);
        } while (this.#again && !this.#opts.closed());
      } catch (e) {
        if (!(e instanceof SleepAbortedError)) {
          this.#opts.log(
            "warning",
            `${this.#opts.venue} resync after ${why} failed: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #once(why: string): Promise<void> {
    const { orders, closed } = this.#opts;
    this.#opts.log("info", `${this.#opts.venue}: reading open orders after ${why}`);
    const known = orders.workingIds();
    const open = await this.#opts.openOrders();
    if (closed()) return;
    const openIds = new Set(open.map((o) => o.orderId));
    for (const o of open) orders.merge(o, true);
    // Orders that left the book while the stream was down: their final state says whether they filled.
    for (const id of known) {
      if (openIds.has(id) || !orders.isWorking(id)) continue;
      const final = await this.#opts.order(id);
      if (closed()) return;
      if (final !== undefined) orders.merge(final, true);
    }
  }
}
