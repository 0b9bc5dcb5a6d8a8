/**
 * Stark signer benchmarks: a Paradex order signed here, through ccxt's Paradex class, and with starknet.js
 * typedData + ec.starkCurve.sign, all in one run; an EdgeX V1 order; and the parts (Pedersen, Stark ECDSA).
 * Run: deno bench --allow-all tests/bench/stark_signers_bench.ts
 */
import { paradex as CcxtParadex } from "ccxt";
import { pedersen as scurePedersen, sign as scureSign } from "@scure/starknet";
import { ec, typedData } from "starknet";
import { PARADEX_CHAINS, type ParadexOrderInput, ParadexSigner } from "../../exchanges/paradex/signer.ts";
import { type EdgexV1LimitOrderInput, EdgexV1Signer } from "../../exchanges/edgex/signer.ts";
import { type EdgexV2LimitOrderInput, EdgexV2OrderSigner } from "../../exchanges/edgex/signer_v2.ts";
import { pedersen } from "../../exchanges/stark/pedersen.ts";
import { signStarkHash } from "../../exchanges/stark/ecdsa.ts";

// The paradex-py test account (tests/testdata/paradex_min.json).
const L2_KEY = "0x543b6cf6c91817a87174aaea4fb370ac1c694e864d7740d728f8344d53e815";
const ACCOUNT = "0x129c135ed63df9353885e292be4426b8ed6122b13c6c0e1bb787288a1f5adfa";
const CHAIN = PARADEX_CHAINS.testnet.starknetChainId;

// Constructing the signers builds the Pedersen and generator tables, outside the timings.
const paradexSigner = new ParadexSigner({ privateKey: L2_KEY, account: ACCOUNT, starknetChainId: CHAIN });
let timestamp = 1634736000000;
function nextOrder(): ParadexOrderInput {
  // A new timestamp each time, as in production, so nothing can be cached between iterations.
  return {
    signatureTimestampMs: timestamp++,
    market: "ETH-USD-PERP",
    side: "BUY",
    orderType: "LIMIT",
    size: "0.1",
    price: "1500",
  };
}

// ccxt, offline: the system config and derived account are put where ccxt caches them after its first request.
const ccxtParadex = new CcxtParadex({
  options: {
    systemConfig: { starknet_chain_id: CHAIN, l1_chain_id: "11155111" },
    paradexAccount: { privateKey: L2_KEY, publicKey: paradexSigner.publicKey, address: ACCOUNT },
  },
});

// Same work on both sides: with ccxt's clock pinned, it signs the vector order exactly as ParadexSigner does.
{
  const clock = ccxtParadex as unknown as { nonce: () => number };
  const realNonce = clock.nonce;
  clock.nonce = () => 1634736000;
  const request = { market: "ETH-USD-PERP", side: "BUY", type: "LIMIT", size: "0.1", price: "1500" };
  const theirs = (await ccxtParadex.signOrderRequest(request))["signature"];
  const ours = paradexSigner.signOrder({ ...nextOrder(), signatureTimestampMs: 1634736000000 }).signature;
  if (theirs !== ours) throw new Error(`ccxt and ParadexSigner disagree: ${theirs} vs ${ours}`);
  clock.nonce = realNonce;
}

const ORDER_TYPES = {
  StarkNetDomain: [
    { name: "name", type: "felt" },
    { name: "chainId", type: "felt" },
    { name: "version", type: "felt" },
  ],
  Order: ["timestamp", "market", "side", "orderType", "size", "price"].map((name) => ({
    name,
    type: "felt",
  })),
};

const edgexSigner = new EdgexV1Signer("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
let clientId = 0;
const EDGEX_ORDER: EdgexV1LimitOrderInput = {
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
const edgexV2Signer = new EdgexV2OrderSigner(
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  {
    chainId: 33431,
    verifyingContract: "0x1ae109ea449cfe0bed08bfe8911e968a49a919b1",
  },
);
const EDGEX_V2_ORDER: EdgexV2LimitOrderInput = {
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

Deno.bench(
  "paradex order: perpbot ParadexSigner.signOrder",
  { group: "paradex order", baseline: true },
  () => {
    paradexSigner.signOrder(nextOrder());
  },
);

Deno.bench("paradex order: ccxt paradex.signOrderRequest", { group: "paradex order" }, async () => {
  await ccxtParadex.signOrderRequest({
    market: "ETH-USD-PERP",
    side: "BUY",
    type: "LIMIT",
    size: "0.1",
    price: "1500",
  });
});

Deno.bench("paradex order: starknet.js typedData.getMessageHash + ec.starkCurve.sign", {
  group: "paradex order",
}, () => {
  const order = nextOrder();
  const hash = typedData.getMessageHash({
    domain: { name: "Paradex", chainId: CHAIN, version: "1" },
    primaryType: "Order",
    types: ORDER_TYPES,
    message: {
      timestamp: String(order.signatureTimestampMs),
      market: order.market,
      side: "1",
      orderType: order.orderType,
      size: "10000000",
      price: "150000000000",
    },
  }, ACCOUNT);
  ec.starkCurve.sign(hash, L2_KEY);
});

Deno.bench("paradex order hash only (no signature)", { group: "paradex parts" }, () => {
  paradexSigner.orderHash(nextOrder());
});

Deno.bench("edgex v1 order: EdgexV1Signer.signLimitOrder", { group: "edgex order", baseline: true }, () => {
  edgexSigner.signLimitOrder({ ...EDGEX_ORDER, clientOrderId: `c-${clientId++}` });
});

Deno.bench("edgex v1 request: signRequest (GET)", { group: "edgex order" }, () => {
  edgexSigner.signRequest(1735542383256 + clientId++, {
    method: "GET",
    path: "/api/v1/private/order/getOrderById",
    query: { accountId: "543429922991899150", orderIdList: "564827797948727434" },
  });
});

Deno.bench("edgex v2 order: EdgexV2OrderSigner.signLimitOrder", { group: "edgex order" }, () => {
  edgexV2Signer.signLimitOrder({ ...EDGEX_V2_ORDER, clientOrderId: `c-${clientId++}` });
});

let x = 0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cbn;
const y = 0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31an;
Deno.bench("pedersen: windowed tables (perpbot)", { group: "pedersen", baseline: true }, () => {
  x = pedersen(x, y);
});
Deno.bench("pedersen: @scure/starknet", { group: "pedersen" }, () => {
  x = BigInt(scurePedersen(x, y));
});

let h = 0x357f784e57d5c5b56410bfd988055f93958794f4e550742849e6c82b943c92dn;
const key = BigInt(L2_KEY);
Deno.bench("stark ecdsa sign: perpbot (RFC 6979, G table)", { group: "stark sign", baseline: true }, () => {
  signStarkHash(h++, key);
});
Deno.bench("stark ecdsa sign: @scure/starknet", { group: "stark sign" }, () => {
  scureSign((h++).toString(16), L2_KEY.slice(2));
});
