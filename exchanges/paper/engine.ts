/**
 * The paper venue's matching engine and account: pure state transitions, no I/O, no clock of its own.
 *
 * Resting limit orders fill when the synthetic market reaches them: fully when it trades through the price,
 * partly when it only touches it. Post-only orders that would cross are rejected; a market order (or a
 * crossing limit without post-only) fills at once at the touch and pays the taker fee. The account keeps a
 * signed position with its average entry, realised PnL, fees and traded volume.
 * @module
 */
import { Decimal, ZERO } from "../decimal.ts";
import { isMultipleOf, roundToMultiple } from "../rounding.ts";
import type {
  LimitOrderRequest,
  MarketOrderRequest,
  OrderSnapshot,
  OrderStatus,
  PlaceResult,
  Side,
} from "../venue.ts";
import { isTerminal } from "../venue.ts";
import { initialQuote, type PaperMarketSpec, type Quote, Rng, stepQuote } from "./price_path.ts";

/** Maker and taker fee rates, as fractions of notional. */
export interface FeeSchedule {
  readonly maker: Decimal;
  readonly taker: Decimal;
}

/** Default paper fees: 0.01 % maker, 0.035 % taker. */
export const DEFAULT_FEES: FeeSchedule = { maker: new Decimal("0.0001"), taker: new Decimal("0.00035") };

/** One order of the paper venue, serialisable. */
export interface PaperOrder {
  orderId: string;
  clientId: string;
  side: Side;
  price: string;
  quantity: string;
  filled: string;
  /** Notional of the fills so far, for the average price. */
  filledNotional: string;
  fee: string;
  status: OrderStatus;
  postOnly: boolean;
  reduceOnly: boolean;
  market: boolean;
  updatedAt: number;
}

/** The paper account, serialisable. */
export interface PaperAccount {
  position: string;
  avgEntry: string;
  realizedPnl: string;
  fees: string;
  volume: string;
  fills: number;
}

/** Everything the paper venue persists. */
export interface PaperState {
  version: 1;
  ticker: string;
  seed: number;
  rngState: number;
  /** Time of the last market step, ms since epoch. */
  time: number;
  bid: string;
  ask: string;
  nextOrderId: number;
  /** Working orders, then the most recent finished ones. */
  orders: PaperOrder[];
  account: PaperAccount;
}

/** Finished orders kept for queries; older ones are forgotten, as venues do. */
const FINISHED_KEPT = 200;

/** A fresh paper account and market for `spec`. */
export function freshPaperState(spec: PaperMarketSpec, seed: number, time: number): PaperState {
  const quote = initialQuote(spec);
  return {
    version: 1,
    ticker: spec.ticker,
    seed,
    rngState: seed >>> 0,
    time,
    bid: quote.bid.toString(),
    ask: quote.ask.toString(),
    nextOrderId: 1,
    orders: [],
    account: { position: "0", avgEntry: "0", realizedPnl: "0", fees: "0", volume: "0", fills: 0 },
  };
}

/** The matching engine over one {@link PaperState}. Every method returns the order updates it caused. */
export class PaperEngine {
  readonly spec: PaperMarketSpec;
  readonly fees: FeeSchedule;
  #state: PaperState;
  #rng: Rng;

  constructor(spec: PaperMarketSpec, state: PaperState, fees: FeeSchedule = DEFAULT_FEES) {
    this.spec = spec;
    this.fees = fees;
    this.#state = structuredClone(state);
    this.#rng = new Rng(state.rngState);
  }

