/**
 * Aster signing: every V1 HMAC known-answer vector, the V3 EIP-712 vectors (domain separator, digest,
 * signature, derived signer), V3 signatures checked against ethers on random messages, recovery of the signer,
 * strictly increasing nonces, and configuration errors that name the variable and never show a secret.
 */
import assert from "node:assert/strict";
import { TypedDataEncoder, verifyTypedData } from "ethers";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ConfigError } from "../../../bot/errors.ts";
import {
  addressFromPrivateKey,
  domainSeparator,
  recoverDigestSigner,
} from "../../../exchanges/evm/eip712.ts";
import {
  ASTER_MAINNET_CHAIN_ID,
  ASTER_TESTNET_CHAIN_ID,
  asterDigest,
  AsterHmacSigner,
  asterSignerFromEnv,
  asterTypedData,
  AsterWalletSigner,
  encodeParams,
  hmacSignature,
  NonceSource,
} from "../../../exchanges/aster/signer.ts";

const V1_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const V1_KEY = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83";

const V3_KEY = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";
const V3_SIGNER = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
const V3_USER = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e";
const V3_MSG =
  "symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867" +
  `&user=${V3_USER}&signer=${V3_SIGNER}`;
const V3_VECTORS = [
  {
    chainId: 1666,
    domain: "a95d0a7a6f3f17fcebb0c2336645385ce79cde7523f71ab147fdb7f15e9f37f9",
    digest: "214122039b686e20a15baab91d368d354cf8c88067cb8b0e96e9018d8b08a625",
    signature: "0x0a56c5923ebf3524475c5f631940ec4c0e41dbd300ad28198d1915d8f3ca49ce" +
      "26fd1aeb8b0c3079133595da0de38322ae7e860e0c76d032c4a491d27c1430b01c",
  },
  {
    chainId: 714,
    domain: "fad01b07bed5729a04dbb977fd86da612eba71d668660bf12cf10b3d65b74d94",
    digest: "d0a3cddc3992449300d5b6fa97e441d66d0f950a032b0707455996c29d8477c5",
    signature: "0xf91e000376f360c1661cf0fbc79a816e915dce485c616bd49c5e35c6cbc5ba50" +
      "42ccf75a2bffd282676dbf698087a73982bfd1491a993eeedc276f6827c94a8c1c",
  },
] as const;

function v1Vectors(): { total: string; signature: string }[] {
  const text = Deno.readTextFileSync(new URL("../../testdata/aster_v1.txt", import.meta.url));
  return text.split("\n").filter((l) => l.trim() !== "").map((line) => {
    const [total, signature] = line.split(" -> ");
    return { total: total!, signature: signature!.trim() };
  });
}

Deno.test("aster V1: every HMAC known-answer vector", () => {
  const vectors = v1Vectors();
  assert.equal(vectors.length, 4);
  for (const v of vectors) assert.equal(hmacSignature(V1_SECRET, v.total), v.signature, v.total);
});

Deno.test("aster V1: query + body are concatenated with no separator (doc example 3)", () => {
  const total = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC" +
    "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943";
  assert.equal(
    hmacSignature(V1_SECRET, total),
    "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4",
  );
});

Deno.test("aster V1: the signer appends timestamp, recvWindow and the signature last", () => {
  const signer = new AsterHmacSigner(V1_KEY, V1_SECRET);
  const signed = signer.sign("symbol=BTCUSDT&orderId=22542179", 1591702613943.7);
  // The vector signs the same parameters in this order.
  assert.equal(
    signed.params,
    "symbol=BTCUSDT&orderId=22542179&timestamp=1591702613943&recvWindow=5000" +
      "&signature=708ac1423fe58ffac67a52e4d3e84760237e0f9b37676a87a91c862499c98c97",
  );
  assert.deepEqual(signed.headers, { "X-MBX-APIKEY": V1_KEY });
  assert.equal(
    new AsterHmacSigner(V1_KEY, V1_SECRET).sign("", 1591702613943).params,
    "timestamp=1591702613943&recvWindow=5000&signature=" +
      hmacSignature(V1_SECRET, "timestamp=1591702613943&recvWindow=5000"),
  );
  assert.ok(!String(signer).includes(V1_SECRET));
  assert.ok(!JSON.stringify(signer).includes(V1_SECRET));
  assert.ok(!Deno.inspect(signer).includes(V1_SECRET));
});

Deno.test("aster V3: the API wallet key derives the documented signer", () => {
  assert.equal(addressFromPrivateKey(V3_KEY), V3_SIGNER);
});

Deno.test("aster V3: domain separator, digest and signature of both chains", () => {
  for (const v of V3_VECTORS) {
    const typed = asterTypedData(V3_MSG, v.chainId);
    assert.equal(bytesToHex(domainSeparator(typed.domain)), v.domain, `domain ${v.chainId}`);
    assert.equal(bytesToHex(asterDigest(V3_MSG, v.chainId)), v.digest, `digest ${v.chainId}`);
    const signer = new AsterWalletSigner(V3_USER, V3_SIGNER, V3_KEY, v.chainId);
    assert.equal(signer.signMessage(V3_MSG), v.signature, `signature ${v.chainId}`);
    assert.equal(recoverDigestSigner(asterDigest(V3_MSG, v.chainId), v.signature), V3_SIGNER);
    // ethers computes the same digest and recovers the same signer.
    assert.equal(
      TypedDataEncoder.hash(
        { ...typed.domain },
        { Message: [{ name: "msg", type: "string" }] },
        { msg: V3_MSG },
      ),
      `0x${v.digest}`,
    );
  }
  assert.equal(ASTER_MAINNET_CHAIN_ID, 1666);
  assert.equal(ASTER_TESTNET_CHAIN_ID, 714);
});

