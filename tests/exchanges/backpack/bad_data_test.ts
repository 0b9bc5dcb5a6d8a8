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
import type { OrderEvent } from "../../../exchanges/venue.ts";
import { BackpackFake, type BackpackOrderEvent } from "../../fakes/backpack.ts";
import { type BadDataSetup, badDataTests, placeRestingBuy, until } from "../bad_data.ts";

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
  clientId: "502",
  storm: (fake, orderId) => {
    const stream = `account.orderUpdate.${fake.symbol}`;
    return {
      updates: [
        orderFill(fake.symbol, orderId, { X: "PartiallyFilled", z: "0.1", Z: "14.95" }),
        orderFill(fake.symbol, orderId),
      ],
      frame: (data) => ({ stream, data }),
      send: (frame) => fake.server.broadcast(frame),
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

Deno.test("backpack: malformed order updates never reach a listener; the resync reports the missed fill", async () => {
  const { fake, venue, venueLog } = await start();
  const events: OrderEvent[] = [];
  try {
    await venue.connect();
    venue.onOrderEvent((e) => events.push(e));
    const id = await placeRestingBuy(venue, "501");
    // The fill happens, but its event is lost: only a resync can tell.
    fake.faults.events.drop((e) => e.i === id && e.X === "Filled");
    fake.forceFill(id);
    // The first resync reads malformed open orders, and fails.
    fake.faults.http({ method: "GET", path: "/api/v1/orders" }, {
      kind: "status",
      status: 200,
      body: JSON.stringify([{
        id,
        side: "Bid",
        status: "New",
        quantity: "-0.4",
        executedQuantity: "0",
        price: "149.5",
      }]),
    });
    const stream = `account.orderUpdate.${fake.symbol}`;
    const good = orderFill(fake.symbol, id);
    const frames = [
      { stream, data: { ...good, z: "0.8" } },
      { stream, data: { ...good, z: "NaN" } },
      { stream, data: { ...good, q: "-0.4", z: "0" } },
      { stream, data: { ...good, S: "Sell" } },
      { stream, data: { ...good, X: "Gone" } },
      { stream, data: { ...good, i: undefined } },
      { stream, data: { ...good, p: "1e400" } },
    ];
    const before = events.length;
    for (const frame of frames) fake.server.broadcast(frame);
    fake.server.broadcast(`{"stream":"${stream}","data":{"e":"orderFill","i":"${id}",`);
    await until(
      "the refused frames and the failed resync",
      () =>
        venueLog.filter((l) => /message ignored/.test(l)).length >= frames.length + 1 &&
        venueLog.some((l) => /resync after an invalid order update failed/.test(l)),
    );
    assert.equal(events.length, before, `no event from bad frames: ${JSON.stringify(events.slice(before))}`);
    assert.match(
      venueLog.find((l) => /resync after an invalid order update failed/.test(l))!,
      /quantity -0\.4 must be >= 0/,
    );

    // Good data again: the next resync (after a reconnect) finds the order gone and reports its fill.
    fake.dropSockets();
    await until(
      "the fill reported by a resync",
      () => events.some((e) => e.orderId === id && e.status === "FILLED"),
    );
    const filled = events.find((e) => e.orderId === id && e.status === "FILLED")!;
    assert.equal(filled.filled.toFixed(), "0.4");
    for (const e of events) {
      assert.ok(
        e.filled.gte(0) && e.filled.lte(e.quantity) && e.quantity.gt(0) && e.price.gt(0),
        JSON.stringify(e),
      );
    }
  } finally {
    await venue.close();
    await fake.close();
  }
});
