/** Felt conversions: the SNIP-12 revision 0 string rules, short strings, and refusals that name the field. */
import assert from "node:assert/strict";
import { shortString } from "starknet";
import {
  checkBits,
  checkFelt,
  encodeShortString,
  feltToHex,
  FIELD_PRIME,
  parseFelt,
  parseHexInteger,
  toHex64,
} from "../../../exchanges/stark/felt.ts";
import { FieldRangeError, InvalidFieldError } from "../../../exchanges/stark/errors.ts";

Deno.test("parseFelt reads hex, decimal, empty and short strings like starknet.js", () => {
  assert.equal(parseFelt("0x1f", "f"), 31n);
  assert.equal(parseFelt("0X1F", "f"), 31n);
  assert.equal(parseFelt("1634736000000", "f"), 1634736000000n);
  assert.equal(parseFelt("", "f"), 0n);
  assert.equal(parseFelt(7, "f"), 7n);
  assert.equal(parseFelt(7n, "f"), 7n);
  assert.equal(parseFelt("ETH-USD-PERP", "f"), BigInt(shortString.encodeShortString("ETH-USD-PERP")));
  assert.equal(parseFelt("Paradex", "f"), 0x50617261646578n);
});

Deno.test("encodeShortString equals starknet.js for ASCII up to 31 characters", () => {
  for (const text of ["a", "STARK Key", "PRIVATE_SN_PARACLEAR_MAINNET", "x".repeat(31)]) {
    assert.equal(encodeShortString(text, "t"), BigInt(shortString.encodeShortString(text)));
  }
});

Deno.test("felt conversions refuse bad values and name the field", () => {
  assert.throws(() => parseFelt("x".repeat(32), "message.market"), /message\.market.*at most 31/);
  assert.throws(
    () => parseFelt("é", "message.market"),
    (e: Error) => e instanceof InvalidFieldError && /ASCII/.test(e.message),
  );
  assert.throws(() => parseFelt("-5", "size"), FieldRangeError);
  assert.throws(() => parseFelt(-1, "size"), FieldRangeError);
  assert.throws(() => parseFelt(1.5, "size"), /not a safe integer/);
  assert.throws(() => parseFelt(2 ** 60, "size"), FieldRangeError);
  assert.throws(() => parseFelt(FIELD_PRIME, "id"), /Invalid id .*Stark field/);
  assert.throws(() => parseFelt(`0x${FIELD_PRIME.toString(16)}`, "id"), FieldRangeError);
  assert.equal(checkFelt(FIELD_PRIME - 1n, "x"), FIELD_PRIME - 1n);
  assert.throws(() => parseFelt(true as unknown as string, "flag"), InvalidFieldError);
});

Deno.test("checkBits accepts exactly [0, 2^bits)", () => {
  assert.equal(checkBits(2n ** 64n - 1n, 64, "amountSell"), 2n ** 64n - 1n);
  assert.throws(() => checkBits(2n ** 64n, 64, "amountSell"), /amountSell .*64 unsigned bits/);
  assert.throws(() => checkBits(-1n, 32, "nonce"), FieldRangeError);
});

Deno.test("hex integers and hex formatting", () => {
  assert.equal(parseHexInteger("0x2540be400", "r"), 10n ** 10n);
  assert.equal(parseHexInteger("f4240", "r"), 10n ** 6n);
  assert.throws(() => parseHexInteger("0x", "syntheticAssetId"), /syntheticAssetId/);
  assert.throws(() => parseHexInteger("12g", "r"), InvalidFieldError);
  assert.equal(feltToHex(255n), "0xff");
  assert.equal(toHex64(255n), "0".repeat(62) + "ff");
});