Deno.test("aster V3: the signed string is business params, nonce, user, signer, then the signature", () => {
  const signer = new AsterWalletSigner(V3_USER, V3_SIGNER, V3_KEY, 1666);
  const business = "symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5";
  const signed = signer.signWithNonce(business, 1748310859508867n);
  assert.equal(signed.params, `${V3_MSG}&signature=${V3_VECTORS[0].signature}`);
  assert.deepEqual(signed.headers, {});
  assert.ok(!Deno.inspect(signer).includes(V3_KEY.slice(2)));
  assert.ok(!JSON.stringify(signer).includes(V3_KEY.slice(2)));
});

Deno.test("aster V3: random messages verify with ethers and recover the signer", () => {
  const signer = new AsterWalletSigner(V3_USER, V3_SIGNER, V3_KEY, 714);
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=&.-_:/%~ é€";
  const bytes = new Uint8Array(64);
  for (let i = 0; i < 40; i++) {
    crypto.getRandomValues(bytes);
    const len = bytes[0]! % 60;
    let msg = "";
    for (let j = 0; j < len; j++) msg += alphabet[bytes[j + 1]! % alphabet.length];
    const sig = signer.signMessage(msg);
    assert.match(sig, /^0x[0-9a-f]{128}(1b|1c)$/);
    const typed = asterTypedData(msg, 714);
    const recovered = verifyTypedData(
      { ...typed.domain },
      { Message: [{ name: "msg", type: "string" }] },
      { msg },
      sig,
    );
    assert.equal(recovered, V3_SIGNER, `message ${JSON.stringify(msg)}`);
    assert.equal(recoverDigestSigner(asterDigest(msg, 714), sig), V3_SIGNER);
  }
});

Deno.test("aster V3: nonces strictly increase under a burst in the same microsecond and a clock step back", () => {
  const nonces = new NonceSource();
  const seen: bigint[] = [];
  for (let i = 0; i < 1000; i++) seen.push(nonces.next(1_700_000_000_000));
  seen.push(nonces.next(1_699_999_999_000)); // clock stepped back
  seen.push(nonces.next(1_700_000_000_500.25));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `nonce ${i} did not increase`);
  assert.equal(seen[0], 1_700_000_000_000_000n);
  // Signed requests carry the nonces in order, too.
  const signer = new AsterWalletSigner(V3_USER, V3_SIGNER, V3_KEY, 1666);
  const a = signer.sign("symbol=X", 5);
  const b = signer.sign("symbol=X", 5);
  const nonceOf = (p: string) => BigInt(new URLSearchParams(p).get("nonce")!);
  assert.ok(nonceOf(b.params) > nonceOf(a.params));
  // Two signers of one process never hand out the same nonce either.
  const other = new AsterWalletSigner(V3_USER, V3_SIGNER, V3_KEY, 1666);
  const c = other.sign("symbol=X", 5);
  const d = signer.sign("symbol=X", 5);
  assert.ok(nonceOf(c.params) > nonceOf(b.params) && nonceOf(d.params) > nonceOf(c.params));
});

Deno.test("aster: parameters are URL-encoded in order, undefined left out", () => {
  assert.equal(
    encodeParams([["symbol", "SOLUSDT"], ["x", undefined], ["reduceOnly", true], ["id", 7], ["c", "a b/c"]]),
    "symbol=SOLUSDT&reduceOnly=true&id=7&c=a%20b%2Fc",
  );
  assert.throws(() => encodeParams([["q", 0.1]]), /safe integer/);
});

Deno.test("aster: the environment selects V3 when complete, else V1; errors name the variable only", () => {
  const v3 = { ASTER_USER: V3_USER, ASTER_SIGNER: V3_SIGNER, ASTER_SIGNER_PRIVATE_KEY: V3_KEY };
  const v1 = { ASTER_API_KEY: V1_KEY, ASTER_SECRET_KEY: V1_SECRET };
  assert.equal(asterSignerFromEnv({ ...v3, ...v1 }, 1666).mode, "v3");
  assert.equal(asterSignerFromEnv(v1, 1666).mode, "v1");
  assert.equal(asterSignerFromEnv({ ...v1, ASTER_USER: V3_USER }, 1666).mode, "v1");
  const fails = (env: Record<string, string>, variable: string) => {
    assert.throws(() => asterSignerFromEnv(env, 1666), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.field, variable);
      for (const secret of [V1_SECRET, V3_KEY, V3_KEY.slice(2), "deadbeef00"]) {
        assert.ok(!e.message.includes(secret), e.message);
      }
      return true;
    });
  };
  fails({}, "ASTER_USER");
  fails({ ASTER_USER: V3_USER, ASTER_SIGNER_PRIVATE_KEY: V3_KEY }, "ASTER_SIGNER");
  fails({ ASTER_API_KEY: V1_KEY }, "ASTER_SECRET_KEY");
  fails({ ASTER_SECRET_KEY: V1_SECRET }, "ASTER_API_KEY");
  fails({ ...v3, ASTER_SIGNER_PRIVATE_KEY: "0xdeadbeef00" }, "ASTER_SIGNER_PRIVATE_KEY");
  fails({ ...v3, ASTER_USER: "0x1234" }, "ASTER_USER");
  // A key that is not the signer's.
  fails({ ...v3, ASTER_SIGNER: V3_USER }, "ASTER_SIGNER");
});