  /** A copy of the state, to persist. */
  snapshot(): PaperState {
    return structuredClone({ ...this.#state, rngState: this.#rng.state });
  }

  /** Current best bid and ask. */
  quote(): Quote {
    return { bid: new Decimal(this.#state.bid), ask: new Decimal(this.#state.ask) };
  }

  /** Time of the last market step. */
  get time(): number {
    return this.#state.time;
  }

  /** Signed position. */
  position(): Decimal {
    return new Decimal(this.#state.account.position);
  }

  /** The account, as decimals. */
  account(): {
    position: Decimal;
    avgEntry: Decimal;
    realizedPnl: Decimal;
    fees: Decimal;
    volume: Decimal;
    fills: number;
  } {
    const a = this.#state.account;
    return {
      position: new Decimal(a.position),
      avgEntry: new Decimal(a.avgEntry),
      realizedPnl: new Decimal(a.realizedPnl),
      fees: new Decimal(a.fees),
      volume: new Decimal(a.volume),
      fills: a.fills,
    };
  }

  /** One order by id. */
  order(orderId: string): OrderSnapshot | undefined {
    const o = this.#state.orders.find((x) => x.orderId === orderId);
    return o === undefined ? undefined : toSnapshot(o);
  }

  /** Working orders. */
  openOrders(): OrderSnapshot[] {
    return this.#state.orders.filter((o) => !isTerminal(o.status)).map(toSnapshot);
  }

  /** Places a limit order. A repeated client id returns the order it already created (no duplicate). */
  placeLimit(req: LimitOrderRequest, now: number): { result: PlaceResult; events: OrderSnapshot[] } {
    const existing = this.#state.orders.find((o) => o.clientId === req.clientId);
    if (existing !== undefined) {
      return { result: { kind: "accepted", order: toSnapshot(existing) }, events: [] };
    }
    const problem = this.#validate(req.quantity, req.price);
    if (problem !== undefined) return { result: rejected(problem), events: [] };
    const reduceProblem = this.#reduceOnlyProblem(req.side, req.quantity, req.reduceOnly);
    if (reduceProblem !== undefined) return { result: rejected(reduceProblem), events: [] };
    const { bid, ask } = this.quote();
    const crosses = req.side === "buy" ? req.price.gte(ask) : req.price.lte(bid);
    if (crosses && req.postOnly) {
      const touch = req.side === "buy" ? `best ask ${ask}` : `best bid ${bid}`;
      return {
        result: {
          kind: "rejected",
          reason: `post-only ${req.side} at ${req.price} would cross ${touch}`,
          postOnlyWouldCross: true,
        },
        events: [],
      };
    }
    const order = this.#newOrder(req.side, req.price, req.quantity, req.clientId, now, {
      postOnly: req.postOnly,
      reduceOnly: req.reduceOnly,
      market: false,
    });
    const events = [toSnapshot(order)];
    if (crosses) {
      this.#fill(order, req.quantity, req.side === "buy" ? ask : bid, this.fees.taker, now);
      events.push(toSnapshot(order));
    }
    this.#prune();
    return { result: { kind: "accepted", order: toSnapshot(order) }, events };
  }

  /** Places a market order; it fills at once at the touch, or is rejected. */
  placeMarket(req: MarketOrderRequest, now: number): { order: OrderSnapshot; events: OrderSnapshot[] } {
    const existing = this.#state.orders.find((o) => o.clientId === req.clientId);
    if (existing !== undefined) return { order: toSnapshot(existing), events: [] };
    let quantity = req.quantity;
    const position = this.position();
    if (req.reduceOnly) quantity = Decimal.min(quantity, position.abs());
    const problem = this.#validate(quantity, undefined) ??
      this.#reduceOnlyProblem(req.side, quantity, req.reduceOnly);
    const { bid, ask } = this.quote();
    const order = this.#newOrder(req.side, ZERO, req.quantity, req.clientId, now, {
      postOnly: false,
      reduceOnly: req.reduceOnly,
      market: true,
    });
    if (problem !== undefined) {
      order.status = "REJECTED";
      this.#prune();
      return { order: toSnapshot(order), events: [toSnapshot(order)] };
    }
    this.#fill(order, quantity, req.side === "buy" ? ask : bid, this.fees.taker, now);
    if (order.status !== "FILLED") order.status = "CANCELED"; // capped reduce-only remainder
    this.#prune();
    return { order: toSnapshot(order), events: [toSnapshot(order)] };
  }

  /** Cancels an order. A finished order is returned unchanged (the cancel lost the race). */
  cancel(orderId: string, now: number): { order: OrderSnapshot | undefined; events: OrderSnapshot[] } {
    const o = this.#state.orders.find((x) => x.orderId === orderId);
    if (o === undefined) return { order: undefined, events: [] };
    if (isTerminal(o.status)) return { order: toSnapshot(o), events: [] };
    o.status = "CANCELED";
    o.updatedAt = now;
    return { order: toSnapshot(o), events: [toSnapshot(o)] };
  }

  /** Advances the market to `now` in steps of `stepMs`, filling what the market reaches. */
  advanceTo(now: number, stepMs: number): OrderSnapshot[] {
    const events: OrderSnapshot[] = [];
    const maxSteps = 3600;
    let steps = Math.floor((now - this.#state.time) / stepMs);
    if (steps > maxSteps) {
      // A long gap (the venue was not running): skip ahead instead of replaying hours of steps.
      this.#state.time = now - maxSteps * stepMs;
      steps = maxSteps;
    }
    for (let i = 0; i < steps; i++) {
      this.#state.time += stepMs;
      const step = stepQuote(this.spec, this.quote(), this.#rng, stepMs / 1000);
      this.#state.bid = step.bid.toString();
      this.#state.ask = step.ask.toString();
      for (const o of this.#state.orders) {
        if (isTerminal(o.status) || o.market) continue;
        const price = new Decimal(o.price);
        const through = o.side === "buy" ? step.lowAsk.lt(price) : step.highBid.gt(price);
        const touched = o.side === "buy" ? step.lowAsk.eq(price) : step.highBid.eq(price);
        if (!through && !touched) continue;
        const remaining = new Decimal(o.quantity).minus(o.filled);
        const qty = through ? remaining : this.#partial(remaining);
        if (qty.lte(0)) continue;
        this.#fill(o, qty, price, this.fees.maker, this.#state.time);
        events.push(toSnapshot(o));
      }
    }
    this.#prune();
    return events;
  }

  /** Sets the quote directly (tests and fakes), then matches resting orders against it. */
  setQuote(bid: Decimal, ask: Decimal, now: number): OrderSnapshot[] {
    if (!bid.lt(ask)) throw new RangeError(`Crossed quote: bid ${bid} >= ask ${ask}`);
    this.#state.bid = bid.toString();
    this.#state.ask = ask.toString();
    const events: OrderSnapshot[] = [];
    for (const o of this.#state.orders) {
      if (isTerminal(o.status) || o.market) continue;
      const price = new Decimal(o.price);
      if (o.side === "buy" ? ask.lte(price) : bid.gte(price)) {
        this.#fill(o, new Decimal(o.quantity).minus(o.filled), price, this.fees.maker, now);
        events.push(toSnapshot(o));
      }
    }
    this.#prune();
    return events;
  }

  /** Fills `quantity` of a resting order at its price (tests and fakes: forced fills and partial fills). */
  forceFill(orderId: string, quantity: Decimal, now: number): OrderSnapshot[] {
    const o = this.#state.orders.find((x) => x.orderId === orderId);
    if (o === undefined || isTerminal(o.status)) return [];
    const qty = Decimal.min(quantity, new Decimal(o.quantity).minus(o.filled));
    if (qty.lte(0)) return [];
    this.#fill(o, qty, new Decimal(o.price), this.fees.maker, now);
    return [toSnapshot(o)];
  }

  #partial(remaining: Decimal): Decimal {
    const fraction = 0.2 + 0.6 * this.#rng.next();
    return roundToMultiple(remaining.mul(fraction.toFixed(6)), this.spec.stepSize, "down");
  }

  #validate(quantity: Decimal, price: Decimal | undefined): string | undefined {
    if (!quantity.isFinite() || quantity.lte(0)) return `quantity ${quantity} must be > 0`;
    if (!isMultipleOf(quantity, this.spec.stepSize)) {
      return `quantity ${quantity} is not a multiple of the step size ${this.spec.stepSize}`;
    }
    if (quantity.lt(this.spec.minQuantity)) {
      return `quantity ${quantity} is below the minimum ${this.spec.minQuantity}`;
    }
    if (price !== undefined) {
      if (!price.isFinite() || price.lte(0)) return `price ${price} must be > 0`;
      if (!isMultipleOf(price, this.spec.tickSize)) {
        return `price ${price} is not a multiple of the tick size ${this.spec.tickSize}`;
      }
    }
    return undefined;
  }

  #reduceOnlyProblem(side: Side, quantity: Decimal, reduceOnly: boolean): string | undefined {
    if (!reduceOnly) return undefined;
    const position = this.position();
    const reduces = side === "buy" ? position.lt(0) : position.gt(0);
    if (!reduces) return `reduce-only ${side} would not reduce position ${position}`;
    if (quantity.gt(position.abs())) {
      return `reduce-only quantity ${quantity} exceeds position ${position.abs()}`;
    }
    return undefined;
  }

  #newOrder(
    side: Side,
    price: Decimal,
    quantity: Decimal,
    clientId: string,
    now: number,
    flags: { postOnly: boolean; reduceOnly: boolean; market: boolean },
  ): PaperOrder {
    const order: PaperOrder = {
      orderId: `P${this.#state.nextOrderId++}`,
      clientId,
      side,
      price: price.toString(),
      quantity: quantity.toString(),
      filled: "0",
      filledNotional: "0",
      fee: "0",
      status: "OPEN",
      ...flags,
      updatedAt: now,
    };
    this.#state.orders.push(order);
    return order;
  }

