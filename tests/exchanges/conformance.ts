/**
 * The venue conformance suite: one function, {@link venueConformance}, that registers the same test cases for
 * any {@link Venue} adapter running against a fake of its venue.
 *
 * Each case builds a fresh venue and fake through the caller's `setup`, connects, sets a known quote, and
 * checks the contract of `exchanges/venue.ts`: market metadata and tick/step validation, best bid/ask,
 * post-only placement and post-only crossing as a result, the event sequence of a partial then full fill
 * with a monotone `filled`, cancel reporting the filled quantity, cancel-all, open orders, the signed
 * position, market orders, and — where the fake can inject them — reconnect, resubscribe and REST resync
 * after a dropped or silent socket, spacing of retries per `Retry-After`, no duplicate order when a
 * placement's answer is lost and the placement retried with the same client id, a fill racing a cancel, and
 * duplicated, reordered and dropped order events.
 *
 * Capabilities switch off what a venue cannot have (the paper venue has no network): a case that needs a
 * missing capability is not registered for that venue (a network fault cannot happen without a network).
 * @module
 */
import assert from "node:assert/strict";
import { RealClock } from "../../bot/clock.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { retry } from "../../exchanges/retry.ts";
import { roundToMultiple } from "../../exchanges/rounding.ts";
import {
  isTerminal,
  type LimitOrderRequest,
  type OrderEvent,
  type OrderSnapshot,
  type OrderStatus,
  type PlaceResult,
  RateLimitError,
  type Side,
  type Venue,
  VenueError,
  VenueRejectedError,
} from "../../exchanges/venue.ts";
import { matchesRequest, type MessageFaults, type RequestMatch } from "../fakes/faults.ts";
import type { RequestRecord } from "../fakes/loopback.ts";

/** What the fake of a venue can do to it. */
export interface ConformanceCapabilities {
  /** The venue streams over a socket the fake can drop or silence. */
  readonly socketFaults: boolean;
  /** The fake can answer 429 with `Retry-After`, and lose the answer of a request it applied. */
  readonly httpFaults: boolean;
  /** The fake can fill an order between the arrival of a cancel and its handling. */
  readonly fillDuringCancel: boolean;
  /** The fake can duplicate, reorder and drop order events. */
  readonly eventFaults: boolean;
}

/** Operations whose requests the fake can rate-limit. */
export type RateLimitedOperation = "position" | "openOrders";

/** The test's handle on the fake. Optional members back the optional capabilities. */
export interface ConformanceFake {
  /** Sets the best bid and ask; resting orders the quote reaches fill. */
  setQuote(bid: Decimal, ask: Decimal): void | Promise<void>;
  /** Fills `quantity` of a resting order (venue order id) at its price. */
  forceFill(orderId: string, quantity: Decimal): void | Promise<void>;
  /** How many orders the venue holds (in any state) that carry `clientId`. */
  ordersWithClientId(clientId: string): number;
  /** Closes the venue's sockets from the server side. */
  dropSockets?(): void;
  /** Keeps the sockets open but sends nothing on them any more. */
  silenceSockets?(): void;
  /**
   * Answers the next `times` requests of `operation` with 429 and `Retry-After: <seconds>`; returns a reader
   * of the arrival times (ms) of every request of that operation from now on.
   */
  rateLimit?(operation: RateLimitedOperation, retryAfterSeconds: number, times: number): () => number[];
  /**
   * The next placement is applied but its answer never arrives (the client times out); then, for
   * `unreachableMs` (default 0), no request gets an answer at all.
   */
  loseNextPlacementAnswer?(unreachableMs?: number): void;
  /**
   * The next placement is answered at once as a server error ("execution status unknown") and executed
   * anyway `applyAfterMs` later, as a venue does with a request still in its queue.
   */
  executeNextPlacementLate?(applyAfterMs: number): void;
  /** The next cancel finds `quantity` (default: all that is left) of its order filled just before it runs. */
  fillDuringNextCancel?(quantity?: Decimal): void;
  /** The next order event is held back and delivered after the one that follows it. */
  reorderNextOrderEvent?(): void;
  /** The next `times` order events are delivered twice. */
  duplicateNextOrderEvents?(times: number): void;
  /** The next order event that reports `status` is never delivered. */
  dropNextOrderEvent?(status: OrderStatus): void;
}

