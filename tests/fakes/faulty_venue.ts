/**
 * A {@link Venue} decorator that injects faults, scripted per test: failing calls (5xx, timeouts with or without
 * the answer lost, 429 with `retryAfterMs`), a wrong position for a number of reads, a fill that lands between
 * a cancel request and its answer, and dropped, duplicated, delayed or reordered order events.
 *
 * Everything random is drawn from a seeded generator, so a scenario replays exactly.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { type Decimal, ZERO } from "../../exchanges/decimal.ts";
import { Rng } from "../../exchanges/paper/price_path.ts";
import type { PaperVenue } from "../../exchanges/paper/venue.ts";
import {
  type Bbo,
  type LimitOrderRequest,
  type Market,
  type MarketOrderRequest,
  type OrderEvent,
  type OrderListener,
  type OrderSnapshot,
  type PlaceResult,
  RateLimitError,
  type Unsubscribe,
  type Venue,
  VenueTimeoutError,
  VenueUnavailableError,
} from "../../exchanges/venue.ts";

/** The venue methods that can be made to fail. */
export type FaultyMethod =
  | "bbo"
  | "placeLimit"
  | "placeMarket"
  | "cancel"
  | "cancelAll"
  | "order"
  | "openOrders"
  | "position";

/** Every method that can be made to fail. */
export const FAULTY_METHODS: readonly FaultyMethod[] = [
  "bbo",
  "placeLimit",
  "placeMarket",
  "cancel",
  "cancelAll",
  "order",
  "openOrders",
  "position",
];

/** One injected failure of a call. */
export interface CallFault {
  /** `unavailable` = a 5xx or a refused connection; `timeout` = no answer; `rate-limit` = a 429. */
  readonly kind: "unavailable" | "timeout" | "rate-limit";
  /** Forward the call to the venue first and lose its answer (the venue acted, the caller does not know). */
  readonly afterForward?: boolean;
  /** For `rate-limit`: the delay the venue asks for. */
  readonly retryAfterMs?: number;
  /** Extra text in the error message (for example a secret a careless venue echoes back). */
  readonly detail?: string;
}

/** One call as the decorator saw it. */
export interface CallRecord {
  readonly at: number;
  readonly method: FaultyMethod;
  /** The fault injected into this call, if any. */
  readonly fault?: CallFault;
}

/** A call whose effect reached the venue but whose answer was replaced by an error. */
export interface LostAnswer {
  readonly at: number;
  readonly method: FaultyMethod;
  /** What the venue answered (a {@link PlaceResult}, an {@link OrderSnapshot}, …). */
  readonly answer: unknown;
}

/** Random faults on the order-event stream. Rates are probabilities per event, in [0, 1]. */
export interface EventFaults {
  readonly drop?: number;
  /** Deliver a second, late copy of the event (after {@link EventFaults.duplicateDelayMs}). */
  readonly duplicate?: number;
  readonly duplicateDelayMs?: number;
  /** Hold the event back and deliver it after the next one (or after {@link EventFaults.holdMs}). */
  readonly reorder?: number;
  readonly holdMs?: number;
  /** Extra delay of every event, ms. */
  readonly delayMs?: number;
  /** Drop every event this predicate selects (on top of `drop`). */
  readonly dropIf?: (event: OrderEvent) => boolean;
  /**
   * Deliver each event with the fee its order had before it, and the event's own fee in a copy this many ms
   * later (venues whose fee arrives after the fill it belongs to).
   */
  readonly feeLaterMs?: number;
}

interface QueuedFault {
  remaining: number;
  readonly fault: CallFault;
}

interface RateFault {
  readonly p: number;
  readonly fault: CallFault;
}

interface WindowFault {
  readonly from: number;
  readonly to: number;
  readonly fault: CallFault;
}

interface CancelRace {
  remaining: number;
  readonly quantity: (order: OrderSnapshot) => Decimal;
  readonly filter: (order: OrderSnapshot) => boolean;
}

