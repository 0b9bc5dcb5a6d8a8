/**
 * EdgeX V1 (StarkEx): every vector of edgex_v1.json and edgex_v1_post.json, random orders against an
 * independent re-computation (scure's bit-by-bit Pedersen, decimal.js amounts), verification, and refusals.
 */
import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import { keccak256, sha256, toUtf8Bytes } from "ethers";
import { getPublicKey, pedersen as scurePedersen, verify as scureVerify } from "@scure/starknet";
import {
  edgexClientOrderNonce,
  type EdgexV1LimitOrderInput,
  edgexV1RequestHash,
  EdgexV1Signer,
  formatEdgexStarkSignature,
  parseEdgexStarkSignature,
  starkExLimitOrderHash,
} from "../../../exchanges/edgex/signer.ts";
import { edgexSignValue } from "../../../exchanges/edgex/signer_content.ts";
import { verifyStarkSignature } from "../../../exchanges/stark/ecdsa.ts";
import { AmountPrecisionError, FieldRangeError, InvalidFieldError } from "../../../exchanges/stark/errors.ts";
import { CURVE_ORDER } from "../../../exchanges/stark/felt.ts";
import { loadTestdata, SEED, TestRandom } from "../stark/testdata.ts";

interface V1Vectors {
  starkKey: string;
  nonce: string;
  orderHashBuy: string;
  orderHashSell: string;
  orderSigBuy: string;
  orderSigBuyVerifies: boolean;
  authContent: string;
  authKeccakRaw: string;
  authHashModN: string;
  authSig: string;
  postBodyString: string;
  wsContent: string;
  wsHash: string;
}

interface V1PostVectors {
  body: Record<string, string | boolean>;
  signContent: string;
  authHashModN: string;
  headers: { "X-edgeX-Api-Timestamp": string; "X-edgeX-Api-Signature": string };
}

const v = loadTestdata<V1Vectors>("edgex_v1.json");
const post = loadTestdata<V1PostVectors>("edgex_v1_post.json");
// The EdgeX SDK tests' key.
const KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const signer = new EdgexV1Signer(KEY);

// BTCUSD on mainnet (contract 10000001) and USD collateral, as in the spec's vector.
const BTC_ORDER: EdgexV1LimitOrderInput = {
  side: "BUY",
  price: "100000.0",
  size: "0.01",
  clientOrderId: "edgex-kat-0001",
  accountId: "543429922991899150",
  l2ExpireTimeMs: 1737254372359,
  syntheticAssetId: "0x425443322d31300000000000000000",
  syntheticResolution: "0x2540be400",
  collateralAssetId: "0x2ce625e94458d39dd0bf3b45a843544dd4a14b8169045a3a3d15aa564b936c5",
  collateralResolution: "0xf4240",
  feeRate: "0.00038",
};