/** What {@link fakeControl} drives: the fault controls every loopback fake has. */
export interface LoopbackFake<E> {
  setQuote(bid: Decimal, ask: Decimal): void;
  forceFill(orderId: string, quantity: Decimal): void;
  ordersWithClientId(clientId: string): readonly unknown[];
  dropSockets(): number;
  silenceSockets(): number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RequestRecord[];
  rateLimit(match: RequestMatch, retryAfterSeconds: number, times: number): unknown;
  loseNextPlacementAnswer(unreachableMs?: number): unknown;
  executeNextPlacementLate(applyAfterMs: number): unknown;
  fillDuringNextCancel(quantity?: Decimal): unknown;
  readonly faults: { readonly events: MessageFaults<E> };
}

/**
 * The suite's handle on a loopback fake whose order events are of type `E`: `paths` are the requests of each
 * rate-limited operation, and `reports` says whether an order event reports a normalised status.
 */
export function fakeControl<E>(
  fake: LoopbackFake<E>,
  paths: Readonly<Record<RateLimitedOperation, { readonly method: string; readonly path: string | RegExp }>>,
  reports: (event: E, status: OrderStatus) => boolean,
): ConformanceFake {
  return {
    setQuote: (bid, ask) => fake.setQuote(bid, ask),
    forceFill: (orderId, quantity) => fake.forceFill(orderId, quantity),
    ordersWithClientId: (clientId) => fake.ordersWithClientId(clientId).length,
    dropSockets: () => void fake.dropSockets(),
    silenceSockets: () => void fake.silenceSockets(),
    rateLimit: (operation, seconds, times) => {
      const match = paths[operation];
      const from = fake.requests.length;
      fake.rateLimit(match, seconds, times);
      return () => fake.requests.slice(from).filter((r) => matchesRequest(match, r)).map((r) => r.time);
    },
    loseNextPlacementAnswer: (unreachableMs) => void fake.loseNextPlacementAnswer(unreachableMs),
    executeNextPlacementLate: (applyAfterMs) => void fake.executeNextPlacementLate(applyAfterMs),
    fillDuringNextCancel: (quantity?: Decimal) => void fake.fillDuringNextCancel(quantity),
    reorderNextOrderEvent: () => void fake.faults.events.reorder(),
    duplicateNextOrderEvents: (times) => void fake.faults.events.duplicate(undefined, times),
    dropNextOrderEvent: (status) => void fake.faults.events.drop((e) => reports(e, status)),
  };
}

/** A fresh venue (not yet connected) and its fake. */
export interface ConformanceSetup {
  readonly venue: Venue;
  readonly fake: ConformanceFake;
  /** Stops the fake; called after the venue is closed, also when the case failed. */
  dispose(): Promise<void>;
}

/** The market the venue must report for the suite's ticker. */
export interface ExpectedMarket {
  readonly ticker: string;
  readonly symbol: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQuantity: string;
}

/** How to run the suite for one venue. */
export interface ConformanceOptions {
  /** Venue name, in test names. */
  readonly name: string;
  readonly expected: ExpectedMarket;
  /** Best bid every case starts from (a multiple of the tick); the ask is two ticks above. */
  readonly startBid: string;
  readonly capabilities: ConformanceCapabilities;
  readonly setup: () => Promise<ConformanceSetup>;
  /** Longest wait for an order event or a stream update, ms; default 5000. */
  readonly eventTimeoutMs?: number;
  /**
   * How long the fake stays unreachable after the lost answer of the second no-duplicate phase, ms: longer
   * than the adapter's own retries of one placement take (timeouts and backoff), so the caller sees the
   * failure.
   */
  readonly outageMs?: number;
}

/** Everything one case works with. */
interface Ctx {
  readonly venue: Venue;
  readonly fake: ConformanceFake;
  readonly events: EventRecorder;
  readonly tick: Decimal;
  readonly step: Decimal;
  /** A quantity every case can use: the minimum, rounded up to the step, times two. */
  readonly unit: Decimal;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly timeoutMs: number;
  /** How long the venue stays unreachable after a lost placement answer, ms. */
  readonly outageMs: number;
  readonly ids: () => string;
}

