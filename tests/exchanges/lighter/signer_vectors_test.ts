/**
 * Every vector of tests/testdata/lighter.json, reproduced exactly: primitives, keys, transaction hashes,
 * fixed-nonce signatures, tx_info strings and the auth token.
 */
import assert from "node:assert/strict";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";
import * as pt from "../../../exchanges/lighter/signer/ecgfp5_point.ts";
import { mulPointVarTime } from "../../../exchanges/lighter/signer/ecgfp5_scalar_mul.ts";
import {
  hashNToMNoPad,
  hashToQuinticExtension,
  permute,
} from "../../../exchanges/lighter/signer/poseidon2.ts";
import { signHashedMessage } from "../../../exchanges/lighter/signer/schnorr.ts";
import { leBytesToBigInt } from "../../../exchanges/lighter/signer/scalar_field.ts";
import {
  bytesToHex,
  createAuthToken,
  hashAuthTokenMessage,
  hashCancelAllOrders,
  hashCancelOrder,
  hashCreateOrder,
  LighterPrivateKey,
  signCancelAllOrders,
  signCancelOrder,
  signCreateOrder,
  type SignedLighterTx,
  type TxAttributes,
  verifyAuthToken,
  verifyHashedMessage,
} from "../../../exchanges/lighter/signer/mod.ts";
import { fromLeHex, fromLimbs, type LighterVectors, limbs, loadTestdata } from "./testdata.ts";

const v = loadTestdata<LighterVectors>("lighter.json");
const P = 0xffffffff00000001n;
const fixedNonce = fromLeHex(v.keys.k_hex);

Deno.test("Poseidon2 permutation matches TestPermute", () => {
  assert.equal(
    permute(limbs(v.primitives.poseidon2_permute.input)).join(","),
    v.primitives.poseidon2_permute.output,
  );
});

Deno.test("HashToQuinticExtension matches TestHashToQuinticExtension", () => {
  const h = v.primitives.hash_to_quintic_extension;
  assert.equal(hashToQuinticExtension(limbs(h.input)).join(","), h.output);
});

Deno.test("HashNToMNoPad accepts non-canonical u64 inputs like TestHashNToHashNoPadLarge", () => {
  const h = v.primitives.hash_n_to_m_no_pad_noncanonical;
  const named: Record<string, bigint> = {
    "p+1": P + 1n,
    "p+2": P + 2n,
    "p+3": P + 3n,
    "2^64-1": 2n ** 64n - 1n,
    "2^64-2": 2n ** 64n - 2n,
  };
  const input = h.input.map((name) => named[name]!);
  assert.equal(input.length, 5);
  assert.equal(hashNToMNoPad(input, h.m).join(","), h.output);
});

Deno.test("GF(p^5) multiplication, square and inverse match the field tests", () => {
  const f = v.primitives.fp5;
  const a = fp5.fromBigInts(f.a.map((s) => BigInt(s.split(" ")[0]!)));
  const b = fp5.fromBigInts([0, 1, 2, 3, 4].map(() => 2n ** 64n - 1n));
  const o = fp5.create();
  fp5.mul(o, a, b);
  assert.equal(fp5.toBigInts(o).join(","), f.mul_a_b);
  fp5.square(o, a);
  assert.equal(fp5.toBigInts(o).join(","), f.square_a);
  fp5.inverseOrZero(o, a);
  assert.equal(fp5.toBigInts(o).join(","), f.inverse_a);
});

Deno.test("ECgFp5 scalar multiplication matches TestScalarMul", () => {
  const s = v.primitives.ecgfp5_scalar_mul;
  const p = new pt.Point();
  fp5.setBigInts(p.x, limbs(s.point_x));
  fp5.setBigInts(p.t, limbs(s.point_t));
  fp5.setOne(p.z);
  fp5.setOne(p.u);
  const o = new pt.Point();
  mulPointVarTime(o, p, fromLimbs(limbs(s.scalar_limbs)));
  const w = fp5.create();
  pt.encode(w, o);
  assert.equal(fp5.toBigInts(w).join(","), s.expected_encoding);
});

Deno.test("Schnorr signature with fixed nonce matches TestComparativeSchnorrSignAndVerify vector 0", () => {
  const s = v.primitives.schnorr_sign_fixed_k;
  const message = fp5.toBytes(fp5.fromBigInts(limbs(s.message_limbs)));
  const sig = signHashedMessage(fromLimbs(limbs(s.sk_limbs)), message, {
    unsafeFixedNonce: fromLimbs(limbs(s.k_limbs)),
  });
  assert.equal(leBytesToBigInt(sig, 0, 40), fromLimbs(limbs(s.s_limbs)));
  assert.equal(leBytesToBigInt(sig, 40, 40), fromLimbs(limbs(s.e_limbs)));
});

