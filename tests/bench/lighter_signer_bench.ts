/**
 * Lighter signer benchmarks: key derivation, signing and verifying.
 * Run: deno bench --allow-all tests/bench/lighter_signer_bench.ts
 */
import {
  createAuthToken,
  type CreateOrderTx,
  hashCreateOrder,
  LighterPrivateKey,
  OrderType,
  signCreateOrder,
  TimeInForce,
  verifyHashedMessage,
} from "../../exchanges/lighter/signer/mod.ts";

const KEY_HEX = "4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28";
const key = LighterPrivateKey.fromHex(KEY_HEX);
const publicKey = key.publicKey(); // also builds the generator table once, outside the timings
const order: CreateOrderTx = {
  accountIndex: 12345,
  apiKeyIndex: 3,
  marketIndex: 0,
  clientOrderIndex: 1,
  baseAmount: 1000,
  price: 50000,
  isAsk: 0,
  type: OrderType.Limit,
  timeInForce: TimeInForce.PostOnly,
  reduceOnly: 0,
  triggerPrice: 0,
  orderExpiry: 1702419200000,
  expiredAt: 1700000599000,
  nonce: 42,
};
const messageHash = hashCreateOrder(304, order);
const signature = key.signHashedMessage(messageHash);

Deno.bench("key derivation: parse private key + public key", { group: "keys" }, () => {
  LighterPrivateKey.fromHex(KEY_HEX).publicKey();
});

Deno.bench("sign: Schnorr on a 40-byte hash (fresh random nonce)", { group: "sign", baseline: true }, () => {
  key.signHashedMessage(messageHash);
});

Deno.bench("sign: CreateOrder (validate, hash, sign, tx_info)", { group: "sign" }, () => {
  signCreateOrder(key, 304, order);
});

Deno.bench("sign: auth token", { group: "sign" }, () => {
  createAuthToken(key, { deadline: 1700000600, accountIndex: 12345, apiKeyIndex: 3 });
});

Deno.bench("hash: CreateOrder message hash (Poseidon2)", { group: "hash" }, () => {
  hashCreateOrder(304, order);
});

Deno.bench("verify: Schnorr signature", { group: "verify" }, () => {
  if (!verifyHashedMessage(publicKey, messageHash, signature)) throw new Error("signature does not verify");
});
