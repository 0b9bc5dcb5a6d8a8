/** Validation primitives of venue data: what passes, and what each refusal says. */
import assert from "node:assert/strict";
import { type Bound, type Json, jsonChecks, show } from "../../exchanges/json_checks.ts";
import { VenueDataError } from "../../exchanges/venue.ts";

const checks = jsonChecks("testvenue");

/** Runs `f` and returns the message of the {@link VenueDataError} it throws. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VenueDataError, `expected a VenueDataError, got ${e}`);
    return e.message;
  }
  assert.fail("expected a refusal");
}

Deno.test("show quotes JSON, says missing, and cuts long text between words", () => {
  const cyclic: Json = {};
  cyclic.self = cyclic;
  const long = `${"a".repeat(75)} ${"s".repeat(40)}`;
  const table: [value: unknown, shown: string][] = [
    [undefined, "missing"],
    [null, "null"],
    ["7", '"7"'],
    [7, "7"],
    [{ a: [1] }, '{"a":[1]}'],
    [Symbol("s"), "Symbol(s)"],
    [cyclic, "[object Object]"],
    ["x".repeat(78), `"${"x".repeat(78)}"`],
    // The second word would not fit whole: it is left out rather than quoted in part.
    [long, `"${"a".repeat(75)} …`],
    // One word longer than the quote: nothing of it is shown.
    ["k".repeat(200), `"…`],
  ];
  for (const [value, shown] of table) assert.equal(show(value), shown, String(value));
});

Deno.test("fail names the venue and the place", () => {
  assert.equal(refusal(() => checks.fail("order", "bad")), "testvenue order: bad");
});

Deno.test("object and array accept their kind and refuse the rest", () => {
  assert.deepEqual(checks.object({ a: 1 }, "w"), { a: 1 });
  assert.deepEqual(checks.array([1], "w"), [1]);
  const table: [f: () => unknown, message: string][] = [
    [() => checks.object(null, "w"), "testvenue w: expected an object, got null"],
    [() => checks.object([], "w"), "testvenue w: expected an object, got []"],
    [() => checks.object("x", "w"), 'testvenue w: expected an object, got "x"'],
    [() => checks.object(undefined, "w"), "testvenue w: expected an object, got missing"],
    [() => checks.array({}, "w"), "testvenue w: expected an array, got {}"],
    [() => checks.array(undefined, "w"), "testvenue w: expected an array, got missing"],
  ];
  for (const [f, message] of table) assert.equal(refusal(f), message);
});

Deno.test("string and optionalString", () => {
  assert.equal(checks.string({ k: "v" }, "k", "w"), "v");
  assert.equal(checks.optionalString({ k: "v" }, "k", "w"), "v");
  for (const v of [undefined, null, ""]) assert.equal(checks.optionalString({ k: v }, "k", "w"), undefined);
  const table: [f: () => unknown, message: string][] = [
    [() => checks.string({}, "k", "w"), "testvenue w: k must be a non-empty string, got missing"],
    [() => checks.string({ k: "" }, "k", "w"), 'testvenue w: k must be a non-empty string, got ""'],
    [() => checks.string({ k: 1 }, "k", "w"), "testvenue w: k must be a non-empty string, got 1"],
    [() => checks.optionalString({ k: 1 }, "k", "w"), "testvenue w: k must be a string, got 1"],
  ];
  for (const [f, message] of table) assert.equal(refusal(f), message);
});

Deno.test("decimals within their bound", () => {
  const ok: [value: string, bound: Bound][] = [
    ["1.5", "positive"],
    ["0", "nonNegative"],
    ["-2", "any"],
    ["0.000001", "positive"],
  ];
  for (const [value, bound] of ok) {
    assert.equal(checks.decimal({ p: value }, "p", "w", bound).toString(), String(Number(value)));
    assert.equal(checks.decimalValue(value, "p", "w", bound).toString(), String(Number(value)));
  }
  assert.equal(checks.optionalDecimal({}, "p", "w", "positive"), undefined);
  assert.equal(checks.optionalDecimal({ p: null }, "p", "w", "positive"), undefined);
  assert.equal(checks.optionalDecimal({ p: "2" }, "p", "w", "positive")?.toString(), "2");
  const table: [f: () => unknown, message: string][] = [
    [() => checks.decimal({ p: 1 }, "p", "w", "any"), "testvenue w: p must be a decimal string, got 1"],
    [() => checks.decimal({}, "p", "w", "any"), "testvenue w: p must be a decimal string, got missing"],
    [() => checks.decimal({ p: "abc" }, "p", "w", "any"), 'testvenue w: p "abc" is not a decimal number'],
    [() => checks.decimal({ p: "0" }, "p", "w", "positive"), "testvenue w: p 0 must be > 0"],
    [() => checks.decimal({ p: "-1" }, "p", "w", "nonNegative"), "testvenue w: p -1 must be >= 0"],
    [() => checks.decimalValue("-1", "price", "w", "positive"), "testvenue w: price -1 must be > 0"],
    [() => checks.optionalDecimal({ p: "x" }, "p", "w", "any"), 'testvenue w: p "x" is not a decimal number'],
  ];
  for (const [f, message] of table) assert.equal(refusal(f), message);
});

Deno.test("optional booleans and integers", () => {
  assert.equal(checks.optionalBoolean({ b: true }, "b", "w"), true);
  assert.equal(checks.optionalBoolean({ b: null }, "b", "w"), undefined);
  assert.equal(checks.optionalInteger({ n: 0 }, "n", "w"), 0);
  assert.equal(checks.optionalInteger({}, "n", "w"), undefined);
  const table: [f: () => unknown, message: string][] = [
    [() => checks.optionalBoolean({ b: "true" }, "b", "w"), 'testvenue w: b must be a boolean, got "true"'],
    [
      () => checks.optionalInteger({ n: -1 }, "n", "w"),
      "testvenue w: n must be a non-negative integer, got -1",
    ],
    [
      () => checks.optionalInteger({ n: 1.5 }, "n", "w"),
      "testvenue w: n must be a non-negative integer, got 1.5",
    ],
    [
      () => checks.optionalInteger({ n: "1" }, "n", "w"),
      'testvenue w: n must be a non-negative integer, got "1"',
    ],
    [
      () => checks.optionalInteger({ n: 2 ** 53 }, "n", "w"),
      "testvenue w: n must be a non-negative integer, got 9007199254740992",
    ],
  ];
  for (const [f, message] of table) assert.equal(refusal(f), message);
});