/** Registers the conformance cases of one venue as Deno tests. */
export function venueConformance(options: ConformanceOptions): void {
  const caps = options.capabilities;
  const cases: { name: string; needs?: keyof ConformanceCapabilities; run: (c: Ctx) => Promise<void> }[] = [
    { name: "market metadata and tick/step validation", run: marketMetadata },
    { name: "best bid/ask follows the market", run: bestBidAsk },
    { name: "post-only order rests and is reported open", run: postOnlyAccepted },
    { name: "post-only order that would cross is a rejected result", run: postOnlyCross },
    { name: "partial then full fill: events in order, filled monotone", run: partialThenFull },
    { name: "cancel reports the quantity filled before it", run: cancelReportsFilled },
    { name: "cancel-all cancels every working order", run: cancelAll },
    { name: "open orders lists the working orders only", run: openOrders },
    { name: "signed position: long, then short", run: signedPosition },
    { name: "market order fills at once and moves the position", run: marketOrder },
    {
      name: "dropped socket: reconnect, resubscribe, REST resync",
      needs: "socketFaults",
      run: droppedSocket,
    },
    { name: "silent socket: detected, reconnect, REST resync", needs: "socketFaults", run: silentSocket },
    { name: "429: retries spaced per Retry-After", needs: "httpFaults", run: rateLimited },
    { name: "lost placement answer: the retry makes no duplicate", needs: "httpFaults", run: lostAnswer },
    {
      name: "a placement refused as unknown and executed later: placed once",
      needs: "httpFaults",
      run: lateExecution,
    },
    { name: "fill racing a cancel is reported", needs: "fillDuringCancel", run: fillRacingCancel },
    {
      name: "duplicated, reordered and dropped events keep filled monotone",
      needs: "eventFaults",
      run: eventFaults,
    },
  ];
  for (const c of cases) {
    if (c.needs !== undefined && !caps[c.needs]) continue;
    Deno.test({ name: `${options.name} conformance: ${c.name}`, fn: () => runCase(options, c.run) });
  }
}

async function runCase(options: ConformanceOptions, run: (c: Ctx) => Promise<void>): Promise<void> {
  const { venue, fake, dispose } = await options.setup();
  const events = new EventRecorder();
  const unsubscribe = venue.onOrderEvent((e) => events.add(e));
  try {
    await venue.connect();
    const tick = new Decimal(options.expected.tickSize);
    const step = new Decimal(options.expected.stepSize);
    const bid = new Decimal(options.startBid);
    const ask = bid.plus(tick.mul(2));
    await fake.setQuote(bid, ask);
    const timeoutMs = options.eventTimeoutMs ?? 5000;
    await waitFor(async () => sameBbo(await venue.bbo(), bid, ask), timeoutMs, `best bid/ask ${bid}/${ask}`);
    let next = 1000 + Math.floor(Math.random() * 1_000_000);
    const unit = roundToMultiple(new Decimal(options.expected.minQuantity), step, "up").mul(2);
    const outageMs = options.outageMs ?? 3000;
    await run({
      venue,
      fake,
      events,
      tick,
      step,
      unit,
      bid,
      ask,
      timeoutMs,
      outageMs,
      ids: () => String(next++),
    });
  } finally {
    unsubscribe();
    await venue.close();
    await dispose();
  }
}

// ---------------------------------------------------------------- cases

async function marketMetadata(c: Ctx): Promise<void> {
  const m = c.venue.market();
  assert.equal(m.tickSize.toString(), c.tick.toString(), "tick size");
  assert.equal(m.stepSize.toString(), c.step.toString(), "step size");
  assert.ok(m.minQuantity.gt(0), `min quantity ${m.minQuantity} must be > 0`);
  // Rounding to a multiple of the increment (not to its number of decimals) gives an accepted order.
  const rawPrice = c.bid.minus(c.tick.mul(3)).plus(c.tick.mul("0.4"));
  const price = roundToMultiple(rawPrice, m.tickSize, "down");
  const quantity = roundToMultiple(c.unit.plus(c.step.mul("0.5")), m.stepSize, "down");
  const placed = await accepted(c.venue.placeLimit(limit("buy", price, quantity, c.ids())));
  assert.ok(placed.price.eq(price), `price ${placed.price} must be the rounded ${price}`);
  assert.ok(placed.quantity.eq(quantity), `quantity ${placed.quantity} must be ${quantity}`);

  const refused: [string, LimitOrderRequest][] = [
    ["a price between two ticks", limit("buy", price.minus(c.tick.div(2)), quantity, c.ids())],
    ["a quantity between two steps", limit("buy", price, quantity.plus(c.step.div(2)), c.ids())],
  ];
  if (m.minQuantity.gt(c.step)) {
    refused.push(["a quantity below the minimum", limit("buy", price, m.minQuantity.minus(c.step), c.ids())]);
  }
  for (const [what, req] of refused) {
    const outcome = await settle(c.venue.placeLimit(req));
    if (outcome.ok) {
      assert.equal(outcome.value.kind, "rejected", `${what} must not be placed`);
      if (outcome.value.kind === "rejected") assert.equal(outcome.value.postOnlyWouldCross, false, what);
    } else {
      assert.ok(outcome.error instanceof VenueRejectedError, `${what}: ${describe(outcome.error)}`);
    }
    assert.equal(c.fake.ordersWithClientId(req.clientId), 0, `${what} reached the book`);
  }
  const open = await c.venue.openOrders();
  assert.deepEqual(open.map((o) => o.orderId), [placed.orderId]);
}

