/**
 * The venue contract: what the bot needs from an exchange, and nothing about strategy.
 *
 * An adapter translates one venue's protocol into these types. Venue units (scaled integers, decimal strings,
 * venue status names) never leave the adapter's folder.
 * @module
 */
import type { Decimal } from "./decimal.ts";

/** Side of an order. */
export type Side = "buy" | "sell";

/** The opposite side. */
export function oppositeSide(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

/** Normalised order status. `CANCELED` covers cancelled and expired orders; `REJECTED` orders never rested. */
export type OrderStatus = "OPEN" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "REJECTED";

/** Statuses after which an order never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["FILLED", "CANCELED", "REJECTED"]);

/** True when the order can no longer fill. */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Trading rules of one perpetual market. */
export interface Market {
  /** The ticker the user asked for, upper case (`ETH`). */
  readonly ticker: string;
  /** The venue's symbol or contract id (`ETH_USDC_PERP`, `ETHUSDT`, `10000002`). */
  readonly symbol: string;
  /** Price increment; every price sent is a multiple of it. */
  readonly tickSize: Decimal;
  /** Quantity increment; every quantity sent is a multiple of it. */
  readonly stepSize: Decimal;
  /** Smallest accepted order quantity. */
  readonly minQuantity: Decimal;
}

/** Best bid and ask. */
export interface Bbo {
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** The state of one order as the venue last reported it. */
export interface OrderSnapshot {
  readonly orderId: string;
  /** The client id the bot sent, when the venue echoes it. */
  readonly clientId?: string;
  readonly side: Side;
  readonly status: OrderStatus;
  /** Limit price; for market orders the average fill price when known, else zero. */
  readonly price: Decimal;
  readonly quantity: Decimal;
  /** Cumulative filled quantity; never decreases for one order. */
  readonly filled: Decimal;
  /** Average fill price, when the venue reports it. */
  readonly avgPrice?: Decimal;
  /** Cumulative fee paid in the quote asset, when the venue reports it (negative for a rebate). */
  readonly fee?: Decimal;
  readonly reduceOnly?: boolean;
}

/** One normalised order update from the venue's stream. */
export type OrderEvent = OrderSnapshot;

/** A limit order request. Price and quantity must already be multiples of the market's increments. */
export interface LimitOrderRequest {
  readonly side: Side;
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Client order id; a retry of the same placement reuses it. */
  readonly clientId: string;
}

/** A market order request (boost mode, `cancel-all --close-position`). */
export interface MarketOrderRequest {
  readonly side: Side;
  readonly quantity: Decimal;
  readonly reduceOnly: boolean;
  readonly clientId: string;
}

/** Outcome of a placement. A post-only order that would cross is a result, not an exception. */
export type PlaceResult =
  | { readonly kind: "accepted"; readonly order: OrderSnapshot }
  | { readonly kind: "rejected"; readonly reason: string; readonly postOnlyWouldCross: boolean };

/** Called for every order update; must not throw. */
export type OrderListener = (event: OrderEvent) => void;

/** Stops a subscription. */
export type Unsubscribe = () => void;

/**
 * One venue, bound to one market (ticker) and one account.
 *
 * Methods that talk to the venue throw {@link VenueError} subclasses on failure.
 */
export interface Venue {
  /** Venue name as the CLI spells it (`paper`, `backpack`, …). */
  readonly name: string;
  /** Loads the market, authenticates and opens the streams. Must be called before anything else. */
  connect(): Promise<void>;
  /** Closes streams and releases resources. Orders stay on the venue. Safe to call twice. */
  close(): Promise<void>;
  /** The market loaded by {@link connect}. */
  market(): Market;
  /** Best bid and ask, from the stream when the venue has one. */
  bbo(): Promise<Bbo>;
  placeLimit(request: LimitOrderRequest): Promise<PlaceResult>;
  /** Places a market order and resolves with its final state (filled quantity and average price). */
  placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot>;
  /**
   * Cancels one order and resolves with its final state, including any quantity filled before the cancel.
   * An order that already filled resolves with status `FILLED`, not an error.
   */
  cancel(orderId: string): Promise<OrderSnapshot>;
  /** Cancels every open order of this market; resolves with the final state of each. */
  cancelAll(): Promise<OrderSnapshot[]>;
  /** One order, or `undefined` when the venue does not know it. */
  order(orderId: string): Promise<OrderSnapshot | undefined>;
  /** Working orders of this market. */
  openOrders(): Promise<OrderSnapshot[]>;
  /** Signed position in base units: positive long, negative short. */
  position(): Promise<Decimal>;
  /** Subscribes to normalised order updates of this market. */
  onOrderEvent(listener: OrderListener): Unsubscribe;
}

/** Base class of every venue failure. `retriable` says whether the same request may succeed later. */
export class VenueError extends Error {
  override name = "VenueError";
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}

/** The venue could not be reached, or answered with a server error. Retriable. */
export class VenueUnavailableError extends VenueError {
  override name = "VenueUnavailableError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** The request timed out: it may or may not have reached the venue. */
export class VenueTimeoutError extends VenueUnavailableError {
  override name = "VenueTimeoutError";
}

/** The venue refused the credentials or the signature. Not retriable. */
export class AuthenticationError extends VenueError {
  override name = "AuthenticationError";
}

/** The venue asked us to slow down. `retryAfterMs` comes from the venue when it says. */
export class RateLimitError extends VenueError {
  override name = "RateLimitError";
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { retriable: true, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The venue rejected the request as invalid (bad parameter, unknown order, insufficient margin). */
export class VenueRejectedError extends VenueError {
  override name = "VenueRejectedError";
  readonly code: string | undefined;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
    this.code = options.code;
  }
}

/** The venue answered with data that fails validation (missing fields, NaN, crossed book). Retriable. */
export class VenueDataError extends VenueError {
  override name = "VenueDataError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, ...options });
  }
}

/** The ticker has no market on this venue. */
export class UnknownMarketError extends VenueError {
  override name = "UnknownMarketError";
}
