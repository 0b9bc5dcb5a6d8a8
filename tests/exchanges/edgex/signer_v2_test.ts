/**
 * EdgeX V2: every vector of edgex_v2.json, EIP-712 orders against ethers on random orders (typed data built
 * the way the Python SDK builds it), HMAC against WebCrypto, and refusals.
 */
import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import { TypedDataEncoder, verifyTypedData, Wallet } from "ethers";
import {
  EDGEX_V2_ORDER_TYPES,
  edgexV2HmacKey,
  edgexV2HmacSignature,
  type EdgexV2LimitOrderInput,
  EdgexV2OrderSigner,
  EdgexV2RequestSigner,
} from "../../../exchanges/edgex/signer_v2.ts";
import { edgexClientOrderNonce } from "../../../exchanges/edgex/signer.ts";
import { recoverTypedDataSigner, signTypedData } from "../../../exchanges/evm/eip712.ts";
import { AmountPrecisionError, InvalidFieldError } from "../../../exchanges/stark/errors.ts";
import { loadTestdata, SEED, TestRandom } from "../stark/testdata.ts";

interface V2Vectors {
  signer: string;
  nonce: string;
  ethersHash: string;
  viemHash: string;
  l2SignatureEthers: string;
  testMessageSig: string;
  hmacKeyB64: string;
  hmacSig: string;
}

const v = loadTestdata<V2Vectors>("edgex_v2.json");
const KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
// The SDK tests' domain: Edge testnet and its contract.
const DOMAIN = { chainId: 33431, verifyingContract: "0x1ae109ea449cfe0bed08bfe8911e968a49a919b1" };
const signer = new EdgexV2OrderSigner(KEY, DOMAIN);

// The SDK tests' order: BUY 0.1 @ 123.45, contract resolution 1000, coin resolution 10^6.
const ORDER: EdgexV2LimitOrderInput = {
  side: "BUY",
  price: "123.45",
  size: "0.1",
  clientOrderId: "client-1",
  accountId: "12345",
  expireTimeMs: 1736476772000,
  contractId: "10000001",
  collateralCoinId: "1000",
  contractResolution: "1000",
  quoteResolution: "1000000",
  feeRate: "0.001",
};

Deno.test("the signer address, nonce, digest and signature match the vectors", () => {
  assert.equal(signer.address, v.signer);
  const signed = signer.signLimitOrder(ORDER);
  assert.equal(signed.l2Nonce, v.nonce);
  assert.equal(signed.digest, v.ethersHash);
  assert.equal(signed.digest, v.viemHash);
  assert.equal(signed.l2Signature, v.l2SignatureEthers);
  assert.equal(signed.l2Signature.length, 130);
  assert.deepEqual(
    [signed.l2Value, signed.l2Size, signed.l2LimitFee, signed.expireTime, signed.l2ExpireTime],
    ["12.345", "0.1", "1", "1736476772000", String(1736476772000 + 8 * 86400000)],
  );
  assert.equal(recoverTypedDataSigner(signed.typedData, signed.l2Signature), v.signer);
});

Deno.test("the SDK's test message signs to the vector", () => {
  const data = {
    domain: { name: "EdgeX", version: "1", chainId: "33431", verifyingContract: DOMAIN.verifyingContract },
    types: {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
        { name: "verifyingContract", type: "address" },
      ],
      Message: [{ name: "value", type: "uint256" }],
    },
    primaryType: "Message",
    message: { value: "1" },
  };
  assert.equal(signTypedData(data, KEY).slice(2), v.testMessageSig);
});