/** Counters of what the event pipeline did. */
export interface EventFaultStats {
  delivered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

/** The fault-injecting decorator. With nothing scripted it forwards every call and event unchanged. */
export class FaultyVenue implements Venue {
  readonly name: string;
  readonly #inner: Venue;
  readonly #clock: Clock;
  readonly #paper: PaperVenue | undefined;
  readonly #rng: Rng;
  readonly #queued = new Map<FaultyMethod, QueuedFault[]>();
  readonly #rates = new Map<FaultyMethod, RateFault[]>();
  readonly #windows = new Map<FaultyMethod, WindowFault[]>();
  readonly #listeners = new Set<OrderListener>();
  #wrongPositions = 0;
  #wrongPosition: (real: Decimal) => Decimal = () => ZERO;
  #cancelRace: CancelRace | undefined;
  #events: EventFaults = {};
  /** The fee last handed out per order, when fees are delivered late. */
  readonly #feeSent = new Map<string, Decimal>();
  #held: OrderEvent[] = [];
  /** Every call, in order. */
  readonly calls: CallRecord[] = [];
  /** Calls that reached the venue but whose answer was lost. */
  readonly lostAnswers: LostAnswer[] = [];
  /** Position reads that returned a wrong value: the time and the real value. */
  readonly wrongPositionReads: { at: number; real: Decimal; reported: Decimal }[] = [];
  /** Fills forced between a cancel request and its answer. */
  readonly cancelRaces: { at: number; orderId: string; quantity: Decimal }[] = [];
  /** What the event pipeline did. */
  readonly eventStats: EventFaultStats = { delivered: 0, dropped: 0, duplicated: 0, reordered: 0 };

