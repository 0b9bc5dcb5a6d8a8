/**
 * The Aster adapter when the venue answers malformed data: the bot places nothing on a bad book and goes on
 * through its usual retry once the book is good; a bad quote on the market stream is never served; malformed
 * `ORDER_TRADE_UPDATE`s never reach a listener, and the resync they cause reports the true state once the
 * open orders read back well-formed; a storm of seeded mutated updates delivers only valid events whose
 * `filled` never decreases.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { AsterHmacSigner } from "../../../exchanges/aster/signer.ts";
import { AsterVenue } from "../../../exchanges/aster/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { AsterFake, type AsterOrderEvent } from "../../fakes/aster.ts";
import type { SocketSession } from "../../fakes/loopback.ts";
import { type BadDataSetup, badDataTests, until } from "../bad_data.ts";

const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;
const SYMBOL = "SOLUSDT";

const isUserSession = (s: SocketSession) => s.state.has("listenKey");
const isTickerSession = (s: SocketSession) => !s.state.has("listenKey");

async function start(options: { bboFromRest?: boolean } = {}): Promise<BadDataSetup<AsterFake>> {
  const clock = new RealClock();
  const fake = await AsterFake.start({
    ticker: "SOL",
    ...MARKET,
    clock,
    bid: "150.00",
    ask: "150.10",
    tickerIntervalMs: 50,
  });
  const venueLog: string[] = [];
  const venue = new AsterVenue({
    ticker: "SOL",
    clock,
    signer: new AsterHmacSigner(fake.apiKey, fake.secretKey),
    baseUrl: fake.baseUrl,
    wsUrl: fake.wsUrl,
    requestTimeoutMs: 500,
    connectTimeoutMs: 2000,
    // Every read of the book goes to REST, where the faults are.
    ...(options.bboFromRest ? { bboMaxAgeMs: -1 } : {}),
    log: (level, text) => venueLog.push(`${level}: ${text}`),
  });
  return { clock, fake, venue, venueLog };
}

/** An `ORDER_TRADE_UPDATE` of the resting buy, as the venue sends it. */
function tradeUpdate(id: string, o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    e: "ORDER_TRADE_UPDATE",
    E: 1700000000001,
    T: 1700000000000,
    o: {
      s: SYMBOL,
      c: "c-x",
      S: "BUY",
      o: "LIMIT",
      f: "GTX",
      q: "0.4",
      p: "149.50",
      ap: "149.50",
      sp: "0",
      x: "TRADE",
      X: "FILLED",
      i: Number(id),
      l: "0.4",
      z: "0.4",
      L: "149.50",
      n: "0.01196",
      N: "USDT",
      T: 1700000000000,
      t: 1,
      m: true,
      R: false,
      ps: "BOTH",
      ...o,
    },
  };
}