  #fill(o: PaperOrder, qty: Decimal, price: Decimal, feeRate: Decimal, now: number): void {
    const notional = qty.mul(price);
    const fee = notional.mul(feeRate);
    const filled = new Decimal(o.filled).plus(qty);
    o.filled = filled.toString();
    o.filledNotional = new Decimal(o.filledNotional).plus(notional).toString();
    o.fee = new Decimal(o.fee).plus(fee).toString();
    o.status = filled.gte(o.quantity) ? "FILLED" : "PARTIALLY_FILLED";
    o.updatedAt = now;
    this.#applyToAccount(o.side === "buy" ? qty : qty.neg(), price, fee);
  }

  #applyToAccount(signedQty: Decimal, price: Decimal, fee: Decimal): void {
    const a = this.#state.account;
    const position = new Decimal(a.position);
    const avg = new Decimal(a.avgEntry);
    let realized = new Decimal(a.realizedPnl);
    let newAvg = avg;
    const next = position.plus(signedQty);
    if (position.isZero() || position.isNeg() === signedQty.isNeg()) {
      // Adding to the position (or opening): weighted average entry.
      newAvg = position.abs().mul(avg).plus(signedQty.abs().mul(price)).div(next.abs());
    } else {
      const closed = Decimal.min(position.abs(), signedQty.abs());
      const perUnit = position.isPos() ? price.minus(avg) : avg.minus(price);
      realized = realized.plus(perUnit.mul(closed));
      if (next.isZero()) newAvg = ZERO;
      else if (next.isNeg() !== position.isNeg()) newAvg = price; // flipped: the rest opens at this price
    }
    a.position = next.toString();
    a.avgEntry = newAvg.toString();
    a.realizedPnl = realized.toString();
    a.fees = new Decimal(a.fees).plus(fee).toString();
    a.volume = new Decimal(a.volume).plus(signedQty.abs().mul(price)).toString();
    a.fills += 1;
  }

  #prune(): void {
    const finished = this.#state.orders.filter((o) => isTerminal(o.status));
    if (finished.length <= FINISHED_KEPT) return;
    const drop = new Set(finished.slice(0, finished.length - FINISHED_KEPT));
    this.#state.orders = this.#state.orders.filter((o) => !drop.has(o));
  }
}

function rejected(reason: string): PlaceResult {
  return { kind: "rejected", reason, postOnlyWouldCross: false };
}

function toSnapshot(o: PaperOrder): OrderSnapshot {
  const filled = new Decimal(o.filled);
  const avgPrice = filled.isZero() ? undefined : new Decimal(o.filledNotional).div(filled);
  return {
    orderId: o.orderId,
    clientId: o.clientId,
    side: o.side,
    status: o.status,
    price: o.market ? (avgPrice ?? ZERO) : new Decimal(o.price),
    quantity: new Decimal(o.quantity),
    filled,
    fee: new Decimal(o.fee),
    reduceOnly: o.reduceOnly,
    ...(avgPrice === undefined ? {} : { avgPrice }),
  };
}
