/**
 * Checks of an order before it is sent: a price on the tick grid, a quantity on the step grid and at least
 * the minimum, and decimals the venue can take. A refusal is a {@link VenueRejectedError} naming the value
 * and the venue.
 * @module
 */
import type { Decimal } from "./decimal.ts";
import { isMultipleOf } from "./rounding.ts";
import { type Market, VenueRejectedError } from "./venue.ts";

/** Where an order would go: the venue's name and the market's symbol, for the messages. */
export interface OrderTarget {
  readonly venue: string;
  readonly symbol: string;
}

/** `name` and `what` are the value's and the increment's names in the message (`price`, `tick size`). */
function checkIncrement(
  target: OrderTarget,
  name: string,
  value: Decimal,
  increment: Decimal,
  what: string,
): void {
  if (!isMultipleOf(value, increment)) {
    throw new VenueRejectedError(
      `Cannot send ${name} ${value} for ${target.symbol} to ${target.venue}: ` +
        `not a multiple of the ${what} ${increment}`,
    );
  }
}

/**
 * Refuses a price off the market's tick grid.
 * @throws VenueRejectedError naming the price and the tick size
 */
export function checkPrice(target: OrderTarget, market: Market, price: Decimal): void {
  checkIncrement(target, "price", price, market.tickSize, "tick size");
}

/**
 * Refuses a quantity off the market's step grid or below its minimum.
 * @throws VenueRejectedError naming the quantity and the step size or minimum
 */
export function checkQuantity(target: OrderTarget, market: Market, quantity: Decimal): void {
  checkIncrement(target, "quantity", quantity, market.stepSize, "step size");
  if (quantity.lt(market.minQuantity)) {
    throw new VenueRejectedError(
      `Cannot send quantity ${quantity} for ${target.symbol} to ${target.venue}: ` +
        `below the minimum ${market.minQuantity}`,
    );
  }
}

/**
 * `value` in plain notation (no exponent), as sent to the venue named `venue`; `name` is the field in the
 * message.
 * @throws VenueRejectedError when `value` is not a finite number > 0
 */
export function plainPositive(venue: string, name: string, value: Decimal): string {
  if (!value.isFinite() || !value.gt(0)) {
    throw new VenueRejectedError(`Cannot send ${name} ${value} to ${venue}: it must be > 0`);
  }
  return value.toFixed();
}
