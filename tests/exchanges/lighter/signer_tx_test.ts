/**
 * Transaction validation mirroring lighter-go's `Validate()` (bad input is refused with the field named and is
 * never signed), attribute hashing and JSON, and large-integer handling.
 */
import assert from "node:assert/strict";
import {
  bytesToHex,
  type CancelAllOrdersTx,
  type CancelOrderTx,
  createAuthToken,
  type CreateOrderTx,
  hashCancelAllOrders,
  hashCreateOrder,
  LighterPrivateKey,
  LighterTxValidationError,
  OrderType,
  signCancelAllOrders,
  signCancelOrder,
  signCreateOrder,
  TimeInForce,
  verifyHashedMessage,
} from "../../../exchanges/lighter/signer/mod.ts";
import { hashToQuinticExtension } from "../../../exchanges/lighter/signer/poseidon2.ts";
import * as fp5 from "../../../exchanges/lighter/signer/quintic_extension.ts";

const key = LighterPrivateKey.fromHex(
  "4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28",
);

/** A stand-in key that records whether anything was signed. */
function spyKey(): { key: LighterPrivateKey; calls: () => number } {
  let calls = 0;
  const spy = {
    signHashedMessage: (hash: Uint8Array) => {
      calls++;
      return key.signHashedMessage(hash);
    },
  } as unknown as LighterPrivateKey;
  return { key: spy, calls: () => calls };
}

const order: CreateOrderTx = {
  accountIndex: 12345,
  apiKeyIndex: 3,
  marketIndex: 0,
  clientOrderIndex: 1,
  baseAmount: 1000,
  price: 50000,
  isAsk: 0,
  type: OrderType.Limit,
  timeInForce: TimeInForce.GoodTillTime,
  reduceOnly: 0,
  triggerPrice: 0,
  orderExpiry: 1702419200000,
  expiredAt: 1700000599000,
  nonce: 42,
};

function rejects(
  change: Partial<Record<keyof CreateOrderTx, unknown>>,
  field: string,
  chainId: unknown = 304,
): void {
  const spy = spyKey();
  const tx = { ...order, ...change } as unknown as CreateOrderTx;
  assert.throws(
    () => signCreateOrder(spy.key, chainId as number, tx),
    (e: unknown) => e instanceof LighterTxValidationError && e.field === field && e.tx === "CreateOrder",
    `${JSON.stringify(change, (_, x) => (typeof x === "bigint" ? `${x}n` : x))} should fail on ${field}`,
  );
  assert.equal(spy.calls(), 0, "nothing signed");
}

function accepts(change: Partial<CreateOrderTx>, chainId = 304): string {
  const spy = spyKey();
  const signed = signCreateOrder(spy.key, chainId, { ...order, ...change });
  assert.equal(spy.calls(), 1);
  assert.ok(verifyHashedMessage(key.publicKey(), signed.messageHash, signed.signature));
  return signed.txInfo;
}

Deno.test("CreateOrder: index and amount ranges", () => {
  rejects({ accountIndex: -2 }, "AccountIndex");
  rejects({ accountIndex: 2 ** 48 - 1 }, "AccountIndex");
  accepts({ accountIndex: 2 ** 48 - 2 });
  accepts({ accountIndex: -1 }); // upstream's MinAccountIndex
  rejects({ apiKeyIndex: 255 }, "ApiKeyIndex");
  rejects({ apiKeyIndex: 256 }, "ApiKeyIndex");
  rejects({ apiKeyIndex: -1 }, "ApiKeyIndex");
  accepts({ apiKeyIndex: 254 });
  for (const m of [-1, 255, 2047, 4095, 40000]) rejects({ marketIndex: m }, "MarketIndex");
  accepts({ marketIndex: 254 });
  accepts({ marketIndex: 2048 });
  accepts({ marketIndex: 4094 });
  rejects({ clientOrderIndex: -1 }, "ClientOrderIndex");
  rejects({ clientOrderIndex: 2 ** 48 }, "ClientOrderIndex");
  accepts({ clientOrderIndex: 0 });
  accepts({ clientOrderIndex: 2 ** 48 - 1 });
  rejects({ baseAmount: 0 }, "BaseAmount");
  rejects({ baseAmount: -5 }, "BaseAmount");
  rejects({ baseAmount: 2 ** 48 }, "BaseAmount");
  accepts({ baseAmount: 2 ** 48 - 1 });
  accepts({ baseAmount: 0, reduceOnly: 1 });
  rejects({ price: 0 }, "Price");
  rejects({ price: 2 ** 32 }, "Price");
  accepts({ price: 2 ** 32 - 1 });
  rejects({ isAsk: 2 }, "IsAsk");
  rejects({ timeInForce: 3 }, "TimeInForce");
  rejects({ reduceOnly: 2 }, "ReduceOnly");
  rejects({ marketIndex: 2048, reduceOnly: 1 }, "ReduceOnly");
  rejects({ orderExpiry: -1 }, "OrderExpiry");
  rejects({ nonce: -1 }, "Nonce");
  rejects({ expiredAt: -1 }, "ExpiredAt");
  rejects({ expiredAt: 2 ** 48 }, "ExpiredAt");
  accepts({ expiredAt: 2 ** 48 - 1 });
  rejects({}, "chainId", 2 ** 32);
  rejects({}, "chainId", -1);
});