async function bestBidAsk(c: Ctx): Promise<void> {
  for (const [b, a] of [[c.bid.plus(c.tick.mul(5)), c.ask.plus(c.tick.mul(7))], [c.bid, c.ask]]) {
    await c.fake.setQuote(b!, a!);
    await waitFor(async () => sameBbo(await c.venue.bbo(), b!, a!), c.timeoutMs, `best bid/ask ${b}/${a}`);
  }
}

async function postOnlyAccepted(c: Ctx): Promise<void> {
  const cid = c.ids();
  const price = c.bid.minus(c.tick);
  const order = await accepted(c.venue.placeLimit(limit("buy", price, c.unit, cid)));
  assert.equal(order.status, "OPEN");
  assert.ok(order.filled.isZero(), `filled ${order.filled}`);
  assert.equal(order.side, "buy");
  assert.ok(order.price.eq(price), `price ${order.price}`);
  assert.ok(order.quantity.eq(c.unit), `quantity ${order.quantity}`);
  if (order.clientId !== undefined) assert.equal(order.clientId, cid);
  const seen = await c.events.waitFor(order.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  assert.ok(seen.filled.isZero());
  assert.deepEqual((await c.venue.openOrders()).map((o) => o.orderId), [order.orderId]);
  const queried = await c.venue.order(order.orderId);
  assert.equal(queried?.status, "OPEN");
  assert.equal(c.fake.ordersWithClientId(cid), 1);
  // Inside the spread is not crossing either.
  const inside = await accepted(c.venue.placeLimit(limit("sell", c.ask.minus(c.tick), c.unit, c.ids())));
  assert.equal(inside.status, "OPEN");
}

async function postOnlyCross(c: Ctx): Promise<void> {
  const cases: [string, Side, Decimal][] = [
    ["buy at the ask", "buy", c.ask],
    ["buy above the ask", "buy", c.ask.plus(c.tick)],
    ["sell at the bid", "sell", c.bid],
    ["sell below the bid", "sell", c.bid.minus(c.tick)],
  ];
  for (const [what, side, price] of cases) {
    const cid = c.ids();
    const result = await c.venue.placeLimit(limit(side, price, c.unit, cid));
    assert.equal(result.kind, "rejected", `${what} must be rejected`);
    if (result.kind === "rejected") {
      assert.equal(result.postOnlyWouldCross, true, `${what}: ${result.reason}`);
      assert.ok(result.reason.length > 0);
    }
    assert.equal(c.fake.ordersWithClientId(cid), 0, `${what} reached the book`);
  }
  assert.deepEqual(await c.venue.openOrders(), []);
  assert.ok((await c.venue.position()).isZero());
}

async function partialThenFull(c: Ctx): Promise<void> {
  const qty = c.unit.mul(2);
  const half = c.unit;
  const order = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), qty, c.ids())));
  await c.events.waitFor(order.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  await c.fake.forceFill(order.orderId, half);
  const partial = await c.events.waitFor(order.orderId, (e) => e.status === "PARTIALLY_FILLED", c.timeoutMs);
  assert.ok(partial.filled.eq(half), `partial fill reported ${partial.filled}, filled ${half}`);
  await c.fake.forceFill(order.orderId, qty.minus(half));
  const full = await c.events.waitFor(order.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  assert.ok(full.filled.eq(qty), `full fill reported ${full.filled}, filled ${qty}`);

  const seq = c.events.of(order.orderId);
  assertMonotone(seq);
  const statuses = seq.map((e) => e.status);
  assert.ok(
    statuses.indexOf("PARTIALLY_FILLED") < statuses.indexOf("FILLED"),
    `statuses ${statuses.join(",")}`,
  );
  assert.equal(statuses.at(-1), "FILLED");
  const final = await c.venue.order(order.orderId);
  assert.equal(final?.status, "FILLED", "a filled order is still known");
  assert.ok(final!.filled.eq(qty), `filled ${final!.filled}`);
  assert.deepEqual(await c.venue.openOrders(), []);
  assert.ok((await c.venue.position()).eq(qty), "position after the fill");
}

async function cancelReportsFilled(c: Ctx): Promise<void> {
  const qty = c.unit.mul(3);
  const sell = await accepted(c.venue.placeLimit(limit("sell", c.ask.plus(c.tick), qty, c.ids())));
  await c.fake.forceFill(sell.orderId, c.unit);
  await c.events.waitFor(sell.orderId, (e) => e.status === "PARTIALLY_FILLED", c.timeoutMs);
  const cancelled = await c.venue.cancel(sell.orderId);
  assert.equal(cancelled.status, "CANCELED");
  assert.ok(cancelled.filled.eq(c.unit), `cancel reported filled ${cancelled.filled}, filled ${c.unit}`);
  const event = await c.events.waitFor(sell.orderId, (e) => e.status === "CANCELED", c.timeoutMs);
  assert.ok(event.filled.eq(c.unit), `cancel event filled ${event.filled}`);

  // Cancelling an order that already filled is its final state, not an error.
  const buy = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), c.unit, c.ids())));
  await c.fake.forceFill(buy.orderId, c.unit);
  await c.events.waitFor(buy.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  const late = await c.venue.cancel(buy.orderId);
  assert.equal(late.status, "FILLED");
  assert.ok(late.filled.eq(c.unit), `filled ${late.filled}`);
  assertMonotone(c.events.of(sell.orderId));
  assertMonotone(c.events.of(buy.orderId));
}

