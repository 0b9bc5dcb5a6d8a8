/**
 * Paradex L2 messages: every vector of paradex_min.json and paradex_starknetjs.json, random orders against
 * starknet.js typedData + ec.starkCurve.sign (built the way paradex-py builds them), verification, and the
 * refusals of invalid inputs.
 */
import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import { ec, typedData as starknetTypedData } from "starknet";
import {
  formatParadexSignature,
  PARADEX_CHAINS,
  paradexDomainHash,
  paradexOrderFelts,
  type ParadexOrderInput,
  ParadexSigner,
  parseParadexSignature,
} from "../../../exchanges/paradex/signer.ts";
import { verifyStarkSignature } from "../../../exchanges/stark/ecdsa.ts";
import { AmountPrecisionError, FieldRangeError, InvalidFieldError } from "../../../exchanges/stark/errors.ts";
import { encodeShortString, FIELD_PRIME } from "../../../exchanges/stark/felt.ts";
import { hex64, loadTestdata, SEED, TestRandom } from "../stark/testdata.ts";

interface ParadexMinVectors {
  onboarding: string;
  auth: string;
  order: string;
  order_sell_btc: string;
  modify_order: string;
  order_mainnet: string;
  l2PrivateKey: string;
  l2PublicKey: string;
  onboarding_sig: string;
  auth_sig: string;
  order_sig: string;
  order_sell_btc_sig: string;
  modify_order_sig: string;
  order_mainnet_sig: string;
}

interface StarknetJsVectors {
  l2PrivateKey: string;
  l2PublicKey: string;
  l2Address: string;
  chainIdFelt: string;
  domainStructHash: string;
  domainStructHashDec: string;
  prefixStarkNetMessage: string;
  onboardingMessageHash: string;
  onboardingSignature: string;
  authMessageHash: string;
  authSignature: string;
  orderMessageHash: string;
  orderSignature: string;
}

const min = loadTestdata<ParadexMinVectors>("paradex_min.json");
const sjs = loadTestdata<StarknetJsVectors>("paradex_starknetjs.json");
const ACCOUNT = sjs.l2Address;

const testnet = new ParadexSigner({
  privateKey: min.l2PrivateKey,
  account: ACCOUNT,
  starknetChainId: PARADEX_CHAINS.testnet.starknetChainId,
});
const mainnet = new ParadexSigner({
  privateKey: min.l2PrivateKey,
  account: ACCOUNT,
  starknetChainId: PARADEX_CHAINS.prod.starknetChainId,
});

// The paradex-py tests' order, and a second one with a fractional price.
const ETH_BUY: ParadexOrderInput = {
  signatureTimestampMs: 1634736000000,
  market: "ETH-USD-PERP",
  side: "BUY",
  orderType: "LIMIT",
  size: "0.1",
  price: "1500",
};
const BTC_SELL: ParadexOrderInput = {
  signatureTimestampMs: 1700000000000,
  market: "BTC-USD-PERP",
  side: "SELL",
  orderType: "LIMIT",
  size: "0.001",
  price: "65000.5",
};

function hashHex(h: bigint): string {
  return `0x${h.toString(16)}`;
}

Deno.test("the public key and chain ids match the vectors", () => {
  assert.equal(testnet.publicKey, BigInt(min.l2PublicKey));
  assert.equal(testnet.publicKey, BigInt(sjs.l2PublicKey));
  assert.equal(encodeShortString(PARADEX_CHAINS.testnet.starknetChainId, "c"), BigInt(sjs.chainIdFelt));
  assert.equal(paradexDomainHash(PARADEX_CHAINS.testnet.starknetChainId), BigInt(sjs.domainStructHash));
  assert.equal(paradexDomainHash("PRIVATE_SN_POTC_SEPOLIA").toString(), sjs.domainStructHashDec);
  assert.equal(encodeShortString("StarkNet Message", "p"), BigInt(sjs.prefixStarkNetMessage));
  assert.deepEqual(PARADEX_CHAINS.testnet, {
    starknetChainId: "PRIVATE_SN_POTC_SEPOLIA",
    l1ChainId: 11155111,
  });
  assert.deepEqual(PARADEX_CHAINS.prod, { starknetChainId: "PRIVATE_SN_PARACLEAR_MAINNET", l1ChainId: 1 });
});

