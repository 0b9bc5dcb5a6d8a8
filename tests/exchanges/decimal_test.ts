/** The money type: exact parsing of plain decimal text, nothing else. */
import assert from "node:assert/strict";
import { Decimal, maxDecimal, minDecimal, parseDecimal, ZERO } from "../../exchanges/decimal.ts";

Deno.test("parseDecimal accepts plain decimal text exactly", () => {
  const table: [text: string, expected: string][] = [
    ["1", "1"],
    ["-1", "-1"],
    ["+1", "1"],
    [".5", "0.5"],
    ["-.5", "-0.5"],
    ["1.", "1"],
    ["0.1", "0.1"],
    ["0", "0"],
    ["007", "7"],
    ["3000.01", "3000.01"],
    [" 42 ", "42"], // surrounding blanks are trimmed
    ["\t0.25\n", "0.25"],
    ["0.000000000000000000000000000001", "0.000000000000000000000000000001"],
    ["123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"],
  ];
  for (const [text, expected] of table) {
    const value = parseDecimal(text);
    assert.ok(value !== undefined, JSON.stringify(text));
    assert.equal(value.toString(), expected, JSON.stringify(text));
  }
});

Deno.test("parseDecimal refuses exponents, NaN, Infinity, hex, blanks inside and empty text", () => {
  for (
    const text of [
      "1e3",
      "1E3",
      "1e-3",
      "NaN",
      "nan",
      "Infinity",
      "-Infinity",
      "",
      "   ",
      "0x10",
      "0b1",
      " 1 2",
      "1,5",
      "1..2",
      ".",
      "-",
      "+",
      "--1",
      "1-",
      "$1",
      "1_000",
    ]
  ) {
    assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
  }
});

Deno.test("parseDecimal never goes through a float", () => {
  const tenth = parseDecimal("0.1")!;
  assert.ok(tenth.eq(new Decimal("0.1")));
  assert.equal(tenth.mul(3).toString(), "0.3"); // a float gives 0.30000000000000004
  assert.equal(parseDecimal("0.1")!.plus(parseDecimal("0.2")!).toString(), "0.3");
  // 17 significant digits do not survive a double; they survive here.
  assert.equal(parseDecimal("0.12345678901234567")!.toString(), "0.12345678901234567");
});

Deno.test("Decimal is configured for money: 40 digits, half up, no exponent in output", () => {
  assert.equal(Decimal.precision, 40);
  assert.equal(Decimal.rounding, Decimal.ROUND_HALF_UP);
  assert.equal(new Decimal("0.00000000000000000001").toString(), "0.00000000000000000001");
  assert.equal(new Decimal("1").div(3).toString(), "0.3333333333333333333333333333333333333333");
  assert.equal(new Decimal("2.5").toDecimalPlaces(0).toString(), "3");
  assert.equal(ZERO.toString(), "0");
});

Deno.test("minDecimal and maxDecimal", () => {
  const table: [a: string, b: string, min: string, max: string][] = [
    ["1", "2", "1", "2"],
    ["2", "1", "1", "2"],
    ["-1", "0", "-1", "0"],
    ["0.1", "0.10", "0.1", "0.1"],
  ];
  for (const [a, b, min, max] of table) {
    assert.equal(minDecimal(new Decimal(a), new Decimal(b)).toString(), min);
    assert.equal(maxDecimal(new Decimal(a), new Decimal(b)).toString(), max);
  }
});
