/**
 * The strategy's formulas as pure functions: values in, values out, no I/O and no clock.
 *
 * Every rule of the original bot lives here once, for every venue: open price, take-profit price, maker guard,
 * cooldown, grid step, stop and pause prices, and the position-mismatch rule.
 * @module
 */
import { Decimal } from "../exchanges/decimal.ts";
import { roundToMultiple } from "../exchanges/rounding.ts";
import type { Bbo, Side } from "../exchanges/venue.ts";

/** Thrown when the book is empty, non-positive or crossed: the bot must not price anything from it. */
export class InvalidBookError extends Error {
  override name = "InvalidBookError";
}

/** Checks that a best bid/ask can be priced from: both positive and bid < ask. */
export function assertUsableBook(bbo: Bbo): void {
  if (!bbo.bid.isFinite() || !bbo.ask.isFinite() || bbo.bid.lte(0) || bbo.ask.lte(0)) {
    throw new InvalidBookError(`Invalid best bid/ask: bid ${bbo.bid}, ask ${bbo.ask} (both must be > 0)`);
  }
  if (bbo.bid.gte(bbo.ask)) {
    throw new InvalidBookError(`Crossed best bid/ask: bid ${bbo.bid} >= ask ${bbo.ask}`);
  }
}

/**
 * Price of the post-only open order: one tick inside the opposite touch (`ask − tick` to buy, `bid + tick` to
 * sell), on the tick grid, and never crossing. With a one-tick spread this joins the near touch.
 */
export function openPrice(direction: Side, bbo: Bbo, tick: Decimal): Decimal {
  assertUsableBook(bbo);
  if (direction === "buy") {
    const price = roundToMultiple(bbo.ask.minus(tick), tick, "down");
    if (price.lte(0)) throw new InvalidBookError(`No buy price below best ask ${bbo.ask} with tick ${tick}`);
    return price;
  }
  return roundToMultiple(bbo.bid.plus(tick), tick, "up");
}

/**
 * Take-profit price for an entry: `entry × (1 + tp%)` to sell after a buy, `entry × (1 − tp%)` to buy after a
 * sell, rounded to the tick away from the entry (never less profit than asked).
 */
export function takeProfitPrice(
  direction: Side,
  entry: Decimal,
  takeProfitPercent: Decimal,
  tick: Decimal,
): Decimal {
  const factor = takeProfitPercent.div(100);
  if (direction === "buy") return roundToMultiple(entry.mul(factor.plus(1)), tick, "up");
  const price = roundToMultiple(entry.mul(new Decimal(1).minus(factor)), tick, "down");
  return price.gt(0) ? price : tick;
}

/**
 * The maker guard: a take-profit that would cross the book is moved one tick outside the touch, so that it
 * rests as a maker order (sell at or below the bid → `bid + tick`; buy at or above the ask → `ask − tick`).
 */
export function makerGuard(closeSide: Side, price: Decimal, bbo: Bbo, tick: Decimal): Decimal {
  if (closeSide === "sell" && price.lte(bbo.bid)) return roundToMultiple(bbo.bid.plus(tick), tick, "up");
  if (closeSide === "buy" && price.gte(bbo.ask)) return roundToMultiple(bbo.ask.minus(tick), tick, "down");
  return price;
}

/**
 * Cooldown between two take-profit placements, by how full the take-profit book is: `2W` from 2/3 of
 * `maxOrders`, `W` from 1/3, `W/2` from 1/6, `W/4` below. `undefined` when the cap is reached (no new order).
 */
export function cooldownMs(
  activeTakeProfits: number,
  maxOrders: number,
  waitTimeMs: number,
): number | undefined {
  if (activeTakeProfits >= maxOrders) return undefined;
  // Integer comparisons: n/M >= 2/3  ⇔  3n >= 2M, and so on, with no float rounding at the boundaries.
  const n = activeTakeProfits;
  const m = maxOrders;
  if (3 * n >= 2 * m) return 2 * waitTimeMs;
  if (3 * n >= m) return waitTimeMs;
  if (6 * n >= m) return waitTimeMs / 2;
  return waitTimeMs / 4;
}

/**
 * Grid-step rule: a new open order is allowed only if its take-profit would sit at least `gridStep` percent
 * away from the nearest resting take-profit. `-100` (or anything ≤ −100) turns the rule off.
 *
 * Buy: nearest TP = lowest; `nearest / (ask × (1 + tp%)) > 1 + g%`. Sell: nearest = highest;
 * `(bid × (1 − tp%)) / nearest > 1 + g%`.
 */
export function gridStepAllows(
  direction: Side,
  takeProfitPrices: readonly Decimal[],
  bbo: Bbo,
  takeProfitPercent: Decimal,
  gridStepPercent: Decimal,
): boolean {
  if (takeProfitPrices.length === 0 || gridStepPercent.lte(-100)) return true;
  assertUsableBook(bbo);
  const threshold = gridStepPercent.div(100).plus(1);
  const tp = takeProfitPercent.div(100);
  if (direction === "buy") {
    const nearest = Decimal.min(...takeProfitPrices);
    const newClose = bbo.ask.mul(tp.plus(1));
    return nearest.div(newClose).gt(threshold);
  }
  const nearest = Decimal.max(...takeProfitPrices);
  const newClose = bbo.bid.mul(new Decimal(1).minus(tp));
  return newClose.div(nearest).gt(threshold);
}

/** What the stop and pause prices say about the current book. */
export interface PriceCondition {
  readonly stop: boolean;
  readonly pause: boolean;
}

/**
 * Stop and pause rules (`-1` = off). Buying: triggered when `ask >= price`. Selling: when `bid <= price`.
 */
export function priceCondition(
  direction: Side,
  bbo: Bbo,
  stopPrice: Decimal | undefined,
  pausePrice: Decimal | undefined,
): PriceCondition {
  if (stopPrice === undefined && pausePrice === undefined) return { stop: false, pause: false };
  assertUsableBook(bbo);
  const hit = (level: Decimal | undefined) =>
    level !== undefined && (direction === "buy" ? bbo.ask.gte(level) : bbo.bid.lte(level));
  return { stop: hit(stopPrice), pause: hit(pausePrice) };
}

/**
 * Position-mismatch rule: the absolute position and the total size of resting take-profits may differ by at
 * most twice the order quantity.
 */
export function positionMismatch(position: Decimal, takeProfitTotal: Decimal, quantity: Decimal): boolean {
  return position.abs().minus(takeProfitTotal).abs().gt(quantity.mul(2));
}

/**
 * Whether to keep waiting on an unfilled open order: only while the price the bot would quote now has not
 * moved away from it (buy: new price ≤ order price; sell: new price ≥ order price).
 */
export function keepWaiting(direction: Side, orderPrice: Decimal, newPrice: Decimal): boolean {
  return direction === "buy" ? newPrice.lte(orderPrice) : newPrice.gte(orderPrice);
}