Deno.test("public keys: vector key, sk = 1 and sk = 2", () => {
  assert.equal(LighterPrivateKey.fromHex(v.keys.privkey_hex).publicKeyHex(), v.keys.pubkey_hex);
  const one = "01" + "00".repeat(39);
  assert.equal(LighterPrivateKey.fromHex(one).publicKeyHex(), "04" + "00".repeat(39));
  assert.equal(
    LighterPrivateKey.fromHex("02" + "00".repeat(39)).publicKeyHex(),
    "384c87fe1213197f4e1b457e9d43548fc00067c00ee5c1d872895e08ab103be54336d3d4b9d5bc8c",
  );
});

Deno.test("HashToQuinticExtension([0]) matches the derived vector", () => {
  assert.equal(
    hashToQuinticExtension([0n]).join(","),
    "7182099517097165596,9311216678150108034,8831900494918587432,10774846510254277933,10601329242472021962",
  );
});

Deno.test("seed derivation gives the vector private and public key", () => {
  const key = LighterPrivateKey.fromSeed(v.keys.seed_hex);
  assert.equal(key.exportHex(), v.keys.seed_privkey_hex);
  assert.equal(key.publicKeyHex(), v.keys.seed_pubkey_hex);
});

function toCamel(fields: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).map(([k, x]) => [k[0]!.toLowerCase() + k.slice(1), x]));
}

function toAttributes(attributes: Record<string, number> | null): TxAttributes | undefined {
  if (attributes === null) return undefined;
  const names: Record<string, keyof TxAttributes> = { "4": "skipNonce", "5": "cancelAllMarketIndex" };
  const out: Record<string, number> = {};
  for (const [type, value] of Object.entries(attributes)) {
    const name = names[type];
    assert.ok(name, `vector uses attribute type ${type} that the test does not map`);
    out[name] = value;
  }
  return out as TxAttributes;
}

const key = LighterPrivateKey.fromHex(v.keys.privkey_hex);

for (const t of v.transactions) {
  Deno.test(`transaction vector ${t.name}: hash, signature, tx_info`, () => {
    const fields = { ...toCamel(t.fields), attributes: toAttributes(t.attributes) };
    let hash: Uint8Array;
    let signed: SignedLighterTx;
    // deno-lint-ignore no-explicit-any
    const tx = fields as any;
    if (t.tx_type === 14) {
      hash = hashCreateOrder(t.chain_id, tx);
      signed = signCreateOrder(key, t.chain_id, tx, { unsafeFixedNonce: fixedNonce });
    } else if (t.tx_type === 15) {
      hash = hashCancelOrder(t.chain_id, tx);
      signed = signCancelOrder(key, t.chain_id, tx, { unsafeFixedNonce: fixedNonce });
    } else {
      assert.equal(t.tx_type, 16);
      hash = hashCancelAllOrders(t.chain_id, tx);
      signed = signCancelAllOrders(key, t.chain_id, tx, { unsafeFixedNonce: fixedNonce });
    }
    assert.equal(bytesToHex(hash), t.hash);
    assert.equal(signed.txHash, t.hash);
    assert.equal(signed.txType, t.tx_type);
    if (t.sig_hex !== undefined) assert.equal(bytesToHex(signed.signature), t.sig_hex);
    if (t.sig_b64 !== undefined) assert.ok(signed.txInfo.includes(`"Sig":"${t.sig_b64}"`));
    if (t.tx_info !== undefined) assert.equal(signed.txInfo, t.tx_info);
    assert.ok(verifyHashedMessage(key.publicKey(), signed.messageHash, signed.signature));
    // tx_info is valid JSON whose fields match the input.
    const parsed = JSON.parse(signed.txInfo);
    for (const [name, value] of Object.entries(t.fields)) assert.equal(parsed[name], value, name);
    assert.deepEqual(parsed.L2TxAttributes, t.attributes);
  });
}

Deno.test("auth token: message hash and fixed-nonce token match; a random-nonce token verifies", () => {
  assert.equal(bytesToHex(hashAuthTokenMessage(v.auth_token.message)), v.auth_token.message_hash);
  const request = { deadline: 1700000600, accountIndex: 12345, apiKeyIndex: 3 };
  assert.equal(v.auth_token.message, "1700000600:12345:3");
  assert.equal(createAuthToken(key, request, { unsafeFixedNonce: fixedNonce }), v.auth_token.token);
  const fresh = createAuthToken(key, request);
  assert.notEqual(fresh, v.auth_token.token);
  assert.ok(fresh.startsWith("1700000600:12345:3:"));
  assert.ok(verifyAuthToken(key.publicKey(), fresh));
  assert.ok(verifyAuthToken(key.publicKey(), v.auth_token.token));
});