Deno.test("CreateOrder: integers only, bigint beyond 2^53", () => {
  rejects({ price: 1.5 }, "Price");
  rejects({ price: "100" }, "Price");
  rejects({ price: Number.NaN }, "Price");
  rejects({ baseAmount: undefined }, "BaseAmount");
  rejects({ orderExpiry: 2 ** 53 }, "OrderExpiry"); // not a safe integer as a number …
  const info = accepts({ orderExpiry: (1n << 63n) - 1n }); // … but fine as a bigint
  assert.ok(info.includes(`"OrderExpiry":9223372036854775807,`));
  rejects({ orderExpiry: 1n << 63n }, "OrderExpiry");
  assert.deepEqual(JSON.parse(accepts({ nonce: 7n, price: 123n })).Price, 123);
});

Deno.test("CreateOrder: time-in-force and expiry rules by order type", () => {
  rejects({ orderExpiry: 0 }, "OrderExpiry"); // GTT needs an expiry
  rejects({ timeInForce: TimeInForce.PostOnly, orderExpiry: 0 }, "OrderExpiry");
  accepts({ timeInForce: TimeInForce.PostOnly });
  rejects({ timeInForce: TimeInForce.ImmediateOrCancel }, "OrderExpiry"); // IOC must not have one
  accepts({ timeInForce: TimeInForce.ImmediateOrCancel, orderExpiry: 0 });
  rejects({ triggerPrice: 5 }, "TriggerPrice");
  const market = { type: OrderType.Market, timeInForce: TimeInForce.ImmediateOrCancel, orderExpiry: 0 };
  accepts(market);
  rejects({ ...market, timeInForce: TimeInForce.GoodTillTime }, "TimeInForce");
  rejects({ ...market, orderExpiry: 1 }, "OrderExpiry");
  rejects({ ...market, triggerPrice: 1 }, "TriggerPrice");
  const stop = { type: OrderType.StopLoss, timeInForce: TimeInForce.ImmediateOrCancel, triggerPrice: 49000 };
  accepts(stop);
  accepts({ ...stop, type: OrderType.TakeProfit });
  rejects({ ...stop, marketIndex: 2048 }, "Type");
  rejects({ ...stop, timeInForce: TimeInForce.GoodTillTime }, "TimeInForce");
  rejects({ ...stop, triggerPrice: 0 }, "TriggerPrice");
  rejects({ ...stop, orderExpiry: 0 }, "OrderExpiry");
  const stopLimit = { type: OrderType.StopLossLimit, triggerPrice: 49000 };
  accepts(stopLimit);
  accepts({ ...stopLimit, type: OrderType.TakeProfitLimit, timeInForce: TimeInForce.PostOnly });
  rejects({ ...stopLimit, triggerPrice: 0 }, "TriggerPrice");
  rejects({ ...stopLimit, orderExpiry: 0 }, "OrderExpiry");
  rejects({ ...stopLimit, marketIndex: 2048 }, "Type");
  accepts({ type: OrderType.Twap });
  rejects({ type: OrderType.Twap, timeInForce: TimeInForce.PostOnly }, "TimeInForce");
  rejects({ type: OrderType.Twap, triggerPrice: 1 }, "TriggerPrice");
  rejects({ type: 7 }, "Type");
});

Deno.test("errors name the transaction, the field and the value", () => {
  try {
    signCreateOrder(key, 304, { ...order, price: 0 });
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof LighterTxValidationError);
    assert.equal(e.name, "LighterTxValidationError");
    assert.equal(e.field, "Price");
    assert.equal(e.value, 0n);
    assert.match(e.message, /^Invalid Lighter CreateOrder: Price = 0 \(/);
  }
});