async function cancelAll(c: Ctx): Promise<void> {
  const a = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick.mul(2)), c.unit, c.ids())));
  const b = await accepted(c.venue.placeLimit(limit("sell", c.ask.plus(c.tick.mul(2)), c.unit, c.ids())));
  const partly = await accepted(
    c.venue.placeLimit(limit("buy", c.bid.minus(c.tick.mul(3)), c.unit.mul(2), c.ids())),
  );
  await c.fake.forceFill(partly.orderId, c.unit);
  await c.events.waitFor(partly.orderId, (e) => e.status === "PARTIALLY_FILLED", c.timeoutMs);
  const result = await c.venue.cancelAll();
  const byId = new Map(result.map((o) => [o.orderId, o]));
  assert.deepEqual([...byId.keys()].sort(), [a.orderId, b.orderId, partly.orderId].sort());
  for (const o of result) assert.equal(o.status, "CANCELED", `order ${o.orderId}`);
  assert.ok(byId.get(partly.orderId)!.filled.eq(c.unit), "cancel-all keeps the filled quantity");
  assert.deepEqual(await c.venue.openOrders(), []);
  assert.deepEqual(await c.venue.cancelAll(), [], "nothing left to cancel");
}

async function openOrders(c: Ctx): Promise<void> {
  assert.deepEqual(await c.venue.openOrders(), []);
  const specs: [Side, Decimal, Decimal][] = [
    ["buy", c.bid.minus(c.tick), c.unit],
    ["buy", c.bid.minus(c.tick.mul(4)), c.unit.mul(2)],
    ["sell", c.ask.plus(c.tick.mul(3)), c.unit.mul(3)],
  ];
  const placed: OrderSnapshot[] = [];
  for (const [side, price, qty] of specs) {
    placed.push(await accepted(c.venue.placeLimit(limit(side, price, qty, c.ids()))));
  }
  await c.fake.forceFill(placed[0]!.orderId, c.unit);
  await c.events.waitFor(placed[0]!.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  await c.fake.forceFill(placed[1]!.orderId, c.unit);
  await c.events.waitFor(placed[1]!.orderId, (e) => e.status === "PARTIALLY_FILLED", c.timeoutMs);
  const open = await c.venue.openOrders();
  const got = open.map((o) => `${o.orderId} ${o.side} ${o.price} ${o.quantity} ${o.filled} ${o.status}`)
    .sort();
  const want = [
    `${placed[1]!.orderId} buy ${specs[1]![1]} ${specs[1]![2]} ${c.unit} PARTIALLY_FILLED`,
    `${placed[2]!.orderId} sell ${specs[2]![1]} ${specs[2]![2]} 0 OPEN`,
  ].sort();
  assert.deepEqual(got, want);
}

async function signedPosition(c: Ctx): Promise<void> {
  assert.ok((await c.venue.position()).isZero(), "a fresh account is flat");
  const buy = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), c.unit, c.ids())));
  await c.fake.forceFill(buy.orderId, c.unit);
  await c.events.waitFor(buy.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  assert.equal((await c.venue.position()).toString(), c.unit.toString(), "long after a buy");
  const sell = await accepted(c.venue.placeLimit(limit("sell", c.ask.plus(c.tick), c.unit.mul(3), c.ids())));
  await c.fake.forceFill(sell.orderId, c.unit.mul(3));
  await c.events.waitFor(sell.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  assert.equal((await c.venue.position()).toString(), c.unit.mul(-2).toString(), "short after a larger sell");
}

async function marketOrder(c: Ctx): Promise<void> {
  const bought = await c.venue.placeMarket({
    side: "buy",
    quantity: c.unit,
    reduceOnly: false,
    clientId: c.ids(),
  });
  assert.equal(bought.status, "FILLED");
  assert.ok(bought.filled.eq(c.unit), `filled ${bought.filled}`);
  if (bought.avgPrice !== undefined) assert.ok(bought.avgPrice.eq(c.ask), `bought at ${bought.avgPrice}`);
  assert.equal((await c.venue.position()).toString(), c.unit.toString());
  const sold = await c.venue.placeMarket({
    side: "sell",
    quantity: c.unit,
    reduceOnly: true,
    clientId: c.ids(),
  });
  assert.equal(sold.status, "FILLED");
  if (sold.avgPrice !== undefined) assert.ok(sold.avgPrice.eq(c.bid), `sold at ${sold.avgPrice}`);
  assert.ok((await c.venue.position()).isZero(), "flat after the reduce-only sell");
}

async function droppedSocket(c: Ctx): Promise<void> {
  await missedFillIsResynced(c, () => c.fake.dropSockets!());
}

async function silentSocket(c: Ctx): Promise<void> {
  await missedFillIsResynced(c, () => c.fake.silenceSockets!());
}

/** A fill that happens while the stream is broken is reported after the reconnect; the stream works again. */
async function missedFillIsResynced(c: Ctx, breakStream: () => void): Promise<void> {
  const missed = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), c.unit, c.ids())));
  const partly = await accepted(
    c.venue.placeLimit(limit("sell", c.ask.plus(c.tick), c.unit.mul(2), c.ids())),
  );
  await c.events.waitFor(missed.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  await c.events.waitFor(partly.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  breakStream();
  // No socket carries these: only a resync can report them.
  await c.fake.forceFill(missed.orderId, c.unit);
  await c.fake.forceFill(partly.orderId, c.unit);
  const filled = await c.events.waitFor(missed.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  assert.ok(filled.filled.eq(c.unit));
  const part = await c.events.waitFor(partly.orderId, (e) => e.status === "PARTIALLY_FILLED", c.timeoutMs);
  assert.ok(part.filled.eq(c.unit));
  // Resubscribed: new events and quotes flow on the new connection.
  const after = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick.mul(2)), c.unit, c.ids())));
  await c.fake.forceFill(after.orderId, c.unit);
  await c.events.waitFor(after.orderId, (e) => e.status === "FILLED", c.timeoutMs);
  const b = c.bid.plus(c.tick);
  const a = c.ask.plus(c.tick.mul(3));
  await c.fake.setQuote(b, a);
  await waitFor(async () => sameBbo(await c.venue.bbo(), b, a), c.timeoutMs, `best bid/ask ${b}/${a}`);
  for (const id of [missed.orderId, partly.orderId, after.orderId]) assertMonotone(c.events.of(id));
}