function hex64(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

Deno.test("the Stark public key and the client-order nonce match the vectors", () => {
  assert.equal(signer.publicKey, BigInt(v.starkKey));
  assert.equal(edgexClientOrderNonce("edgex-kat-0001").toString(), v.nonce);
  assert.equal(edgexClientOrderNonce("client-1"), 1459936792n);
});

Deno.test("limit orders reproduce the BUY and SELL hashes and the BUY signature", () => {
  const buy = signer.signLimitOrder(BTC_ORDER);
  assert.equal(hex64(buy.orderHash), v.orderHashBuy);
  assert.equal(buy.l2Signature, v.orderSigBuy);
  const sell = signer.signLimitOrder({ ...BTC_ORDER, side: "SELL" });
  assert.equal(hex64(sell.orderHash), v.orderHashSell);
  // The body fields of the vector's createOrder request.
  assert.equal(buy.l2Nonce, post.body["l2Nonce"]);
  assert.equal(buy.l2Value, post.body["l2Value"]);
  assert.equal(buy.l2Size, post.body["l2Size"]);
  assert.equal(buy.l2LimitFee, post.body["l2LimitFee"]);
  assert.equal(buy.l2ExpireTime, post.body["l2ExpireTime"]);
  assert.equal(buy.l2Signature, post.body["l2Signature"]);
  assert.deepEqual(
    [buy.amountSynthetic, buy.amountCollateral, buy.amountFee, buy.expirationHours],
    [100000000n, 1000000000n, 1000000n, 482570n],
  );
});

Deno.test("the vector's BUY order signature verifies (orderSigBuyVerifies)", () => {
  const sig = parseEdgexStarkSignature(v.orderSigBuy);
  assert.equal(verifyStarkSignature(sig, BigInt(v.orderHashBuy), signer.publicKey), v.orderSigBuyVerifies);
  assert.ok(scureVerify(v.orderSigBuy, v.orderHashBuy.slice(2), getPublicKey(KEY)));
  assert.ok(!verifyStarkSignature(sig, BigInt(v.orderHashSell), signer.publicKey));
});

Deno.test("request signatures reproduce the GET, POST and WebSocket vectors", () => {
  const get = signer.signRequest(1735542383256, {
    method: "GET",
    path: "/api/v1/private/account/getPositionTransactionPage",
    query: { size: "10", filterTypeList: "SETTLE_FUNDING_FEE", accountId: "543429922991899150" },
  });
  assert.equal(get.content, v.authContent);
  assert.equal(keccak256(toUtf8Bytes(get.content)), v.authKeccakRaw);
  assert.equal(hex64(get.hash), v.authHashModN);
  assert.equal(get.headers["X-edgeX-Api-Signature"], v.authSig);
  assert.equal(get.headers["X-edgeX-Api-Timestamp"], "1735542383256");

  const signed = signer.signRequest(1736000000000, {
    method: "post",
    path: "/api/v1/private/order/createOrder",
    body: post.body,
  });
  assert.equal(signed.content, post.signContent);
  assert.equal(hex64(signed.hash), post.authHashModN);
  assert.deepEqual(signed.headers, post.headers);

  const ws = signer.signPrivateWebSocket(1705720068228, "543429922991899150");
  assert.equal(ws.content, v.wsContent);
  assert.equal(hex64(ws.hash), v.wsHash);
  assert.ok(
    verifyStarkSignature(
      parseEdgexStarkSignature(ws.headers["X-edgeX-Api-Signature"]),
      ws.hash,
      signer.publicKey,
    ),
  );
});

Deno.test("get_value flattens a body like the SDK", () => {
  const body = {
    accountId: "543429922991899150",
    orderIdList: ["564827797948727434", "1"],
    reduceOnly: false,
    openTp: null,
  };
  assert.equal(edgexSignValue(body), v.postBodyString);
});

Deno.test(`request hashes equal keccak256 mod n computed with ethers (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 90);
  for (let i = 0; i < 50; i++) {
    const content = rnd.text(rnd.int(200), "abcXYZ0123456789=&/_-é€");
    assert.equal(edgexV1RequestHash(content), BigInt(keccak256(toUtf8Bytes(content))) % CURVE_ORDER);
  }
});

/** The order hash re-derived in the test from the spec, with scure's Pedersen and decimal.js. */
function oracleOrderHash(order: EdgexV1LimitOrderInput): bigint {
  const D = Decimal.clone({ precision: 100 });
  const H = (a: bigint, b: bigint) => BigInt(scurePedersen(a, b));
  const syn = BigInt(order.syntheticAssetId);
  const col = BigInt(order.collateralAssetId);
  const value = new D(order.price as string).mul(order.size as string);
  const amountSynthetic = BigInt(
    new D(order.size as string).mul(BigInt(order.syntheticResolution).toString()).toFixed(),
  );
  const amountCollateral = BigInt(value.mul(BigInt(order.collateralResolution).toString()).toFixed());
  const fee = BigInt(value.mul(order.feeRate as string).ceil().toFixed());
  const amountFee = fee * BigInt(order.collateralResolution);
  const nonce = BigInt(`0x${sha256(toUtf8Bytes(order.clientOrderId)).slice(2, 10)}`);
  const buy = order.side === "BUY";
  const [sellId, buyId] = buy ? [col, syn] : [syn, col];
  const [amountSell, amountBuy] = buy
    ? [amountCollateral, amountSynthetic]
    : [amountSynthetic, amountCollateral];
  const pos = BigInt(order.accountId);
  const hours = BigInt(order.l2ExpireTimeMs) / 3600000n;
  let m = H(H(sellId, buyId), col);
  m = H(m, amountSell * 2n ** 160n + amountBuy * 2n ** 96n + amountFee * 2n ** 32n + nonce);
  const p1 = (3n * 2n ** 224n + pos * 2n ** 160n + pos * 2n ** 96n + pos * 2n ** 32n + hours) * 2n ** 17n;
  return H(m, p1);
}

Deno.test(`random orders equal the spec's formula computed independently (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 91);
  for (let i = 0; i < 6; i++) {
    const sizeDecimals = rnd.int(5);
    const priceDecimals = rnd.int(2); // with ≤ 5 size decimals, the value has ≤ 6: exact in 10^-6 USD
    const order: EdgexV1LimitOrderInput = {
      ...BTC_ORDER,
      side: rnd.pick(["BUY", "SELL"] as const),
      price: `${1 + rnd.int(150000)}${priceDecimals ? "." + rnd.text(priceDecimals, "0123456789") : ""}`,
      size: `${rnd.int(50)}.${rnd.text(sizeDecimals, "0123456789")}1`,
      clientOrderId: rnd.text(1 + rnd.int(36), "abcdef0123456789-"),
      accountId: rnd.bits(63).toString(),
      l2ExpireTimeMs: 1_700_000_000_000 + rnd.int(2 ** 31) * 1000,
      syntheticAssetId: `0x${rnd.bits(120).toString(16)}`,
      collateralAssetId: `0x${rnd.bits(250).toString(16)}`,
      feeRate: `0.000${1 + rnd.int(9)}`,
    };
    const signed = signer.signLimitOrder(order);
    assert.equal(signed.orderHash, oracleOrderHash(order), JSON.stringify(order));
    assert.ok(
      verifyStarkSignature(parseEdgexStarkSignature(signed.l2Signature), signed.orderHash, signer.publicKey),
    );
  }
});