Deno.test("onboarding reproduces the vectors", () => {
  const signed = testnet.signOnboarding();
  assert.equal(hashHex(signed.hash), min.onboarding);
  assert.equal(hashHex(signed.hash), sjs.onboardingMessageHash);
  assert.equal(signed.signature, min.onboarding_sig);
  assert.equal(signed.signature, sjs.onboardingSignature);
});

Deno.test("/auth reproduces the vectors", () => {
  const signed = testnet.signAuth({ timestamp: 1706868900, expiration: 1706955300 });
  assert.equal(hashHex(signed.hash), min.auth);
  assert.equal(hashHex(signed.hash), sjs.authMessageHash);
  assert.equal(signed.signature, min.auth_sig);
  assert.equal(signed.signature, sjs.authSignature);
});

Deno.test("orders reproduce the vectors on testnet and mainnet", () => {
  const eth = testnet.signOrder(ETH_BUY);
  assert.equal(hashHex(eth.hash), min.order);
  assert.equal(hashHex(eth.hash), sjs.orderMessageHash);
  assert.equal(eth.signature, min.order_sig);
  assert.equal(eth.signature, sjs.orderSignature);
  const btc = testnet.signOrder(BTC_SELL);
  assert.equal(hashHex(btc.hash), min.order_sell_btc);
  assert.equal(btc.signature, min.order_sell_btc_sig);
  const main = mainnet.signOrder(ETH_BUY);
  assert.equal(hashHex(main.hash), min.order_mainnet);
  assert.equal(main.signature, min.order_mainnet_sig);
});

Deno.test("the vector signatures verify with starknet.js, as the vectors' flags state", () => {
  const fullPublicKey = ec.starkCurve.getPublicKey(hex64(BigInt(min.l2PrivateKey)));
  const pairs: [string, string][] = [
    [sjs.onboardingMessageHash, sjs.onboardingSignature],
    [sjs.authMessageHash, sjs.authSignature],
    [sjs.orderMessageHash, sjs.orderSignature],
  ];
  for (const [hash, wire] of pairs) {
    const { r, s } = parseParadexSignature(wire);
    assert.ok(ec.starkCurve.verify(new ec.starkCurve.Signature(r, s), hex64(BigInt(hash)), fullPublicKey));
    assert.ok(verifyStarkSignature({ r, s }, BigInt(hash), testnet.publicKey));
  }
});

Deno.test("ModifyOrder reproduces the vector", () => {
  const signed = testnet.signModifyOrder({ ...BTC_SELL, id: "1700000000000123456" });
  assert.equal(hashHex(signed.hash), min.modify_order);
  assert.equal(signed.signature, min.modify_order_sig);
});

Deno.test("Decimal inputs sign the same as strings", () => {
  const signed = testnet.signOrder({
    ...BTC_SELL,
    size: new Decimal("0.0010"),
    price: new Decimal("65000.50"),
  });
  assert.equal(signed.signature, min.order_sell_btc_sig);
});