async function rateLimited(c: Ctx): Promise<void> {
  const retryAfterMs = 300;
  const arrivals = c.fake.rateLimit!("position", retryAfterMs / 1000, 2);
  const waits: number[] = [];
  // The bot's own retry: an adapter that already waits out the 429 itself simply never gets here.
  const position = await retry(() => c.venue.position(), {
    clock: new RealClock(),
    attempts: 4,
    baseDelayMs: 1,
    maxDelayMs: 1,
    onRetry: (e, _attempt, delayMs) => {
      assert.ok(e instanceof RateLimitError, `a 429 must be a RateLimitError: ${describe(e)}`);
      assert.equal(e.retryAfterMs, retryAfterMs, "Retry-After must be passed on");
      waits.push(delayMs);
    },
  });
  assert.ok(position.isZero());
  const times = arrivals();
  assert.ok(times.length >= 3, `expected 2 refused requests and a retry, saw ${times.length}`);
  for (let i = 1; i < 3; i++) {
    const gap = times[i]! - times[i - 1]!;
    // A few ms of slack: the fake stamps arrival, the client's timer starts after it read the answer.
    assert.ok(gap >= retryAfterMs - 5, `request ${i + 1} came ${gap} ms after the 429, before Retry-After`);
  }
}

async function lostAnswer(c: Ctx): Promise<void> {
  // Once with only the answer lost (an adapter may recover by itself), once followed by an outage that
  // outlasts the adapter's own retries, so the failure reaches the caller, whose retry must then be safe.
  for (const unreachableMs of [0, c.outageMs]) {
    const cid = c.ids();
    const req = limit("buy", c.bid.minus(c.tick), c.unit, cid);
    c.fake.loseNextPlacementAnswer!(unreachableMs);
    const first = await settle(c.venue.placeLimit(req));
    let placed: OrderSnapshot;
    if (first.ok) {
      placed = await accepted(Promise.resolve(first.value));
    } else {
      assert.ok(
        first.error instanceof VenueError && first.error.retriable,
        `a lost answer must be a retriable failure: ${describe(first.error)}`,
      );
      // The bot's retry: the same placement, the same client id, until the venue answers.
      placed = await accepted(
        retry(() => c.venue.placeLimit(req), {
          clock: new RealClock(),
          attempts: 40,
          baseDelayMs: 100,
          maxDelayMs: 200,
        }),
      );
    }
    assert.equal(c.fake.ordersWithClientId(cid), 1, `exactly one order for client id ${cid}`);
    const open = await c.venue.openOrders();
    assert.equal(open.filter((o) => o.orderId === placed.orderId).length, 1, "the order is on the book once");
    assert.equal(open.filter((o) => o.clientId === cid).length <= 1, true);
    await c.venue.cancelAll();
  }
}