Deno.test("an order signature breaks when any signed field changes", () => {
  const signed = signer.signLimitOrder(BTC_ORDER);
  const sig = parseEdgexStarkSignature(signed.l2Signature);
  assert.ok(verifyStarkSignature(sig, signed.orderHash, signer.publicKey));
  const changes: Partial<EdgexV1LimitOrderInput>[] = [
    { side: "SELL" },
    { price: "100000.1" },
    { size: "0.011" },
    { clientOrderId: "edgex-kat-0002" },
    { accountId: "543429922991899151" },
    { l2ExpireTimeMs: 1737254372359 + 3_600_000 },
    { syntheticAssetId: "0x425443322d31300000000000000001" },
    { feeRate: "0.01" },
  ];
  for (const change of changes) {
    const other = signer.signLimitOrder({ ...BTC_ORDER, ...change }).orderHash;
    assert.ok(!verifyStarkSignature(sig, other, signer.publicKey), JSON.stringify(change));
  }
  // Within the same hour the signed expiry (in hours) is the same: only the body's l2ExpireTime differs.
  assert.equal(
    signer.signLimitOrder({ ...BTC_ORDER, l2ExpireTimeMs: 1737254372359 + 1 }).orderHash,
    signed.orderHash,
  );
});

Deno.test("amount rules: exact scaling, fee rounded up to whole quote units", () => {
  const order = signer.signLimitOrder({ ...BTC_ORDER, price: "99999.9", size: "0.003", feeRate: "0.0005" });
  assert.equal(order.l2Value, "299.9997");
  assert.equal(order.amountCollateral, 299999700n);
  assert.equal(order.l2LimitFee, "1"); // ceil(0.14999985)
  assert.equal(order.amountFee, 1000000n);
  const fee = signer.signLimitOrder({ ...BTC_ORDER, price: "100000", size: "0.2", feeRate: "0.0005" });
  assert.equal(fee.l2LimitFee, "10"); // exactly 10: not rounded up further
  const dec = signer.signLimitOrder({
    ...BTC_ORDER,
    price: new Decimal("100000.0"),
    size: new Decimal("0.01"),
  });
  assert.equal(dec.orderHash, signer.signLimitOrder(BTC_ORDER).orderHash);
});

