/** Rounding to multiples of a tick or step: the grid, not the number of decimals, decides. */
import assert from "node:assert/strict";
import { Decimal } from "../../exchanges/decimal.ts";
import {
  InvalidIncrementError,
  isMultipleOf,
  type RoundingMode,
  roundToMultiple,
} from "../../exchanges/rounding.ts";

const d = (s: string) => new Decimal(s);

Deno.test("roundToMultiple rounds to multiples of the increment in every mode", () => {
  const table: [value: string, increment: string, down: string, up: string, nearest: string][] = [
    // Tick 0.5: the Python original would have kept 2000.37 (one decimal place fits), a multiple does not.
    ["2000.37", "0.5", "2000", "2000.5", "2000.5"],
    ["2000.25", "0.5", "2000", "2000.5", "2000.5"], // exactly half way: half up
    ["2000.24", "0.5", "2000", "2000.5", "2000"],
    ["2000.5", "0.5", "2000.5", "2000.5", "2000.5"],
    ["2000", "0.5", "2000", "2000", "2000"],
    // Tick 10: an integer price that is not on the grid.
    ["2003", "10", "2000", "2010", "2000"],
    ["2005", "10", "2000", "2010", "2010"],
    ["2009.99", "10", "2000", "2010", "2010"],
    ["2010", "10", "2010", "2010", "2010"],
    ["7", "10", "0", "10", "10"],
    // Tick 0.01.
    ["3000.004", "0.01", "3000", "3000.01", "3000"],
    ["3000.005", "0.01", "3000", "3000.01", "3000.01"],
    ["3000.0099999", "0.01", "3000", "3000.01", "3000.01"],
    ["0.001", "0.01", "0", "0.01", "0"],
    // A step like 0.001 for quantities.
    ["0.1234", "0.001", "0.123", "0.124", "0.123"],
    // Odd increments: 0.25 and 0.3 (multiples, not decimal places).
    ["1.3", "0.25", "1.25", "1.5", "1.25"],
    ["1", "0.3", "0.9", "1.2", "0.9"],
    ["0", "0.5", "0", "0", "0"],
  ];
  for (const [value, increment, down, up, nearest] of table) {
    const expected: Record<RoundingMode, string> = { down, up, nearest };
    for (const mode of ["down", "up", "nearest"] as const) {
      const got = roundToMultiple(d(value), d(increment), mode);
      assert.equal(got.toString(), expected[mode], `${value} to ${increment} ${mode}`);
      assert.ok(isMultipleOf(got, d(increment)), `${got} is a multiple of ${increment}`);
    }
  }
});

Deno.test("roundToMultiple on negative values: down is toward -inf, up toward +inf", () => {
  const table: [value: string, increment: string, down: string, up: string, nearest: string][] = [
    ["-2000.37", "0.5", "-2000.5", "-2000", "-2000.5"],
    ["-2003", "10", "-2010", "-2000", "-2000"],
    ["-0.004", "0.01", "-0.01", "0", "0"],
    ["-1", "0.5", "-1", "-1", "-1"],
    // Half way: decimal.js ROUND_HALF_UP rounds away from zero, so -1.25 goes to -1.5.
    ["-1.25", "0.5", "-1.5", "-1", "-1.5"],
  ];
  for (const [value, increment, down, up, nearest] of table) {
    const expected: Record<RoundingMode, string> = { down, up, nearest };
    for (const mode of ["down", "up", "nearest"] as const) {
      const got = roundToMultiple(d(value), d(increment), mode);
      assert.ok(
        got.eq(expected[mode]),
        `${value} to ${increment} ${mode}: got ${got}, want ${expected[mode]}`,
      );
    }
  }
});

Deno.test("roundToMultiple keeps exact decimals (no float drift)", () => {
  // 0.1 + 0.2 in floats is 0.30000000000000004; here the multiple is exact.
  assert.equal(roundToMultiple(d("0.1").plus("0.2"), d("0.1"), "down").toString(), "0.3");
  assert.equal(roundToMultiple(d("1234567.891"), d("0.001"), "up").toString(), "1234567.891");
  assert.equal(roundToMultiple(d("0.00000123456"), d("0.00001"), "nearest").toString(), "0");
  assert.equal(roundToMultiple(d("0.00000623456"), d("0.00001"), "nearest").toString(), "0.00001");
});

Deno.test("roundToMultiple refuses a zero, negative or non-finite increment and names it", () => {
  for (const increment of ["0", "-0.5", "-10", "NaN", "Infinity"]) {
    assert.throws(
      () => roundToMultiple(d("2000.37"), new Decimal(increment), "down"),
      (e: Error) =>
        e instanceof InvalidIncrementError && e.name === "InvalidIncrementError" &&
        e.message.includes(`increment ${new Decimal(increment)}`) && e.message.includes("2000.37"),
      increment,
    );
  }
});

Deno.test("isMultipleOf", () => {
  const table: [value: string, increment: string, expected: boolean][] = [
    ["2000.5", "0.5", true],
    ["2000.37", "0.5", false],
    ["2010", "10", true],
    ["2003", "10", false],
    ["3000.01", "0.01", true],
    ["3000.001", "0.01", false],
    ["0", "0.01", true],
    ["-1.5", "0.5", true],
    ["-1.4", "0.5", false],
    ["1", "0", false],
    ["1", "-1", false],
  ];
  for (const [value, increment, expected] of table) {
    assert.equal(isMultipleOf(d(value), d(increment)), expected, `${value} multiple of ${increment}`);
  }
});
