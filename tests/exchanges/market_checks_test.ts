/** Order checks against a market: grid and minimum, refused with the venue and the symbol named. */
import assert from "node:assert/strict";
import { Decimal } from "../../exchanges/decimal.ts";
import { checkPrice, checkQuantity, type OrderTarget, plainPositive } from "../../exchanges/market_checks.ts";
import { type Market, VenueRejectedError } from "../../exchanges/venue.ts";

const d = (s: string) => new Decimal(s);
const target: OrderTarget = { venue: "somevenue", symbol: "ETH-PERP" };
const market: Market = {
  ticker: "ETH",
  symbol: "ETH-PERP",
  tickSize: d("0.5"),
  stepSize: d("0.01"),
  minQuantity: d("0.05"),
};

/** Runs `f` and returns the message of the {@link VenueRejectedError} it throws, or `undefined`. */
function refusal(f: () => void): string | undefined {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VenueRejectedError, `expected a VenueRejectedError, got ${e}`);
    return e.message;
  }
  return undefined;
}

Deno.test("checkPrice accepts multiples of the tick size only", () => {
  const table: [price: string, message: string | undefined][] = [
    ["2000", undefined],
    ["2000.5", undefined],
    ["0.5", undefined],
    ["2000.25", "Cannot send price 2000.25 for ETH-PERP to somevenue: not a multiple of the tick size 0.5"],
    ["2000.51", "Cannot send price 2000.51 for ETH-PERP to somevenue: not a multiple of the tick size 0.5"],
  ];
  for (const [price, message] of table) {
    assert.equal(refusal(() => checkPrice(target, market, d(price))), message);
  }
});

Deno.test("checkQuantity accepts multiples of the step size from the minimum on", () => {
  const table: [quantity: string, message: string | undefined][] = [
    ["0.05", undefined],
    ["1.23", undefined],
    ["0.055", "Cannot send quantity 0.055 for ETH-PERP to somevenue: not a multiple of the step size 0.01"],
    // Off the grid and below the minimum: the grid is named first.
    ["0.001", "Cannot send quantity 0.001 for ETH-PERP to somevenue: not a multiple of the step size 0.01"],
    ["0.04", "Cannot send quantity 0.04 for ETH-PERP to somevenue: below the minimum 0.05"],
    ["0", "Cannot send quantity 0 for ETH-PERP to somevenue: below the minimum 0.05"],
  ];
  for (const [quantity, message] of table) {
    assert.equal(refusal(() => checkQuantity(target, market, d(quantity))), message, quantity);
  }
});

Deno.test("plainPositive writes a decimal without exponent and refuses what is not > 0", () => {
  const ok: [value: Decimal, text: string][] = [
    [d("1e-7"), "0.0000001"],
    [d("1.5e21"), "1500000000000000000000"],
    [d("2000.50"), "2000.5"],
  ];
  for (const [value, text] of ok) assert.equal(plainPositive("somevenue", "price", value), text);
  const table: [value: Decimal, message: string][] = [
    [d("0"), "Cannot send quantity 0 to somevenue: it must be > 0"],
    [d("-1"), "Cannot send quantity -1 to somevenue: it must be > 0"],
    [d("NaN"), "Cannot send quantity NaN to somevenue: it must be > 0"],
    [d("Infinity"), "Cannot send quantity Infinity to somevenue: it must be > 0"],
  ];
  for (const [value, message] of table) {
    assert.equal(refusal(() => void plainPositive("somevenue", "quantity", value)), message);
  }
});
