/**
 * The one Decimal constructor used for money in perpbot: 40 significant digits, half-up rounding.
 *
 * Every price, quantity, fee and PnL goes through this type; a `number` never carries money.
 * @module
 */
import { Decimal as DecimalJs } from "decimal.js";

/** Decimal configured for money: 40 significant digits, ROUND_HALF_UP, no exponent notation in output. */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
/** A Decimal value. */
export type Decimal = InstanceType<typeof Decimal>;

/** Zero, shared. */
export const ZERO: Decimal = new Decimal(0);

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses a decimal from its exact text (never through a float).
 * Returns `undefined` for anything that is not a plain decimal number (no exponent, no NaN, no Infinity).
 */
export function parseDecimal(text: string): Decimal | undefined {
  const trimmed = text.trim();
  if (!DECIMAL_TEXT.test(trimmed)) return undefined;
  return new Decimal(trimmed);
}

/** Smallest of two decimals. */
export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** Largest of two decimals. */
export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
