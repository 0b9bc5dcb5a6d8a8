/** Private key parsing, seed derivation, generation and redaction. */
import assert from "node:assert/strict";
import { LighterKeyError, LighterPrivateKey } from "../../../exchanges/lighter/signer/mod.ts";
import { SCALAR_ORDER, scalarToLeBytes } from "../../../exchanges/lighter/signer/scalar_field.ts";
import { bytesToHex } from "../../../exchanges/lighter/signer/hex.ts";
import { type LighterVectors, loadTestdata } from "./testdata.ts";

const v = loadTestdata<LighterVectors>("lighter.json");
const hex = v.keys.privkey_hex;

Deno.test("private keys parse with or without 0x, in either case, trimmed", () => {
  for (const text of [hex, `0x${hex}`, `0X${hex.toUpperCase()}`, ` ${hex}\n`]) {
    const key = LighterPrivateKey.fromHex(text);
    assert.equal(key.publicKeyHex(), v.keys.pubkey_hex, text);
    assert.equal(key.exportHex(), hex);
  }
});

Deno.test("malformed private keys are refused without echoing the key", () => {
  const cases = [hex.slice(2), hex + "00", hex.slice(1), hex.slice(0, 78) + "zz", "", "0x"];
  for (const text of cases) {
    assert.throws(
      () => LighterPrivateKey.fromHex(text),
      (e: unknown) =>
        e instanceof LighterKeyError && !(text.length > 8 && e.message.includes(text.slice(4, 20))),
      text,
    );
  }
  const zero = "00".repeat(40);
  assert.throws(() => LighterPrivateKey.fromHex(zero), /zero/);
  assert.throws(() => LighterPrivateKey.fromHex(bytesToHex(scalarToLeBytes(SCALAR_ORDER))), /zero/);
});

Deno.test("keys at or above the group order are reduced, as lighter-go does", () => {
  const one = LighterPrivateKey.fromHex("01" + "00".repeat(39));
  const nPlusOne = LighterPrivateKey.fromHex(bytesToHex(scalarToLeBytes(SCALAR_ORDER + 1n)));
  assert.equal(nPlusOne.publicKeyHex(), one.publicKeyHex());
  assert.equal(nPlusOne.exportHex(), one.exportHex());
});

Deno.test("seed derivation: 0x accepted, short or malformed seeds refused", () => {
  assert.equal(LighterPrivateKey.fromSeed(`0x${v.keys.seed_hex}`).exportHex(), v.keys.seed_privkey_hex);
  assert.notEqual(LighterPrivateKey.fromSeed(v.keys.seed_hex + "20").exportHex(), v.keys.seed_privkey_hex);
  assert.throws(() => LighterPrivateKey.fromSeed(v.keys.seed_hex.slice(2)), /at least 32 bytes/);
  assert.throws(() => LighterPrivateKey.fromSeed(v.keys.seed_hex.slice(1)), LighterKeyError);
  assert.throws(() => LighterPrivateKey.fromSeed("zz" + v.keys.seed_hex), LighterKeyError);
});

Deno.test("generated keys are random, valid and round-trip through exportHex", () => {
  const a = LighterPrivateKey.generate();
  const b = LighterPrivateKey.generate();
  assert.notEqual(a.exportHex(), b.exportHex());
  assert.equal(LighterPrivateKey.fromHex(a.exportHex()).publicKeyHex(), a.publicKeyHex());
  const fixed = LighterPrivateKey.generate((bytes) => bytes.fill(0).set([9]));
  assert.equal(fixed.exportHex(), "09" + "00".repeat(39));
});

Deno.test("a key never prints its secret; publicKey returns a copy", () => {
  const key = LighterPrivateKey.fromHex(hex);
  for (
    const shown of [String(key), `${key}`, JSON.stringify({ key }), Deno.inspect(key), Deno.inspect({ key })]
  ) {
    assert.ok(!shown.includes(hex.slice(0, 16)), shown);
    assert.ok(shown.includes("redacted"), shown);
  }
  const pk = key.publicKey();
  pk.fill(0);
  assert.equal(key.publicKeyHex(), v.keys.pubkey_hex);
});