async function lateExecution(c: Ctx): Promise<void> {
  // The venue executes the refused request 1.5 s later; the checks wait until then, so a second copy sent by
  // a retry would be seen. A limit order first, then a market order (a second copy would double the position).
  const lateMs = 1500;
  const pastLate = async (armedAt: number) => {
    const left = armedAt + lateMs + 300 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  };
  const retrying = { clock: new RealClock(), attempts: 40, baseDelayMs: 100, maxDelayMs: 200 };

  const cid = c.ids();
  let armedAt = Date.now();
  c.fake.executeNextPlacementLate!(lateMs);
  const req = limit("buy", c.bid.minus(c.tick), c.unit, cid);
  const placed = await accepted(retry(() => c.venue.placeLimit(req), retrying));
  await pastLate(armedAt);
  assert.equal(c.fake.ordersWithClientId(cid), 1, `exactly one order for client id ${cid}`);
  await c.venue.cancelAll();
  assert.ok(placed.orderId !== "");

  const before = await c.venue.position();
  const mid = c.ids();
  armedAt = Date.now();
  c.fake.executeNextPlacementLate!(lateMs);
  const filled = await retry(
    () => c.venue.placeMarket({ side: "buy", quantity: c.unit, reduceOnly: false, clientId: mid }),
    retrying,
  );
  await pastLate(armedAt);
  assert.ok(filled.filled.eq(c.unit), `market order filled ${filled.filled}`);
  assert.equal(c.fake.ordersWithClientId(mid), 1, `exactly one market order for client id ${mid}`);
  const after = await c.venue.position();
  assert.ok(after.minus(before).eq(c.unit), `position moved by ${after.minus(before)}, not ${c.unit}`);
  await c.venue.placeMarket({
    side: "sell",
    quantity: after.minus(before),
    reduceOnly: true,
    clientId: c.ids(),
  });
}

async function fillRacingCancel(c: Ctx): Promise<void> {
  const whole = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), c.unit, c.ids())));
  c.fake.fillDuringNextCancel!();
  const a = await c.venue.cancel(whole.orderId);
  assert.equal(a.status, "FILLED", "the cancel lost the race: the order filled");
  assert.ok(a.filled.eq(c.unit), `filled ${a.filled}`);
  await c.events.waitFor(whole.orderId, (e) => e.status === "FILLED", c.timeoutMs);

  const part = await accepted(c.venue.placeLimit(limit("sell", c.ask.plus(c.tick), c.unit.mul(2), c.ids())));
  c.fake.fillDuringNextCancel!(c.unit);
  const b = await c.venue.cancel(part.orderId);
  assert.equal(b.status, "CANCELED");
  assert.ok(b.filled.eq(c.unit), `the cancel must report the racing fill: filled ${b.filled}`);
  const last = await c.events.waitFor(part.orderId, (e) => e.status === "CANCELED", c.timeoutMs);
  assert.ok(last.filled.eq(c.unit));
  assertMonotone(c.events.of(whole.orderId));
  assertMonotone(c.events.of(part.orderId));
  assert.equal((await c.venue.position()).toString(), "0", "bought one unit, sold one unit");
}