badDataTests<AsterOrderEvent, AsterFake>({
  name: "aster",
  label: "[ASTER_SOL]",
  start,
  bookPath: "/fapi/v1/ticker/bookTicker",
  orderPath: "/fapi/v1/order",
  openOrdersPath: "/fapi/v1/openOrders",
  tickSize: MARKET.tickSize,
  badBooks: [
    JSON.stringify({ symbol: SYMBOL, bidPrice: "150.20", bidQty: "1", askPrice: "150.10", askQty: "1" }),
    JSON.stringify({ symbol: SYMBOL, bidPrice: "NaN", bidQty: "1", askPrice: "150.10", askQty: "1" }),
    JSON.stringify({ symbol: SYMBOL, bidPrice: "-150.00", bidQty: "1", askPrice: "150.10", askQty: "1" }),
    JSON.stringify({ symbol: SYMBOL, bidPrice: "150.00", bidQty: "1", askPrice: "1e400", askQty: "1" }),
    JSON.stringify({ symbol: SYMBOL, bidPrice: "150.00", bidQty: "1" }),
    JSON.stringify({ symbol: "BTCUSDT", bidPrice: "150.00", bidQty: "1", askPrice: "150.10", askQty: "1" }),
    "<html>",
    "[]",
    "null",
  ],
  placedBuy: (body) => {
    const order = new URLSearchParams(body);
    assert.equal(order.get("side"), "BUY");
    assert.equal(order.get("timeInForce"), "GTX");
    return new Decimal(order.get("price")!);
  },
  send: (fake, frame) => fake.server.broadcast(frame, isUserSession),
  clientIds: ["c-501", "c-502"],
  missedFill: (fake, id) => ({
    dropFill: () => fake.faults.events.drop((e) => String(e.o.i) === id && e.o.X === "FILLED"),
    badOpenOrders: JSON.stringify([{
      orderId: Number(id),
      clientOrderId: "c-501",
      symbol: SYMBOL,
      status: "NEW",
      price: "149.50",
      origQty: "-0.4",
      executedQty: "0",
      timeInForce: "GTX",
      type: "LIMIT",
      side: "BUY",
    }]),
    refusal: /origQty -0\.4 must be > 0/,
    badFrames: [
      tradeUpdate(id, { z: "0.8" }),
      tradeUpdate(id, { z: "NaN" }),
      tradeUpdate(id, { q: "-0.4", z: "0" }),
      tradeUpdate(id, { S: "sell" }),
      tradeUpdate(id, { X: "GONE" }),
      tradeUpdate(id, { X: "toString" }),
      tradeUpdate(id, { X: "__proto__" }),
      tradeUpdate(id, { i: undefined }),
      tradeUpdate(id, { i: -1 }),
      tradeUpdate(id, { p: "1e400" }),
      tradeUpdate(id, { n: "Infinity" }),
      tradeUpdate(id, { R: "yes" }),
      { ...tradeUpdate(id), o: null },
    ],
    truncated: `{"e":"ORDER_TRADE_UPDATE","o":{"i":${id},`,
  }),
  storm: (_fake, orderId) => ({
    updates: [
      tradeUpdate(orderId, { X: "PARTIALLY_FILLED", z: "0.1", l: "0.1", n: "0.003" }),
      tradeUpdate(orderId, { X: "FILLED", z: "0.4", l: "0.3", n: "0.009" }),
    ],
    frame: (update) => update,
    sentinel: {
      frame: tradeUpdate("999999999", { X: "NEW", x: "NEW", z: "0", l: "0", ap: "0", n: "0", c: undefined }),
      orderId: "999999999",
    },
  }),
  quantity: "positive",
});

Deno.test("aster: a malformed quote on the market stream is never served as the best bid/ask", async () => {
  const { fake, venue, venueLog } = await start();
  try {
    await venue.connect();
    const frames = [
      { e: "bookTicker", s: SYMBOL, b: "150.20", B: "1", a: "150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "NaN", B: "1", a: "150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "150.00", B: "1", a: "-150.10", A: "1" },
      { e: "bookTicker", s: SYMBOL, b: "150.00", B: "1" },
    ];
    const before = venueLog.length;
    for (let round = 0; round < 5; round++) {
      for (const frame of frames) {
        fake.server.broadcast(frame, isTickerSession);
        const bbo = await venue.bbo();
        assert.ok(bbo.bid.gt(0) && bbo.bid.lt(bbo.ask) && bbo.ask.isFinite(), `${bbo.bid}/${bbo.ask}`);
      }
    }
    await until(
      "the refused quotes",
      () => venueLog.slice(before).filter((l) => /message ignored/.test(l)).length >= 4 * frames.length,
    );
    assert.ok(venueLog.some((l) => /crossed book: bid 150\.2 >= ask 150\.1/.test(l)));
    const good = await venue.bbo();
    assert.equal(`${good.bid}/${good.ask}`, "150/150.1");
  } finally {
    await venue.close();
    await fake.close();
  }
});