/** The order typed data as paradex-py builds it, with amounts scaled by decimal.js (not by our code). */
function oracleOrder(order: ParadexOrderInput & { id?: string }, chainId: string) {
  const scaled = (v: string) => new Decimal(v).mul(1e8).toFixed();
  const isMarket = order.orderType.endsWith("MARKET");
  const fields = ["timestamp", "market", "side", "orderType", "size", "price", ...(order.id ? ["id"] : [])];
  const primaryType = order.id ? "ModifyOrder" : "Order";
  return {
    domain: { name: "Paradex", chainId: `0x${encodeShortString(chainId, "c").toString(16)}`, version: "1" },
    primaryType,
    types: {
      StarkNetDomain: [
        { name: "name", type: "felt" },
        { name: "chainId", type: "felt" },
        { name: "version", type: "felt" },
      ],
      [primaryType]: fields.map((name) => ({ name, type: "felt" })),
    },
    message: {
      timestamp: String(order.signatureTimestampMs),
      market: order.market,
      side: order.side === "BUY" ? "1" : "2",
      orderType: order.orderType,
      size: scaled(order.size as string),
      price: isMarket ? "0" : scaled(order.price as string),
      ...(order.id ? { id: order.id } : {}),
    },
  };
}

Deno.test(`random orders equal starknet.js typedData + ec.starkCurve.sign (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 70);
  for (let i = 0; i < 8; i++) {
    const key = rnd.below(2n ** 250n) + 1n;
    const account = rnd.below(FIELD_PRIME);
    const chainId = rnd.pick([PARADEX_CHAINS.prod.starknetChainId, PARADEX_CHAINS.testnet.starknetChainId]);
    const signer = new ParadexSigner({ privateKey: key, account, starknetChainId: chainId });
    const orderType = rnd.pick(["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"]);
    const order: ParadexOrderInput & { id?: string } = {
      signatureTimestampMs: 1_600_000_000_000 + rnd.int(2 ** 31) * 100,
      market: `${rnd.text(2 + rnd.int(4))}-USD-PERP`,
      side: rnd.pick(["BUY", "SELL"] as const),
      orderType,
      size: `${1 + rnd.int(100000)}.${rnd.text(rnd.int(8), "0123456789")}`.replace(/\.$/, ""),
      ...(orderType.endsWith("MARKET")
        ? {}
        : { price: `${1 + rnd.int(200000)}.${rnd.text(1 + rnd.int(7), "0123456789")}` }),
      ...(rnd.int(3) === 0 ? { id: rnd.bits(63).toString() } : {}),
    };
    const data = oracleOrder(order, chainId);
    const expectedHash = BigInt(starknetTypedData.getMessageHash(data, account));
    const signed = order.id !== undefined
      ? signer.signModifyOrder({ ...order, id: order.id })
      : signer.signOrder(order);
    assert.equal(signed.hash, expectedHash, JSON.stringify(order));
    const expectedSig = ec.starkCurve.sign(hex64(expectedHash), hex64(key));
    assert.equal(signed.signature, formatParadexSignature({ r: expectedSig.r, s: expectedSig.s }));
    const fullPublicKey = ec.starkCurve.getPublicKey(hex64(key));
    assert.ok(ec.starkCurve.verify(expectedSig, hex64(signed.hash), fullPublicKey));
  }
});

Deno.test("a signature verifies, and a changed order field breaks it", () => {
  const signed = testnet.signOrder(ETH_BUY);
  const sig = parseParadexSignature(signed.signature);
  assert.ok(verifyStarkSignature(sig, signed.hash, testnet.publicKey));
  const changes: Partial<ParadexOrderInput>[] = [
    { signatureTimestampMs: 1634736000001 },
    { market: "BTC-USD-PERP" },
    { side: "SELL" },
    { orderType: "STOP_LIMIT" },
    { size: "0.10000001" },
    { price: "1500.00000001" },
  ];
  for (const change of changes) {
    const other = testnet.orderHash({ ...ETH_BUY, ...change });
    assert.notEqual(other, signed.hash, JSON.stringify(change));
    assert.ok(!verifyStarkSignature(sig, other, testnet.publicKey), JSON.stringify(change));
  }
  assert.ok(!verifyStarkSignature(sig, mainnet.orderHash(ETH_BUY), testnet.publicKey), "other chain");
  const otherAccount = new ParadexSigner({
    privateKey: min.l2PrivateKey,
    account: 1n,
    starknetChainId: "SN",
  });
  assert.ok(!verifyStarkSignature(sig, otherAccount.orderHash(ETH_BUY), testnet.publicKey), "other account");
});

Deno.test("order felts: side 1/2, amounts × 10^8, price 0 for market types", () => {
  assert.deepEqual(paradexOrderFelts(ETH_BUY).slice(2), [
    1n,
    encodeShortString("LIMIT", "t"),
    10000000n,
    150000000000n,
  ]);
  assert.deepEqual(paradexOrderFelts(BTC_SELL).slice(4), [100000n, 6500050000000n]);
  const market = { ...ETH_BUY, orderType: "MARKET", side: "SELL" as const };
  delete (market as { price?: unknown }).price;
  assert.deepEqual(paradexOrderFelts(market).slice(2), [2n, encodeShortString("MARKET", "t"), 10000000n, 0n]);
  assert.equal(paradexOrderFelts({ ...market, price: "0" })[5], 0n);
});

Deno.test("invalid orders are refused with the field named", () => {
  const refuse = (change: Record<string, unknown>, type: new (...a: never[]) => Error, field: RegExp) =>
    assert.throws(() => testnet.signOrder({ ...ETH_BUY, ...change } as ParadexOrderInput), (e: Error) => {
      assert.ok(e instanceof type, `${e.name}: ${e.message}`);
      assert.match(e.message, field);
      return true;
    });
  refuse({ size: "0.123456789" }, AmountPrecisionError, /Invalid size 0\.123456789/);
  refuse({ price: "1500.000000001" }, AmountPrecisionError, /price/);
  refuse({ size: "-1" }, FieldRangeError, /size/);
  refuse({ size: "0" }, FieldRangeError, /size/);
  refuse({ price: "0" }, FieldRangeError, /price/);
  refuse({ price: undefined }, InvalidFieldError, /price \(missing\)/);
  refuse({ orderType: "MARKET", price: "1500" }, InvalidFieldError, /price "1500"/);
  refuse({ side: "buy" }, InvalidFieldError, /side "buy"/);
  refuse({ market: "" }, InvalidFieldError, /market/);
  refuse({ market: "ÉTH-USD-PERP" }, InvalidFieldError, /market .*ASCII/);
  refuse({ market: "A".repeat(32) }, InvalidFieldError, /market/);
  refuse({ signatureTimestampMs: -1 }, FieldRangeError, /signatureTimestampMs/);
  refuse({ signatureTimestampMs: 1.5 }, FieldRangeError, /signatureTimestampMs/);
  refuse({ size: 0.1 }, InvalidFieldError, /size 0\.1: expected a decimal string/);
  refuse({ size: `${FIELD_PRIME}` }, FieldRangeError, /size/);
  assert.throws(() => testnet.signModifyOrder({ ...ETH_BUY, id: "12ab" }), /Invalid id "12ab"/);
  assert.throws(() => testnet.signAuth({ timestamp: 10, expiration: 10 }), /expiration/);
});

Deno.test("the private key is validated and never appears in errors", () => {
  const secret = "0x543b6cf6c91817a87174aaea4fb370ac1c694e864d7740d728f8344d53e815zz";
  assert.throws(
    () => new ParadexSigner({ privateKey: secret, account: ACCOUNT, starknetChainId: "SN" }),
    (e: Error) =>
      e instanceof InvalidFieldError && !e.message.includes("543b6cf6") && /privateKey/.test(e.message),
  );
});

Deno.test("signature wire format round-trips and refuses other shapes", () => {
  const sig = { r: 12n, s: 345n };
  assert.equal(formatParadexSignature(sig), '["12","345"]');
  assert.deepEqual(parseParadexSignature('["12","345"]'), sig);
  assert.throws(() => parseParadexSignature('["12", "345"]'), InvalidFieldError);
  assert.throws(() => parseParadexSignature("[12,345]"), InvalidFieldError);
});
