/** Exact decimal scaling: no float, no silent rounding, explicit trunc/ceil, refusals naming the field. */
import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import {
  formatDecimal,
  mulDecimal,
  parseDecimal,
  scaleToInteger,
} from "../../../exchanges/stark/fixed_point.ts";
import { AmountPrecisionError, FieldRangeError, InvalidFieldError } from "../../../exchanges/stark/errors.ts";
import { SEED, TestRandom } from "./testdata.ts";

Deno.test("parseDecimal reads strings and decimal.js values exactly", () => {
  assert.deepEqual(parseDecimal("100000.0", "price"), { units: 1000000n, scale: 1 });
  assert.deepEqual(parseDecimal("0.01", "size"), { units: 1n, scale: 2 });
  assert.deepEqual(parseDecimal("7", "size"), { units: 7n, scale: 0 });
  assert.deepEqual(parseDecimal(new Decimal("1e-30"), "size"), { units: 1n, scale: 30 });
  assert.deepEqual(parseDecimal(new Decimal("-0"), "size"), { units: 0n, scale: 0 });
  const big = "123456789012345678901234567890.123456789";
  assert.equal(formatDecimal(parseDecimal(new Decimal(big), "size")), big);
});

Deno.test("parseDecimal refuses signs, exponents, floats and garbage, naming the field", () => {
  assert.throws(
    () => parseDecimal("-1", "size"),
    (e: Error) => e instanceof FieldRangeError && /size/.test(e.message),
  );
  assert.throws(() => parseDecimal(new Decimal(-2), "price"), FieldRangeError);
  assert.throws(() => parseDecimal("1e5", "price"), InvalidFieldError);
  assert.throws(() => parseDecimal(".5", "price"), InvalidFieldError);
  assert.throws(() => parseDecimal("", "price"), InvalidFieldError);
  assert.throws(() => parseDecimal(new Decimal(NaN), "price"), /finite/);
  assert.throws(() => parseDecimal(1.5 as unknown as string, "price"), /decimal string or a Decimal/);
});

Deno.test("scaleToInteger is exact by default and rounds only when asked", () => {
  assert.equal(scaleToInteger(parseDecimal("0.1", "size"), 10n ** 8n, "size"), 10000000n);
  assert.equal(scaleToInteger(parseDecimal("65000.5", "price"), 10n ** 8n, "price"), 6500050000000n);
  assert.equal(scaleToInteger(parseDecimal("0.01", "size"), 0x2540be400n, "size"), 100000000n);
  const tooFine = parseDecimal("0.123456789", "size");
  assert.throws(() => scaleToInteger(tooFine, 10n ** 8n, "size"), (e: Error) => {
    assert.ok(e instanceof AmountPrecisionError);
    assert.match(e.message, /Invalid size 0\.123456789/);
    return true;
  });
  assert.equal(scaleToInteger(tooFine, 10n ** 8n, "size", "trunc"), 12345678n);
  assert.equal(scaleToInteger(tooFine, 10n ** 8n, "size", "ceil"), 12345679n);
  assert.equal(scaleToInteger(parseDecimal("0.38", "fee"), 1n, "fee", "ceil"), 1n);
  assert.equal(scaleToInteger(parseDecimal("2.000", "fee"), 1n, "fee", "ceil"), 2n);
  assert.throws(() => scaleToInteger(tooFine, 0n, "size"), /size resolution/);
});

Deno.test(`mulDecimal and scaling agree with decimal.js at high precision (seed ${SEED})`, () => {
  const D = Decimal.clone({ precision: 200 });
  const rnd = new TestRandom(SEED + 30);
  for (let i = 0; i < 200; i++) {
    const a = rnd.decimal(12, 12);
    const b = rnd.decimal(12, 12);
    const product = mulDecimal(parseDecimal(a, "a"), parseDecimal(b, "b"));
    assert.ok(new D(formatDecimal(product)).eq(new D(a).mul(b)), `${a} × ${b}`);
    const factor = 10n ** BigInt(rnd.int(10));
    const expected = new D(a).mul(factor.toString());
    const trunc = scaleToInteger(parseDecimal(a, "a"), factor, "a", "trunc");
    const ceil = scaleToInteger(parseDecimal(a, "a"), factor, "a", "ceil");
    assert.equal(trunc.toString(), expected.floor().toFixed());
    assert.equal(ceil.toString(), expected.ceil().toFixed());
  }
});

Deno.test("formatDecimal keeps the scale like Python's Decimal", () => {
  assert.equal(
    formatDecimal(mulDecimal(parseDecimal("100000.0", "p"), parseDecimal("0.01", "s"))),
    "1000.000",
  );
  assert.equal(formatDecimal({ units: 5n, scale: 3 }), "0.005");
  assert.equal(formatDecimal({ units: 0n, scale: 2 }), "0.00");
});