Deno.test("invalid orders are refused with the field named", () => {
  const refuse = (change: Record<string, unknown>, type: new (...a: never[]) => Error, field: RegExp) =>
    assert.throws(
      () => signer.signLimitOrder({ ...BTC_ORDER, ...change } as EdgexV1LimitOrderInput),
      (e: Error) => {
        assert.ok(e instanceof type, `${e.name}: ${e.message}`);
        assert.match(e.message, field);
        return true;
      },
    );
  refuse({ size: "0.00000000001" }, AmountPrecisionError, /Invalid size 0\.00000000001/);
  refuse({ price: "0.0000001", size: "0.001" }, AmountPrecisionError, /value \(price × size\)/);
  refuse({ size: "-0.01" }, FieldRangeError, /size/);
  refuse({ size: "0" }, InvalidFieldError, /size/);
  refuse({ price: "0" }, InvalidFieldError, /price/);
  refuse({ feeRate: "-0.1" }, FieldRangeError, /feeRate/);
  refuse({ side: "LONG" }, InvalidFieldError, /side/);
  refuse({ clientOrderId: "" }, InvalidFieldError, /clientOrderId/);
  refuse({ accountId: "-1" }, InvalidFieldError, /accountId/);
  refuse({ accountId: (2n ** 64n).toString() }, FieldRangeError, /positionId/);
  refuse({ l2ExpireTimeMs: -5 }, InvalidFieldError, /l2ExpireTimeMs/);
  refuse({ syntheticAssetId: "BTC" }, InvalidFieldError, /syntheticAssetId/);
  refuse({ syntheticResolution: "ten" }, InvalidFieldError, /syntheticResolution/);
  refuse({ collateralResolution: "0x0" }, InvalidFieldError, /collateralResolution/);
  refuse({ price: "1000000000000", size: "1000" }, FieldRangeError, /amountSell/); // 10^21 collateral units > 2^64
  assert.throws(
    () =>
      starkExLimitOrderHash({
        assetIdSell: 1n,
        assetIdBuy: 2n,
        assetIdFee: 1n,
        amountSell: 1n,
        amountBuy: 1n,
        amountFee: 0n,
        nonce: 2n ** 32n,
        positionId: 1n,
        expirationHours: 1n,
      }),
    /nonce/,
  );
});

Deno.test("requests: path and timestamp are checked; the key never appears in errors", () => {
  assert.throws(() => signer.signRequest(1, { method: "GET", path: "/api/x?a=1" }), /path/);
  assert.throws(() => signer.signRequest(-1, { method: "GET", path: "/api/x" }), /timestamp/);
  assert.throws(
    () => signer.signRequest(1, { method: "POST", path: "/api/x", query: { a: "1" }, body: {} }),
    /either query parameters or a body/,
  );
  const secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefff";
  assert.throws(
    () => new EdgexV1Signer(secret),
    (e: Error) => e instanceof InvalidFieldError && !e.message.includes("0123456789abcdef"),
  );
});

Deno.test("the 128-hex-digit signature format round-trips", () => {
  const sig = { r: 1n, s: 2n ** 250n };
  assert.equal(formatEdgexStarkSignature(sig).length, 128);
  assert.deepEqual(parseEdgexStarkSignature(formatEdgexStarkSignature(sig)), sig);
  assert.throws(() => parseEdgexStarkSignature("00"), InvalidFieldError);
});
