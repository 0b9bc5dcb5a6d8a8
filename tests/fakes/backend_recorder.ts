/**
 * The venue's own record of a run, taken inside a loopback fake: every order its paper backend accepted,
 * with the state history the backend produced. It feeds the same invariant checker as the in-process
 * scenarios ({@link checkInvariants}), so an end-to-end run of the real CLI against a fake is judged by what
 * the venue saw, not by what the bot says it did.
 * @module
 */
import { Decimal } from "../../exchanges/decimal.ts";
import { isTerminal, type OrderSnapshot, type Side } from "../../exchanges/venue.ts";
import type {
  CancelRecord,
  InvariantRecord,
  OrderRecord,
  PlacementRecord,
  VenueState,
} from "./bot_harness.ts";
import type { PaperBackend } from "./loopback.ts";

/** Records a {@link PaperBackend}'s orders from the moment it is built until {@link stop}. */
export class BackendRecorder implements InvariantRecord {
  readonly orders = new Map<string, OrderRecord>();
  readonly placements: PlacementRecord[] = [];
  readonly cancels: CancelRecord[] = [];
  readonly #backend: PaperBackend;
  readonly #working = new Map<string, Side>();
  readonly #stop: () => void;

  constructor(backend: PaperBackend) {
    this.#backend = backend;
    this.#stop = backend.onUpdates((updates) => {
      for (const u of updates) this.#update(u);
    });
  }

  /** Stops recording (later orders, a `cancel-all` for example, are not part of the run). */
  stop(): void {
    this.#stop();
  }

  /** The venue now: working orders, position and quote. */
  state(): VenueState {
    return {
      at: this.#backend.clock.now(),
      working: this.#backend.openOrders(),
      position: this.#backend.position(),
      quote: this.#backend.quote(),
    };
  }

  #update(u: OrderSnapshot): void {
    const now = this.#backend.clock.now();
    let rec = this.orders.get(u.orderId);
    if (rec === undefined) {
      const placed = this.#backend.record(u.orderId);
      if (placed === undefined) return;
      const workingBefore = this.#backend.openOrders().filter((o) => o.orderId !== u.orderId);
      if (!isTerminal(u.status)) this.#working.set(u.orderId, placed.side);
      const count = (side: Side) => [...this.#working.values()].filter((s) => s === side).length;
      const position = this.#backend.position();
      const signedFill = placed.side === "buy" ? u.filled : u.filled.neg();
      rec = {
        orderId: u.orderId,
        clientId: placed.clientId ?? "",
        side: placed.side,
        kind: placed.market ? "market" : "limit",
        price: placed.market ? new Decimal(0) : u.price,
        quantity: u.quantity,
        reduceOnly: placed.reduceOnly,
        postOnly: placed.postOnly,
        placedAt: placed.placedAt,
        bbo: this.#backend.quote(),
        positionBefore: position.minus(signedFill),
        workingBefore,
        workingAfter: { buy: count("buy"), sell: count("sell") },
        viaRecorder: true,
        status: u.status,
        filled: u.filled,
        avgPrice: u.avgPrice,
        firstFillAt: u.filled.gt(0) ? now : undefined,
        terminalAt: isTerminal(u.status) ? now : undefined,
        history: [{ at: now, status: u.status, filled: u.filled }],
      };
      this.orders.set(u.orderId, rec);
      this.placements.push({
        at: placed.placedAt,
        kind: rec.kind,
        request: placed.market
          ? { side: placed.side, quantity: u.quantity, reduceOnly: placed.reduceOnly, clientId: rec.clientId }
          : {
            side: placed.side,
            price: u.price,
            quantity: u.quantity,
            postOnly: placed.postOnly,
            reduceOnly: placed.reduceOnly,
            clientId: rec.clientId,
          },
        outcome: "accepted",
        orderId: u.orderId,
        created: true,
      });
      if (u.status === "CANCELED") this.#cancelled(rec, now, u.filled);
      return;
    }
    if (isTerminal(rec.status)) return;
    rec.status = u.status;
    if (rec.firstFillAt === undefined && u.filled.gt(0)) rec.firstFillAt = now;
    rec.filled = u.filled;
    rec.avgPrice = u.avgPrice ?? rec.avgPrice;
    rec.history.push({ at: now, status: u.status, filled: u.filled });
    if (isTerminal(u.status)) {
      rec.terminalAt = now;
      this.#working.delete(u.orderId);
      if (u.status === "CANCELED") this.#cancelled(rec, now, u.filled);
    }
  }

  #cancelled(rec: OrderRecord, at: number, filled: Decimal): void {
    this.cancels.push({
      at,
      orderId: rec.orderId,
      side: rec.side,
      outcome: "ok",
      status: "CANCELED",
      filled,
    });
  }
}