  /**
   * `paper` is needed only for {@link FaultyVenue.fillBeforeCancel} (it forces the fill); `seed` fixes the
   * random faults.
   */
  constructor(inner: Venue, options: { clock: Clock; paper?: PaperVenue; seed?: number }) {
    this.name = inner.name;
    this.#inner = inner;
    this.#clock = options.clock;
    this.#paper = options.paper;
    this.#rng = new Rng(options.seed ?? 12345);
    inner.onOrderEvent((e) => this.#incoming(e));
  }

  /** Makes the next `count` calls of `methods` fail with `fault`. */
  failNext(methods: FaultyMethod | readonly FaultyMethod[], count: number, fault: CallFault): void {
    for (const m of asList(methods)) {
      const list = this.#queued.get(m) ?? [];
      list.push({ remaining: count, fault });
      this.#queued.set(m, list);
    }
  }

  /** Makes each call of `methods` fail with probability `p` (seeded), until {@link FaultyVenue.heal}. */
  failRandomly(methods: FaultyMethod | readonly FaultyMethod[], p: number, fault: CallFault): void {
    for (const m of asList(methods)) {
      const list = this.#rates.get(m) ?? [];
      list.push({ p, fault });
      this.#rates.set(m, list);
    }
  }

  /** Makes every call of `methods` fail during `[fromMs, toMs)` of the clock (an outage). */
  failBetween(
    methods: FaultyMethod | readonly FaultyMethod[],
    fromMs: number,
    toMs: number,
    fault: CallFault,
  ): void {
    for (const m of asList(methods)) {
      const list = this.#windows.get(m) ?? [];
      list.push({ from: fromMs, to: toMs, fault });
      this.#windows.set(m, list);
    }
  }

  /** Removes every scripted call fault (queued, random and windowed). */
  heal(): void {
    this.#queued.clear();
    this.#rates.clear();
    this.#windows.clear();
  }

  /** The next `count` position reads return `wrong(real)` instead of the real position. */
  wrongPosition(count: number, wrong: (real: Decimal) => Decimal = () => ZERO): void {
    this.#wrongPositions = count;
    this.#wrongPosition = wrong;
  }

  /**
   * The next `count` cancels of orders selected by `filter` first fill `quantity(order)` of the order on the
   * paper venue, then forward the cancel: the fill wins the race against the cancel.
   */
  fillBeforeCancel(
    count: number,
    quantity: (order: OrderSnapshot) => Decimal,
    filter: (order: OrderSnapshot) => boolean = () => true,
  ): void {
    if (this.#paper === undefined) throw new Error("fillBeforeCancel needs the paper venue");
    this.#cancelRace = { remaining: count, quantity, filter };
  }

  /** Sets the random faults of the order-event stream (replacing the previous ones). */
  setEventFaults(faults: EventFaults): void {
    this.#events = faults;
  }

  connect(): Promise<void> {
    return this.#inner.connect();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  market(): Market {
    return this.#inner.market();
  }

  bbo(): Promise<Bbo> {
    return this.#call("bbo", () => this.#inner.bbo());
  }

  placeLimit(request: LimitOrderRequest): Promise<PlaceResult> {
    return this.#call("placeLimit", () => this.#inner.placeLimit(request));
  }

  placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot> {
    return this.#call("placeMarket", () => this.#inner.placeMarket(request));
  }

  cancel(orderId: string): Promise<OrderSnapshot> {
    return this.#call("cancel", async () => {
      const race = this.#cancelRace;
      if (race !== undefined && race.remaining > 0 && this.#paper !== undefined) {
        const order = this.#paper.engine.order(orderId);
        if (
          order !== undefined && order.status !== "FILLED" && order.status !== "CANCELED" &&
          race.filter(order)
        ) {
          race.remaining--;
          const qty = race.quantity(order);
          this.#paper.forceFill(orderId, qty);
          this.cancelRaces.push({ at: this.#clock.now(), orderId, quantity: qty });
        }
      }
      return await this.#inner.cancel(orderId);
    });
  }

  cancelAll(): Promise<OrderSnapshot[]> {
    return this.#call("cancelAll", () => this.#inner.cancelAll());
  }

  order(orderId: string): Promise<OrderSnapshot | undefined> {
    return this.#call("order", () => this.#inner.order(orderId));
  }

  openOrders(): Promise<OrderSnapshot[]> {
    return this.#call("openOrders", () => this.#inner.openOrders());
  }

  position(): Promise<Decimal> {
    return this.#call("position", async () => {
      const real = await this.#inner.position();
      if (this.#wrongPositions <= 0) return real;
      this.#wrongPositions--;
      const reported = this.#wrongPosition(real);
      this.wrongPositionReads.push({ at: this.#clock.now(), real, reported });
      return reported;
    });
  }

  onOrderEvent(listener: OrderListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #call<T>(method: FaultyMethod, forward: () => Promise<T>): Promise<T> {
    const fault = this.#pickFault(method);
    const at = this.#clock.now();
    this.calls.push(fault === undefined ? { at, method } : { at, method, fault });
    if (fault === undefined) return await forward();
    if (fault.afterForward) {
      const answer = await forward();
      this.lostAnswers.push({ at, method, answer });
    }
    throw makeError(method, fault);
  }

  #pickFault(method: FaultyMethod): CallFault | undefined {
    const queued = this.#queued.get(method);
    while (queued !== undefined && queued.length > 0) {
      const head = queued[0]!;
      if (head.remaining > 0) {
        head.remaining--;
        return head.fault;
      }
      queued.shift();
    }
    const now = this.#clock.now();
    for (const w of this.#windows.get(method) ?? []) {
      if (now >= w.from && now < w.to) return w.fault;
    }
    for (const r of this.#rates.get(method) ?? []) {
      if (this.#rng.next() < r.p) return r.fault;
    }
    return undefined;
  }

  #incoming(event: OrderEvent): void {
    const f = this.#events;
    if (f.dropIf?.(event) || (f.drop !== undefined && this.#rng.next() < f.drop)) {
      this.eventStats.dropped++;
      return;
    }
    if (f.feeLaterMs !== undefined && event.fee !== undefined) {
      const earlier = this.#feeSent.get(event.orderId);
      this.#feeSent.set(event.orderId, event.fee);
      if (earlier === undefined || !earlier.eq(event.fee)) {
        const withFee = event;
        const { fee: _fee, ...rest } = event;
        event = earlier === undefined ? rest : { ...rest, fee: earlier };
        this.#later(f.feeLaterMs, () => this.#deliver(withFee));
      }
    }
    const duplicate = f.duplicate !== undefined && this.#rng.next() < f.duplicate;
    const hold = f.reorder !== undefined && this.#rng.next() < f.reorder;
    const delay = f.delayMs ?? 0;
    if (hold) {
      this.eventStats.reordered++;
      this.#held.push(event);
      // A held event must not wait for ever when no other event comes.
      this.#clock.sleep(delay + (f.holdMs ?? 3000)).then(() => this.#flushHeld());
    } else {
      this.#later(delay, () => {
        this.#deliver(event);
        this.#flushHeld();
      });
    }
    if (duplicate) {
      this.eventStats.duplicated++;
      this.#later(delay + (f.duplicateDelayMs ?? 500), () => this.#deliver(event));
    }
  }

  #later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else this.#clock.sleep(ms).then(fn);
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const e of held) this.#deliver(e);
  }

  #deliver(event: OrderEvent): void {
    this.eventStats.delivered++;
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener must not break delivery to the others.
      }
    }
  }
}

function asList(methods: FaultyMethod | readonly FaultyMethod[]): readonly FaultyMethod[] {
  return typeof methods === "string" ? [methods] : methods;
}

function makeError(method: FaultyMethod, fault: CallFault): Error {
  const detail = fault.detail === undefined ? "" : ` (${fault.detail})`;
  switch (fault.kind) {
    case "timeout":
      return new VenueTimeoutError(`Injected timeout of ${method}${detail}`);
    case "rate-limit":
      return new RateLimitError(
        `Injected 429 on ${method}${detail}`,
        fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs },
      );
    default:
      return new VenueUnavailableError(`Injected 503 on ${method}${detail}`);
  }
}
