/**
 * Exact decimal arithmetic for turning prices and sizes into the integers venues sign.
 *
 * Amounts are held as an integer count of 10^-scale units, so products and scalings are exact whatever their
 * size (decimal.js rounds results to its configured precision; bigint never does). Rounding happens only where
 * a venue's rule asks for it, and is named at the call site.
 * @module
 */
import { Decimal } from "decimal.js";
import { AmountPrecisionError, FieldRangeError, InvalidFieldError, showValue } from "./errors.ts";

/**
 * A decimal amount as text (`"0.01"`) or a decimal.js value (the project's money Decimal is a clone of it).
 * Floats are not accepted: they are not exact.
 */
export type DecimalInput = string | Decimal;

/** A non-negative decimal: `units / 10^scale`. */
export interface ExactDecimal {
  /** Count of 10^-scale units. */
  readonly units: bigint;
  /** Number of fractional digits. */
  readonly scale: number;
}

/** How an amount that is not a whole number of venue units is turned into one. */
export type Rounding =
  /** Refuse the amount (the default: a silent truncation would sign something other than what is sent). */
  | "exact"
  /** Round toward zero (amounts are non-negative, so this is also floor). */
  | "trunc"
  /** Round up. */
  | "ceil";

const DECIMAL_TEXT = /^([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Reads a non-negative decimal exactly.
 * @throws InvalidFieldError if it is not a plain decimal (no sign, no exponent); FieldRangeError if negative
 */
export function parseDecimal(value: DecimalInput, field: string): ExactDecimal {
  let text: string;
  if (typeof value === "string") {
    text = value;
  } else if (Decimal.isDecimal(value)) {
    if (!value.isFinite()) throw new InvalidFieldError(field, showValue(value), "is not a finite number");
    if (value.isNegative() && !value.isZero()) {
      throw new FieldRangeError(field, showValue(value), "must not be negative");
    }
    text = value.isZero() ? "0" : value.toFixed();
  } else {
    throw new InvalidFieldError(field, showValue(value), "expected a decimal string or a Decimal");
  }
  if (text.startsWith("-") && DECIMAL_TEXT.test(text.slice(1))) {
    throw new FieldRangeError(field, showValue(value), "must not be negative");
  }
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) {
    throw new InvalidFieldError(field, showValue(value), "expected a plain decimal like 12.5");
  }
  const fraction = match[2] ?? "";
  return { units: BigInt(match[1]! + fraction), scale: fraction.length };
}

/** The exact product of two decimals. */
export function mulDecimal(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/**
 * Writes a decimal with exactly `scale` fractional digits, as Python's `Decimal` prints a product
 * (`100000.0 × 0.01` → `"1000.000"`).
 */
export function formatDecimal(value: ExactDecimal): string {
  if (value.scale === 0) return value.units.toString();
  const digits = value.units.toString().padStart(value.scale + 1, "0");
  return `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
}

/**
 * value × factor as an integer, rounded as asked.
 * @param factor the venue's resolution (10^8, 0x2540be400 …); must be positive
 * @throws AmountPrecisionError with `rounding = "exact"` if the product is not a whole number
 */
export function scaleToInteger(
  value: ExactDecimal,
  factor: bigint,
  field: string,
  rounding: Rounding = "exact",
): bigint {
  if (factor <= 0n) throw new FieldRangeError(`${field} resolution`, showValue(factor), "must be positive");
  const numerator = value.units * factor;
  const denominator = 10n ** BigInt(value.scale);
  const whole = numerator / denominator;
  if (numerator % denominator === 0n) return whole;
  if (rounding === "trunc") return whole;
  if (rounding === "ceil") return whole + 1n;
  throw new AmountPrecisionError(
    field,
    formatDecimal(value),
    `is not a whole number of units at resolution ${factor}; round it to the market's increment first`,
  );
}