Deno.test("attributes: validation rules", () => {
  const a = (attributes: Record<string, unknown>) => ({ attributes } as Partial<CreateOrderTx>);
  rejects(a({ skipNonce: 0 }), "L2TxAttributes.SkipNonce");
  rejects(a({ skipNonce: 2 }), "L2TxAttributes.SkipNonce");
  rejects(a({ integratorTakerFee: 10 }), "L2TxAttributes.IntegratorAccountIndex");
  rejects(
    a({ integratorAccountIndex: 7, integratorTakerFee: 1_000_001 }),
    "L2TxAttributes.IntegratorTakerFee",
  );
  rejects(a({ integratorAccountIndex: -1 }), "L2TxAttributes.IntegratorAccountIndex");
  rejects(a({ selfTradeBehaviorMode: 4 }), "L2TxAttributes.SelfTradeBehaviorMode");
  rejects(a({ selfTradeEqualityMode: 2 }), "L2TxAttributes.SelfTradeEqualityMode");
  rejects(a({ selfTradeBehaviorMode: 3, selfTradeEqualityMode: 1 }), "L2TxAttributes.SelfTradeBehaviorMode");
  rejects(
    a({ integratorAccountIndex: 7, integratorMakerFee: 5, selfTradeBehaviorMode: 1 }),
    "L2TxAttributes.SelfTradeBehaviorMode",
  );
  rejects(a({ cancelAllMarketIndex: 256 }), "L2TxAttributes.CancelAllMarketIndex");
  rejects(
    a({
      integratorAccountIndex: 7,
      integratorTakerFee: 1,
      integratorMakerFee: 1,
      skipNonce: 1,
      cancelAllMarketIndex: 3,
    }),
    "L2TxAttributes",
  );
  accepts({ attributes: { selfTradeBehaviorMode: 3, selfTradeEqualityMode: 0 } });
});

/** The CreateOrder message hash computed from the primitives, independently of the transaction code. */
function manualHash(tx: CreateOrderTx, attributePairs?: bigint[]): string {
  const u64 = (x: number | bigint) => (BigInt(x) < 0n ? BigInt(x) + (1n << 64n) : BigInt(x));
  const elems = [
    304,
    14,
    tx.nonce,
    tx.expiredAt,
    tx.accountIndex,
    tx.apiKeyIndex,
    tx.marketIndex,
    tx.clientOrderIndex,
    tx.baseAmount,
    tx.price,
    tx.isAsk,
    tx.type,
    tx.timeInForce,
    tx.reduceOnly,
    tx.triggerPrice,
    tx.orderExpiry,
  ].map(u64);
  let h = hashToQuinticExtension(elems);
  if (attributePairs) h = hashToQuinticExtension([...h, ...hashToQuinticExtension(attributePairs)]);
  return bytesToHex(fp5.toBytes(fp5.fromBigInts(h)));
}

Deno.test("attributes: hash folding, sorted and padded pairs, nil values, JSON", () => {
  const plain = bytesToHex(hashCreateOrder(304, order));
  assert.equal(plain, manualHash(order));
  const withAttrs = {
    ...order,
    attributes: { selfTradeEqualityMode: 1, skipNonce: 1, selfTradeBehaviorMode: 2 },
  };
  assert.equal(
    bytesToHex(hashCreateOrder(304, withAttrs)),
    manualHash(order, [4n, 1n, 6n, 2n, 7n, 1n, 0n, 0n]),
  );
  const signed = signCreateOrder(key, 304, withAttrs);
  assert.ok(signed.txInfo.endsWith(`"L2TxAttributes":{"4":1,"6":2,"7":1}}`));
  // Fees with their integrator: four attributes, the maximum.
  const fees = { integratorAccountIndex: 7, integratorTakerFee: 100, integratorMakerFee: 50, skipNonce: 1 };
  assert.equal(
    bytesToHex(hashCreateOrder(304, { ...order, attributes: fees })),
    manualHash(order, [1n, 7n, 2n, 100n, 3n, 50n, 4n, 1n]),
  );
  assert.ok(
    signCreateOrder(key, 304, { ...order, attributes: fees }).txInfo.endsWith(
      `{"1":7,"2":100,"3":50,"4":1}}`,
    ),
  );
  // Attributes holding only nil values are sent but do not change the hash (upstream IsEmpty).
  const nil = { ...order, attributes: { selfTradeBehaviorMode: 0, integratorTakerFee: 0 } };
  assert.equal(bytesToHex(hashCreateOrder(304, nil)), plain);
  assert.ok(signCreateOrder(key, 304, nil).txInfo.endsWith(`"L2TxAttributes":{"2":0,"6":0}}`));
  // An empty or all-undefined attribute object is the same as none.
  const none = signCreateOrder(key, 304, { ...order, attributes: { skipNonce: undefined } });
  assert.ok(none.txInfo.endsWith(`"L2TxAttributes":null}`));
  assert.equal(none.txHash, plain);
  // Account index −1 hashes as the uint64 2^64 − 1, as Go's GoldilocksField(int64) does.
  const negative = { ...order, accountIndex: -1 };
  assert.equal(bytesToHex(hashCreateOrder(304, negative)), manualHash(negative));
  assert.notEqual(bytesToHex(hashCreateOrder(300, order)), plain, "chain id is hashed");
});