async function eventFaults(c: Ctx): Promise<void> {
  const qty = c.unit.mul(4);
  const order = await accepted(c.venue.placeLimit(limit("buy", c.bid.minus(c.tick), qty, c.ids())));
  await c.events.waitFor(order.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  // Fill 1: delivered twice. Fills 2 and 3: swapped. Final fill: never delivered.
  c.fake.duplicateNextOrderEvents!(1);
  await c.fake.forceFill(order.orderId, c.unit);
  await c.events.waitFor(order.orderId, (e) => e.filled.eq(c.unit), c.timeoutMs);
  c.fake.reorderNextOrderEvent!();
  await c.fake.forceFill(order.orderId, c.unit);
  await c.fake.forceFill(order.orderId, c.unit);
  await c.events.waitFor(order.orderId, (e) => e.filled.eq(c.unit.mul(3)), c.timeoutMs);
  c.fake.dropNextOrderEvent!("FILLED");
  await c.fake.forceFill(order.orderId, c.unit);
  // A later event on another order proves the stream went on; the dropped fill is read back by REST.
  const probe = await accepted(c.venue.placeLimit(limit("sell", c.ask.plus(c.tick), c.unit, c.ids())));
  await c.events.waitFor(probe.orderId, (e) => e.status === "OPEN", c.timeoutMs);
  assertMonotone(c.events.of(order.orderId));
  const final = await c.venue.order(order.orderId);
  assert.equal(final?.status, "FILLED");
  assert.ok(final!.filled.eq(qty), `filled ${final!.filled}`);
}

// ---------------------------------------------------------------- helpers

function limit(side: Side, price: Decimal, quantity: Decimal, clientId: string): LimitOrderRequest {
  return { side, price, quantity, postOnly: true, reduceOnly: false, clientId };
}

async function accepted(p: Promise<PlaceResult>): Promise<OrderSnapshot> {
  const result = await p;
  if (result.kind !== "accepted") assert.fail(`expected an accepted order, got rejected: ${result.reason}`);
  return result.order;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function sameBbo(bbo: { bid: Decimal; ask: Decimal }, bid: Decimal, ask: Decimal): boolean {
  return bbo.bid.eq(bid) && bbo.ask.eq(ask);
}

const RANK: Record<OrderStatus, number> = {
  OPEN: 0,
  PARTIALLY_FILLED: 1,
  FILLED: 2,
  CANCELED: 2,
  REJECTED: 2,
};

/** Filled never decreases, the status never goes back, and nothing follows a final status but itself. */
export function assertMonotone(events: readonly OrderEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    const prev = events[i - 1]!;
    const cur = events[i]!;
    const where =
      `event ${i} of order ${cur.orderId} (${prev.status} ${prev.filled} → ${cur.status} ${cur.filled})`;
    assert.ok(cur.filled.gte(prev.filled), `filled decreased at ${where}`);
    assert.ok(RANK[cur.status] >= RANK[prev.status], `status went back at ${where}`);
    if (isTerminal(prev.status)) {
      assert.equal(cur.status, prev.status, `changed after a final status at ${where}`);
    }
  }
}

/** Polls `check` every few ms until it holds, or fails after `timeoutMs` naming `what`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(
    `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${describe(last)}`}`,
  );
}

/** Collects a venue's order events, per order, in arrival order. */
export class EventRecorder {
  /** Every event, in arrival order. */
  readonly all: OrderEvent[] = [];

  /** Records one event (the venue's listener). */
  add(e: OrderEvent): void {
    this.all.push(e);
  }

  /** Events of one order. */
  of(orderId: string): OrderEvent[] {
    return this.all.filter((e) => e.orderId === orderId);
  }

  /** The first event of `orderId` satisfying `match`, waiting up to `timeoutMs`. */
  async waitFor(orderId: string, match: (e: OrderEvent) => boolean, timeoutMs: number): Promise<OrderEvent> {
    let found: OrderEvent | undefined;
    await waitFor(
      () => (found = this.of(orderId).find(match)) !== undefined,
      timeoutMs,
      `an event of order ${orderId} matching ${match.toString()} (got ${
        this.of(orderId).map((e) => `${e.status}/${e.filled}`).join(", ") || "none"
      })`,
    );
    return found!;
  }
}
