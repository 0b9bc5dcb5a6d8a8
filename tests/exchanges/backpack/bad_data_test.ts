/**
 * The Backpack adapter when the venue answers malformed data: the bot places nothing on a bad book and goes on
 * through its usual retry once the book is good; malformed order updates never reach a listener, and the
 * resync they cause reports the true state once the open orders read back well-formed.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { BackpackSigner } from "../../../exchanges/backpack/signer.ts";
import { BackpackVenue } from "../../../exchanges/backpack/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { BackpackFake, type BackpackOrderEvent } from "../../fakes/backpack.ts";
import { type BadDataSetup, badDataTests } from "../bad_data.ts";

const MARKET = { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" } as const;

async function start(options: { bboFromRest?: boolean } = {}): Promise<BadDataSetup<BackpackFake>> {
  const clock = new RealClock();
  const fake = await BackpackFake.start({ ticker: "SOL", ...MARKET, clock, bid: "150.00", ask: "150.10" });
  const venueLog: string[] = [];
  const venue = new BackpackVenue({
    ticker: "SOL",
    clock,
    signer: BackpackSigner.fromEnv(fake.env()),
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

/** The `orderFill` that fills the resting buy `id` whole, as the venue streams it, with `patch` applied. */
function orderFill(symbol: string, id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    e: "orderFill",
    E: 1,
    s: symbol,
    S: "Bid",
    q: "0.4",
    p: "149.5",
    X: "Filled",
    i: id,
    z: "0.4",
    Z: "59.8",
    T: 1,
    ...patch,
  };
}

badDataTests<BackpackOrderEvent, BackpackFake>({
  name: "backpack",
  label: "[BACKPACK_SOL]",
  start,
  bookPath: "/api/v1/depth",
  orderPath: "/api/v1/order",
  openOrdersPath: "/api/v1/orders",
  tickSize: MARKET.tickSize,
  badBooks: [
    JSON.stringify({ bids: [["150.20", "1"]], asks: [["150.10", "1"]] }),
    JSON.stringify({ bids: [["NaN", "1"]], asks: [["150.10", "1"]] }),
    JSON.stringify({ bids: [["150.00", "-3"]], asks: [["150.10", "1"]] }),
    JSON.stringify({ bids: [["150.00", "1"]] }),
    "<html>",
  ],
  placedBuy: (body) => {
    const order = JSON.parse(body) as { price: string; side: string };
    assert.equal(order.side, "Bid");
    return new Decimal(order.price);
  },
  send: (fake, frame) => fake.server.broadcast(frame),
  clientIds: ["501", "502"],
  missedFill: (fake, id) => {
    const stream = `account.orderUpdate.${fake.symbol}`;
    const good = orderFill(fake.symbol, id);
    return {
      dropFill: () => fake.faults.events.drop((e) => e.i === id && e.X === "Filled"),
      badOpenOrders: JSON.stringify([{
        id,
        side: "Bid",
        status: "New",
        quantity: "-0.4",
        executedQuantity: "0",
        price: "149.5",
      }]),
      refusal: /quantity -0\.4 must be >= 0/,
      badFrames: [
        { stream, data: { ...good, z: "0.8" } },
        { stream, data: { ...good, z: "NaN" } },
        { stream, data: { ...good, q: "-0.4", z: "0" } },
        { stream, data: { ...good, S: "Sell" } },
        { stream, data: { ...good, X: "Gone" } },
        { stream, data: { ...good, i: undefined } },
        { stream, data: { ...good, p: "1e400" } },
      ],
      truncated: `{"stream":"${stream}","data":{"e":"orderFill","i":"${id}",`,
    };
  },
  storm: (fake, orderId) => {
    const stream = `account.orderUpdate.${fake.symbol}`;
    return {
      updates: [
        orderFill(fake.symbol, orderId, { X: "PartiallyFilled", z: "0.1", Z: "14.95" }),
        orderFill(fake.symbol, orderId),
      ],
      frame: (data) => ({ stream, data }),
      sentinel: {
        frame: {
          stream,
          data: orderFill(fake.symbol, "sentinel-1", { c: undefined, X: "New", z: "0", Z: "0" }),
        },
        orderId: "sentinel-1",
      },
    };
  },
  quantity: "nonNegative",
});