Deno.test("HMAC reproduces the vector, key included", async () => {
  assert.equal(new TextDecoder().decode(edgexV2HmacKey("your-api-secret")), v.hmacKeyB64);
  const content = "1773302047172GET/api/v2/private/account/getAccountAssetaccountId=724625476626153743";
  assert.equal(edgexV2HmacSignature("your-api-secret", content), v.hmacSig);
  const requests = new EdgexV2RequestSigner({ apiKey: "k", apiSecret: "your-api-secret", passphrase: "p" });
  const signed = requests.signRequest(1773302047172, {
    method: "GET",
    path: "/api/v2/private/account/getAccountAsset",
    query: { accountId: "724625476626153743" },
  });
  assert.equal(signed.content, content);
  assert.deepEqual(signed.headers, {
    "X-edgeX-Api-Key": "k",
    "X-edgeX-Passphrase": "p",
    "X-edgeX-Signature": v.hmacSig,
    "X-edgeX-Timestamp": "1773302047172",
  });
  assert.equal(await webCryptoHmac("your-api-secret", content), v.hmacSig);
});

async function webCryptoHmac(secret: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(btoa(secret)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(content)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test(`HMAC equals WebCrypto on random secrets and contents (seed ${SEED})`, async () => {
  const rnd = new TestRandom(SEED + 100);
  for (let i = 0; i < 20; i++) {
    const secret = rnd.text(1 + rnd.int(64), "abcdefABCDEF0123456789+/=-_");
    const content = rnd.text(rnd.int(300), "abcXYZ0123456789=&/_-");
    assert.equal(edgexV2HmacSignature(secret, content), await webCryptoHmac(secret, content));
  }
  // A non-ASCII secret is base64-encoded from its UTF-8 bytes, as Python's base64.b64encode(secret.encode()).
  assert.equal(new TextDecoder().decode(edgexV2HmacKey("é")), "w6k=");
});

Deno.test("the private WebSocket handshake signs accountId and timestamp and mirrors the SDK subprotocol", () => {
  const requests = new EdgexV2RequestSigner({ apiKey: "key", apiSecret: "secret", passphrase: "pass" });
  const ws = requests.signPrivateWebSocket(1700000000000, "42");
  assert.equal(ws.content, "1700000000000GET/api/v1/private/wsaccountId=42&timestamp=1700000000000");
  assert.equal(ws.query, "accountId=42&timestamp=1700000000000");
  assert.equal(ws.headers["X-edgeX-Signature"], edgexV2HmacSignature("secret", ws.content));
  const json = atob(ws.subprotocol + "=".repeat((4 - (ws.subprotocol.length % 4)) % 4));
  assert.equal(
    json,
    `{"X-edgeX-Api-Key": "key", "X-edgeX-Passphrase": "pass", "X-edgeX-Signature": "${
      ws.headers["X-edgeX-Signature"]
    }", "X-edgeX-Timestamp": "1700000000000"}`,
  );
  assert.ok(!ws.subprotocol.endsWith("="));
  assert.throws(() => requests.signPrivateWebSocket(1, "4a"), /accountId/);
  assert.throws(
    () => new EdgexV2RequestSigner({ apiKey: "k", apiSecret: "", passphrase: "p" }),
    /apiSecret \(empty\)/,
  );
});

/** The order typed data as the Python SDK builds it (string numbers, bytes zero hash), scaled by decimal.js. */
function sdkTypedData(order: EdgexV2LimitOrderInput, address: string) {
  const D = Decimal.clone({ precision: 100 });
  const value = new D(order.price as string).mul(order.size as string);
  const fee = value.mul(order.feeRate as string).ceil();
  return {
    domain: {
      name: "EdgeX",
      version: "1",
      chainId: String(DOMAIN.chainId),
      verifyingContract: DOMAIN.verifyingContract,
    },
    types: {
      OrderBase: EDGEX_V2_ORDER_TYPES["OrderBase"]!.map((f) => ({ ...f })),
      LimitOrderParams: EDGEX_V2_ORDER_TYPES["LimitOrderParams"]!.map((f) => ({ ...f })),
    },
    message: {
      base: {
        nonce: String(edgexClientOrderNonce(order.clientOrderId)),
        signer: address,
        accountId: String(order.accountId),
        expirationTimestamp: String(BigInt(order.expireTimeMs) / 1000n),
      },
      amountSynthetic: new D(order.size as string).mul(order.contractResolution as string).toFixed(),
      amountCollateral: value.mul(order.quoteResolution as string).toFixed(),
      amountFee: fee.mul(order.quoteResolution as string).toFixed(),
      assetIdSynthetic: String(order.contractId),
      assetIdCollateral: String(order.collateralCoinId),
      isBuyingSynthetic: order.side === "BUY",
      parentOrderHash: new Uint8Array(32),
      subOrderIndex: "0",
    },
  };
}

Deno.test(`random orders equal ethers' EIP-712 digest and signature (seed ${SEED})`, async () => {
  const rnd = new TestRandom(SEED + 101);
  for (let i = 0; i < 8; i++) {
    const key = Array.from(rnd.bytes(32), (b) => b.toString(16).padStart(2, "0")).join("");
    const wallet = new Wallet(`0x${key}`);
    const orderSigner = new EdgexV2OrderSigner(key, DOMAIN);
    const order: EdgexV2LimitOrderInput = {
      ...ORDER,
      side: rnd.pick(["BUY", "SELL"] as const),
      price: `${1 + rnd.int(100000)}.${rnd.text(1, "0123456789")}`,
      size: `${rnd.int(100)}.${rnd.text(2, "0123456789")}1`,
      clientOrderId: String(1_700_000_000_000_000_000n + rnd.bits(50)),
      accountId: rnd.bits(63).toString(),
      expireTimeMs: 1_700_000_000_000 + rnd.int(2 ** 31) * 1000 + rnd.int(1000),
      contractId: String(10000000 + rnd.int(100)),
      feeRate: rnd.pick(["0.001", "0.00038", "0.0002"]),
    };
    const data = sdkTypedData(order, wallet.address);
    const signed = orderSigner.signLimitOrder(order);
    assert.equal(
      signed.digest,
      TypedDataEncoder.hash(data.domain, data.types, data.message),
      JSON.stringify(order),
    );
    assert.equal(
      `0x${signed.l2Signature}`,
      await wallet.signTypedData(data.domain, data.types, data.message),
    );
    assert.equal(
      verifyTypedData(data.domain, data.types, data.message, `0x${signed.l2Signature}`),
      wallet.address,
    );
  }
});

Deno.test("a changed order field recovers another signer", () => {
  const signed = signer.signLimitOrder(ORDER);
  for (
    const change of [{ side: "SELL" }, { size: "0.2" }, { clientOrderId: "client-2" }, {
      expireTimeMs: 1736476773000,
    }]
  ) {
    const other = signer.signLimitOrder({ ...ORDER, ...change } as EdgexV2LimitOrderInput);
    assert.notEqual(
      recoverTypedDataSigner(other.typedData, signed.l2Signature),
      v.signer,
      JSON.stringify(change),
    );
  }
  // Milliseconds are not signed: only whole seconds of expireTime are.
  assert.equal(signer.signLimitOrder({ ...ORDER, expireTimeMs: 1736476772999 }).digest, signed.digest);
});

Deno.test("invalid V2 orders are refused with the field named", () => {
  assert.throws(() => signer.signLimitOrder({ ...ORDER, size: "0.0001" }), AmountPrecisionError); // 0.1 units
  assert.throws(() => signer.signLimitOrder({ ...ORDER, contractId: "x" }), /contractId/);
  assert.throws(
    () => signer.signLimitOrder({ ...ORDER, accountId: (2n ** 64n).toString() }),
    /message\.base\.accountId/,
  );
  assert.throws(() => signer.signLimitOrder({ ...ORDER, side: "buy" as "BUY" }), InvalidFieldError);
  assert.throws(() => signer.signLimitOrder({ ...ORDER, expireTimeMs: -1 }), /expireTimeMs/);
  assert.throws(() => new EdgexV2OrderSigner("0x12", DOMAIN), /signerPrivateKey \(hidden\)/);
  assert.throws(
    () => new EdgexV2OrderSigner(KEY, { ...DOMAIN, verifyingContract: "0x1234" }).signLimitOrder(ORDER),
    /domain\.verifyingContract/,
  );
});