const cancel: CancelOrderTx = {
  accountIndex: 12345,
  apiKeyIndex: 3,
  marketIndex: 0,
  index: 1,
  expiredAt: 1700000599000,
  nonce: 45,
};

Deno.test("CancelOrder: index ranges; 2^60 − 1 as bigint is written exactly", () => {
  const check = (change: Partial<Record<keyof CancelOrderTx, unknown>>, field: string) => {
    const spy = spyKey();
    assert.throws(
      () => signCancelOrder(spy.key, 304, { ...cancel, ...change } as CancelOrderTx),
      (e: unknown) => e instanceof LighterTxValidationError && e.field === field,
    );
    assert.equal(spy.calls(), 0);
  };
  check({ index: 0 }, "Index");
  check({ index: 1n << 60n }, "Index");
  check({ marketIndex: 300 }, "MarketIndex");
  check({ apiKeyIndex: 255 }, "ApiKeyIndex");
  check({ nonce: -1 }, "Nonce");
  check({ expiredAt: 2 ** 48 }, "ExpiredAt");
  check({ accountIndex: 2n ** 48n }, "AccountIndex");
  const big = signCancelOrder(key, 304, { ...cancel, index: (1n << 60n) - 1n });
  assert.ok(big.txInfo.includes(`"Index":1152921504606846975,`));
  assert.ok(verifyHashedMessage(key.publicKey(), big.messageHash, big.signature));
});

const cancelAll: CancelAllOrdersTx = {
  accountIndex: 12345,
  apiKeyIndex: 3,
  timeInForce: 0,
  time: 0,
  expiredAt: 1700000599000,
  nonce: 46,
};

Deno.test("CancelAllOrders: time-in-force, time and the one-market attribute", () => {
  const check = (change: Partial<Record<keyof CancelAllOrdersTx, unknown>>, field: string) => {
    const spy = spyKey();
    assert.throws(
      () => signCancelAllOrders(spy.key, 304, { ...cancelAll, ...change } as CancelAllOrdersTx),
      (e: unknown) => e instanceof LighterTxValidationError && e.field === field,
    );
    assert.equal(spy.calls(), 0);
  };
  check({ timeInForce: 3 }, "TimeInForce");
  check({ time: 5 }, "Time");
  check({ timeInForce: 2, time: 5 }, "Time");
  check({ timeInForce: 1, time: 0 }, "Time");
  check(
    { timeInForce: 1, time: 1700000000000, attributes: { cancelAllMarketIndex: 1 } },
    "L2TxAttributes.CancelAllMarketIndex",
  );
  check({ attributes: { cancelAllMarketIndex: -1 } }, "L2TxAttributes.CancelAllMarketIndex");
  check({ nonce: -1 }, "Nonce");
  const ok = (change: Partial<CancelAllOrdersTx>) =>
    signCancelAllOrders(key, 304, { ...cancelAll, ...change });
  ok({ timeInForce: 1, time: 1700000000000 });
  ok({ timeInForce: 2 });
  ok({ apiKeyIndex: 255 }); // upstream accepts the nil API key index here
  ok({ timeInForce: 1, time: 1700000000000, attributes: { cancelAllMarketIndex: 255 } });
  assert.equal(
    bytesToHex(hashCancelAllOrders(304, { ...cancelAll, attributes: { cancelAllMarketIndex: 255 } })),
    bytesToHex(hashCancelAllOrders(304, cancelAll)),
    "255 means all markets: a nil attribute",
  );
});

Deno.test("auth token request is validated", () => {
  assert.throws(
    () => createAuthToken(key, { deadline: -1, accountIndex: 1, apiKeyIndex: 3 }),
    LighterTxValidationError,
  );
  assert.throws(
    () => createAuthToken(key, { deadline: 1, accountIndex: 1, apiKeyIndex: 256 }),
    LighterTxValidationError,
  );
  assert.throws(
    () => createAuthToken(key, { deadline: 1.5, accountIndex: 1, apiKeyIndex: 3 }),
    LighterTxValidationError,
  );
});
