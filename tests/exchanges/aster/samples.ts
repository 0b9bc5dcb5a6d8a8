/**
 * Aster messages as the venue sends them, shared by the Aster tests: an order as REST returns it and an
 * `ORDER_TRADE_UPDATE` of the user stream.
 * @module
 */

/** A resting post-only buy of 0.4 SOLUSDT at 150.05, as REST returns it, with `patch` applied. */
export function restOrder(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 101,
    clientOrderId: "55",
    symbol: "SOLUSDT",
    status: "NEW",
    price: "150.05",
    avgPrice: "0",
    origQty: "0.4",
    executedQty: "0",
    cumQuote: "0",
    timeInForce: "GTX",
    type: "LIMIT",
    reduceOnly: false,
    side: "BUY",
    updateTime: 1,
    ...patch,
  };
}

/** A trade of 0.5 of a post-only sell of 2 SOLUSDT at 151.5, order 9001, client id "77". */
export const TRADE_UPDATE = {
  e: "ORDER_TRADE_UPDATE",
  E: 1700000000001,
  T: 1700000000000,
  o: {
    s: "SOLUSDT",
    c: "77",
    S: "SELL",
    o: "LIMIT",
    f: "GTX",
    q: "2",
    p: "151.5",
    ap: "151.5",
    sp: "0",
    x: "TRADE",
    X: "PARTIALLY_FILLED",
    i: 9001,
    l: "0.5",
    z: "0.5",
    L: "151.5",
    n: "0.0303",
    N: "USDT",
    T: 1700000000000,
    t: 5,
    b: "0",
    a: "0",
    m: true,
    R: false,
    wt: "CONTRACT_PRICE",
    ot: "LIMIT",
    ps: "BOTH",
    cp: false,
    rp: "0",
  },
};
