/**
 * Rounding of prices and quantities to multiples of a venue increment.
 *
 * A price is rounded to a *multiple* of the tick, not to the tick's number of decimals: with tick `0.5`,
 * 2000.37 becomes 2000.5 (up) or 2000 (down), and with tick `10`, 2003 becomes 2010 or 2000.
 * @module
 */
import { Decimal } from "./decimal.ts";

/** Direction of rounding to a multiple of an increment. */
export type RoundingMode = "down" | "up" | "nearest";

/** Thrown when an increment is zero or negative. */
export class InvalidIncrementError extends Error {
  override name = "InvalidIncrementError";
}

/** Rounds `value` to a multiple of `increment` (`down` = toward −∞, `up` = toward +∞, `nearest` = half up). */
export function roundToMultiple(value: Decimal, increment: Decimal, mode: RoundingMode): Decimal {
  if (!increment.isFinite() || increment.lte(0)) {
    throw new InvalidIncrementError(`Cannot round ${value} to increment ${increment}: increment must be > 0`);
  }
  const ratio = value.div(increment);
  const units = mode === "down"
    ? ratio.floor()
    : mode === "up"
    ? ratio.ceil()
    : ratio.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return units.mul(increment);
}

/** True when `value` is an exact multiple of `increment`. */
export function isMultipleOf(value: Decimal, increment: Decimal): boolean {
  return increment.gt(0) && value.mod(increment).isZero();
}
