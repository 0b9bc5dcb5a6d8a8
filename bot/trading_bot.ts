/**
 * The trading loop: quote a post-only open order one tick inside the touch, rest a take-profit for whatever
 * fills, and repeat within the limits. Exchange-agnostic: everything venue-specific is behind {@link Venue}.
 *
 * Fills arrive as order events; REST is used to rebuild state at start, to reconcile at most once a minute,
 * and on demand (an order whose event did not come). Every wait is on an event, a deadline or the stop signal.
 * @module
 */
import type { Clock } from "./clock.ts";
import { SleepAbortedError } from "./clock.ts";
import { ClientIds } from "./client_ids.ts";
import { closeSideOf, type TradingConfig } from "./config.ts";
import { ConfigError, ExitCode } from "./errors.ts";
import { filledNotional, OrderTracker } from "./order_tracker.ts";
import {
  cooldownMs,
  gridStepAllows,
  InvalidBookError,
  keepWaiting,
  makerGuard,
  openPrice,
  positionMismatch,
  priceCondition,
  takeProfitPrice,
} from "./strategy.ts";
import { RunStats } from "./summary.ts";
import type { BotLog } from "./trade_log.ts";
import type { Notify } from "../notify/notifier.ts";
import { type Decimal, ZERO } from "../exchanges/decimal.ts";
import { isMultipleOf } from "../exchanges/rounding.ts";
import { retry } from "../exchanges/retry.ts";
import {
  AuthenticationError,
  type Bbo,
  isTerminal,
  type Market,
  type OrderSnapshot,
  type PlaceResult,
  type Side,
  type Venue,
  VenueError,
} from "../exchanges/venue.ts";

/** Timings of the loop, ms. The defaults are the original bot's where it had one. */
export interface BotTiming {
  /** How long a fresh open order is given to fill before the keep-or-cancel decision. */
  readonly fillWaitMs: number;
  /** Re-check interval while an unfilled open order is kept. */
  readonly keepWaitingPollMs: number;
  /** Reconciliation with REST (open orders, position, mismatch check). */
  readonly reconcileMs: number;
  /** Re-check interval once a mismatch has been seen. */
  readonly mismatchRecheckMs: number;
  /** Consecutive mismatching checks before the bot alerts and stops. */
  readonly mismatchChecks: number;
  /** Re-check interval while the pause price holds. */
  readonly pausePollMs: number;
  /** Re-check interval while the max-orders cap or the grid step blocks a new order. */
  readonly blockedPollMs: number;
  /** How long to wait for a cancel to be confirmed by an event before asking REST. */
  readonly cancelConfirmMs: number;
  /** How long to keep trying to rest a take-profit before a safety stop. */
  readonly takeProfitDeadlineMs: number;
  /** Post-only rejections (price crossed meanwhile) tolerated per order before giving up this round. */
  readonly postOnlyRetries: number;
  /** Back-off after a failure of the venue, doubled per consecutive failure up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Consecutive failed rounds (venue unreachable) before the bot gives up with exit code 4. */
  readonly maxConsecutiveFailures: number;
}

/** Default timings. */
export const DEFAULT_TIMING: BotTiming = {
  fillWaitMs: 10_000,
  keepWaitingPollMs: 5_000,
  reconcileMs: 60_000,
  mismatchRecheckMs: 10_000,
  mismatchChecks: 3,
  pausePollMs: 5_000,
  blockedPollMs: 1_000,
  cancelConfirmMs: 5_000,
  takeProfitDeadlineMs: 30_000,
  postOnlyRetries: 5,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxConsecutiveFailures: 20,
};

/** Why a run ended. */
export type StopReason =
  | "requested"
  | "stop-price"
  | "position-mismatch"
  | "take-profit-failed"
  | "venue-unreachable"
  | "authentication";

/** What a run did and how it ended. */
export interface RunResult {
  readonly reason: StopReason;
  readonly exitCode: ExitCode;
  readonly message: string;
  readonly stats: RunStats;
  /** Take-profits resting when the bot stopped, as it last knew them. */
  readonly restingTakeProfits: number;
  readonly takeProfitTotal: Decimal;
  /** Position when the bot stopped, or `undefined` when the venue could not be asked. */
  readonly positionLeft: Decimal | undefined;
}

/** What the bot needs. */
export interface TradingBotDeps {
  readonly venue: Venue;
  readonly config: TradingConfig;
  readonly clock: Clock;
  readonly log: BotLog;
  readonly notifier: Notify;
  /** Prefix of log and notification lines, `[PAPER_ETH]`. */
  readonly label: string;
  readonly clientIds?: ClientIds;
  readonly timing?: Partial<BotTiming>;
}

type Role = "OPEN" | "CLOSE" | "MARKET";

/** Finished orders whose accounted fee is kept for a late fee report. */
const RELEASED_FEES_REMEMBERED = 2000;

interface Accounted {
  filled: Decimal;
  notional: Decimal;
  fee: Decimal;
  status: string;
}

/** A stop decided inside the loop. */
class Stop extends Error {
  constructor(readonly reason: StopReason, readonly exitCode: ExitCode, message: string) {
    super(message);
  }
}

/** The bot. One instance runs once. */
export class TradingBot {
  readonly #venue: Venue;
  readonly #config: TradingConfig;
  readonly #clock: Clock;
  readonly #log: BotLog;
  readonly #notifier: Notify;
  readonly #label: string;
  readonly #ids: ClientIds;
  readonly #t: BotTiming;
  readonly #closeSide: Side;
  readonly #tracker = new OrderTracker();
  readonly #roles = new Map<string, Role>();
  readonly #accounted = new Map<string, Accounted>();
  /** Fee accounted per finished, forgotten order, oldest first: a fee the venue reports late still counts. */
  readonly #releasedFees = new Map<string, Decimal>();
  /** Resting take-profits by order id. */
  readonly #takeProfits = new Map<string, OrderSnapshot>();
  readonly stats = new RunStats();
  #market!: Market;
  #stop: AbortSignal = new AbortController().signal;
  #wakers = new Set<AbortController>();
  #workingOpen: string | undefined;
  /** Orders whose cancel could not be confirmed; reconciliation settles them. */
  #unsettled = new Set<string>();
  #lastTakeProfitCount = 0;
  #lastTakeProfitAt = 0;
  #lastReconcile = Number.NEGATIVE_INFINITY;
  #mismatchStreak = 0;
  #failures = 0;
  #paused = false;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: TradingBotDeps) {
    this.#venue = deps.venue;
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#notifier = deps.notifier;
    this.#label = deps.label;
    this.#ids = deps.clientIds ?? new ClientIds();
    this.#t = { ...DEFAULT_TIMING, ...deps.timing };
    this.#closeSide = closeSideOf(deps.config.direction);
  }

  /** Take-profits the bot believes are resting (tests and the summary). */
  get takeProfits(): readonly OrderSnapshot[] {
    return [...this.#takeProfits.values()];
  }

  /**
   * Runs until `stop` aborts or a safety rule stops the bot. The venue must be connected. On a requested stop
   * the working open order is cancelled (a take-profit is rested for any part of it that filled) and the
   * take-profits stay on the venue.
   */
  async run(stop: AbortSignal): Promise<RunResult> {
    this.#stop = stop;
    const onStop = () => this.#wake();
    stop.addEventListener("abort", onStop);
    this.#unsubscribe = this.#venue.onOrderEvent((e) => this.#onEvent(e));
    let ending: Stop;
    try {
      this.#market = this.#venue.market();
      this.#checkQuantity();
      this.#logConfiguration();
      await this.#rebuild();
      ending = await this.#loop();
    } catch (e) {
      if (e instanceof Stop) ending = e;
      else if (e instanceof AuthenticationError) {
        ending = new Stop("authentication", ExitCode.VenueUnreachable, e.message);
      } else {
        await this.#abandonWorkingOrder();
        this.#unsubscribe?.();
        throw e;
      }
    } finally {
      stop.removeEventListener("abort", onStop);
    }
    const result = await this.#finish(ending);
    this.#unsubscribe?.();
    return result;
  }

  #checkQuantity(): void {
    const q = this.#config.quantity;
    const m = this.#market;
    if (!isMultipleOf(q, m.stepSize)) {
      throw new ConfigError(
        "--quantity",
        `${q} is not a multiple of the step size ${m.stepSize} of ${m.symbol} on ${this.#venue.name}`,
      );
    }
    if (q.lt(m.minQuantity)) {
      throw new ConfigError(
        "--quantity",
        `${q} is below the minimum order size ${m.minQuantity} of ${m.symbol} on ${this.#venue.name}`,
      );
    }
  }

  #logConfiguration(): void {
    const c = this.#config;
    const off = (d: Decimal | undefined) => (d === undefined ? "-1" : d.toString());
    const lines = [
      "=== Trading Configuration ===",
      `Ticker: ${c.ticker}`,
      `Contract ID: ${this.#market.symbol}`,
      `Quantity: ${c.quantity}`,
      `Take Profit: ${c.takeProfit}%`,
      `Direction: ${c.direction.toUpperCase()}`,
      `Max Orders: ${c.maxOrders}`,
      `Wait Time: ${c.waitTimeMs / 1000}s`,
      `Exchange: ${c.exchange.toUpperCase()}`,
      `Grid Step: ${c.gridStep}%`,
      `Stop Price: ${off(c.stopPrice)}`,
      `Pause Price: ${off(c.pausePrice)}`,
      `Boost Mode: ${c.boost}`,
      "=============================",
    ];
    for (const line of lines) this.#log.log(line);
  }

  /** Start-up: learn the resting take-profits and settle open orders left by an earlier run. */
  async #rebuild(): Promise<void> {
    const orders = await this.#withRetry("read open orders", () => this.#venue.openOrders());
    const stale: OrderSnapshot[] = [];
    for (const o of orders) {
      if (o.side === this.#closeSide) this.#adopt(o);
      else stale.push(o);
    }
    this.#lastTakeProfitCount = this.#takeProfits.size;
    this.#log.log(`Found ${this.#takeProfits.size} resting take-profit orders at start`);
    for (const o of stale) {
      this.#log.log(
        `[OPEN] [${o.orderId}] Found an open ${o.side} order from an earlier run (${o.quantity} @ ${o.price}); ` +
          "cancelling it",
        "WARNING",
      );
      this.#roles.set(o.orderId, "OPEN");
      this.#baseline(this.#tracker.observe(o)!);
      const final = await this.#cancelOpen(o.orderId, "left by an earlier run");
      if (final !== undefined) this.#release(o.orderId);
      const filled = final?.filled ?? ZERO;
      if (filled.gt(0)) await this.#close(filled, final!.price);
    }
  }

  /** Takes over a resting take-profit found on the venue; its earlier fills are not this run's. */
  #adopt(o: OrderSnapshot): void {
    const merged = this.#tracker.observe(o);
    if (merged === undefined || isTerminal(merged.status)) return;
    this.#roles.set(o.orderId, "CLOSE");
    this.#baseline(merged);
    this.#takeProfits.set(o.orderId, merged);
  }

  #baseline(s: OrderSnapshot): void {
    this.#accounted.set(s.orderId, {
      filled: s.filled,
      notional: filledNotional(s),
      fee: s.fee ?? ZERO,
      status: s.status,
    });
  }

  async #loop(): Promise<Stop> {
    while (!this.#stop.aborted) {
      try {
        await this.#round();
        this.#failures = 0;
      } catch (e) {
        if (e instanceof Stop) return e;
        if (e instanceof AuthenticationError) throw e;
        if (!isRecoverable(e)) throw e;
        this.#failures++;
        const delay = Math.min(
          this.#t.maxBackoffMs,
          this.#t.backoffMs * 2 ** Math.min(this.#failures - 1, 16),
        );
        this.#log.log(`${describe(e)}; retrying in ${Math.round(delay / 1000)}s`, "WARNING");
        if (this.#failures >= this.#t.maxConsecutiveFailures) {
          return new Stop(
            "venue-unreachable",
            ExitCode.VenueUnreachable,
            `Stopping after ${this.#failures} consecutive failures: ${describe(e)}`,
          );
        }
        await this.#idle(delay, false);
      }
    }
    return new Stop("requested", ExitCode.Ok, "stop requested");
  }

  /** One pass: reconcile when due, check the price rules and the gates, and maybe run one open cycle. */
  async #round(): Promise<void> {
    const now = this.#clock.now();
    const reconcileEvery = this.#mismatchStreak > 0 ? this.#t.mismatchRecheckMs : this.#t.reconcileMs;
    if (now - this.#lastReconcile >= reconcileEvery || this.#unsettled.size > 0) await this.#reconcile();
    if (this.#mismatchStreak > 0) {
      // A suspected mismatch: place nothing until the next check confirms or clears it.
      await this.#idle(this.#t.mismatchRecheckMs);
      return;
    }
    if (await this.#priceRules()) return;
    const wait = this.#gateWait();
    if (wait > 0) {
      await this.#idle(wait);
      return;
    }
    if (!(await this.#gridAllows())) {
      await this.#idle(this.#t.blockedPollMs);
      return;
    }
    await this.#openCycle();
    this.#lastTakeProfitCount += 1;
  }

  /** Stop and pause prices. True when the round must end here. */
  async #priceRules(): Promise<boolean> {
    const c = this.#config;
    if (c.stopPrice === undefined && c.pausePrice === undefined) return false;
    const bbo = await this.#bbo();
    const { stop, pause } = priceCondition(c.direction, bbo, c.stopPrice, c.pausePrice);
    if (stop) {
      const text = `WARNING: ${this.#label} \nStopped trading due to stop price triggered\n` +
        "价格已经达到停止交易价格，脚本将停止交易";
      this.#log.log(
        `Stop price ${c.stopPrice} reached (bid ${bbo.bid}, ask ${bbo.ask}): stopping`,
        "WARNING",
      );
      await this.#notifier.notify(text.trimStart());
      throw new Stop("stop-price", ExitCode.Safety, `stop price ${c.stopPrice} reached`);
    }
    if (pause) {
      if (!this.#paused) {
        this.#log.log(`Pause price ${c.pausePrice} reached (bid ${bbo.bid}, ask ${bbo.ask}): pausing`);
      }
      this.#paused = true;
      await this.#idle(this.#t.pausePollMs);
      return true;
    }
    if (this.#paused) this.#log.log("Pause price no longer reached: resuming");
    this.#paused = false;
    return false;
  }

  /**
   * The max-orders cap and the cooldown, as the time to wait before the next open order (0 = now). A drop in
   * the number of take-profits (one filled) or a round that produced none means go at once; otherwise wait
   * the tiered cooldown since the last take-profit was placed.
   */
  #gateWait(): number {
    const n = this.#takeProfits.size;
    const cooldown = cooldownMs(n, this.#config.maxOrders, this.#config.waitTimeMs);
    const dropped = n < this.#lastTakeProfitCount;
    this.#lastTakeProfitCount = n;
    if (cooldown === undefined) return this.#t.blockedPollMs; // cap reached; a take-profit fill wakes the bot
    if (dropped) return 0;
    const now = this.#clock.now();
    if (this.#lastTakeProfitAt === 0 && n > 0) this.#lastTakeProfitAt = now; // after a restart: wait a cooldown
    if (this.#lastTakeProfitAt === 0) return 0;
    return Math.max(0, this.#lastTakeProfitAt + cooldown - now);
  }

  async #gridAllows(): Promise<boolean> {
    if (this.#takeProfits.size === 0 || this.#config.gridStep.lte(-100)) return true;
    const prices = [...this.#takeProfits.values()].map((o) => o.price);
    return gridStepAllows(
      this.#config.direction,
      prices,
      await this.#bbo(),
      this.#config.takeProfit,
      this.#config.gridStep,
    );
  }

  /** Places one open order, waits for it, cancels it if the market moved away, and closes what filled. */
  async #openCycle(): Promise<void> {
    const placed = await this.#placePostOnly(this.#config.direction, this.#config.quantity, false, "OPEN");
    if (placed === undefined) return;
    const id = placed.orderId;
    this.#workingOpen = id;
    this.stats.openOrdersPlaced++;
    this.#log.log(`[OPEN] [${id}] Placed ${placed.side} ${placed.quantity} @ ${placed.price}`);
    let state = await this.#tracker.waitFor(id, finished, this.#t.fillWaitMs, this.#clock, this.#stop);
    while (!this.#stop.aborted && state !== undefined && !isTerminal(state.status)) {
      let quote: Decimal;
      try {
        // The position check keeps its period while an order waits; a suspected mismatch ends the wait.
        if (this.#clock.now() - this.#lastReconcile >= this.#t.reconcileMs) {
          await this.#reconcile();
          if (this.#mismatchStreak > 0) break;
        }
        // No event may mean a lost event: ask the venue before deciding to wait longer.
        const queried = await this.#withRetry(`read order ${id}`, () => this.#venue.order(id));
        if (queried !== undefined) state = this.#observe(queried) ?? state;
        if (isTerminal(state.status)) break;
        quote = openPrice(this.#config.direction, await this.#bbo(), this.#market.tickSize);
      } catch (e) {
        if (!isRecoverable(e)) throw e;
        this.#log.log(`[OPEN] [${id}] ${describe(e)}; cancelling`, "WARNING");
        break;
      }
      if (!keepWaiting(this.#config.direction, placed.price, quote)) break;
      this.#log.log(`[OPEN] [${id}] Waiting for order to be filled @ ${placed.price}`);
      state = await this.#tracker.waitFor(id, finished, this.#t.keepWaitingPollMs, this.#clock, this.#stop);
    }
    let final = this.#tracker.get(id);
    if (final === undefined || !isTerminal(final.status)) {
      const why = this.#stop.aborted ? "shutting down" : "placing a new order";
      final = await this.#cancelOpen(id, why);
    }
    this.#workingOpen = undefined;
    if (final !== undefined) this.#release(id);
    const filled = final?.filled ?? ZERO;
    if (final !== undefined && final.status === "FILLED") this.stats.openOrdersFilled++;
    else if (filled.gt(0)) this.stats.openOrdersPartial++;
    if (filled.gt(0)) await this.#close(filled, placed.price);
  }

  /**
   * Cancels an open order and returns its final state, filled quantity included. When the cancel cannot be
   * confirmed the order is kept for reconciliation, and its state so far is returned.
   */
  async #cancelOpen(id: string, why: string): Promise<OrderSnapshot | undefined> {
    this.#log.log(`[OPEN] [${id}] Cancelling order: ${why}`);
    try {
      const answer = await this.#withRetry(`cancel order ${id}`, () => this.#venue.cancel(id));
      this.#observe(answer);
    } catch (e) {
      if (e instanceof Stop || !(e instanceof VenueError)) throw e;
      this.#log.log(
        `[OPEN] [${id}] Cancel failed: ${describe(e)}; asking the venue for the order`,
        "WARNING",
      );
    }
    let state = await this.#tracker.waitFor(id, finished, this.#t.cancelConfirmMs, this.#clock);
    if (state === undefined || !isTerminal(state.status)) {
      try {
        const queried = await this.#withRetry(`read order ${id}`, () => this.#venue.order(id));
        if (queried !== undefined) state = this.#observe(queried);
      } catch (e) {
        if (e instanceof Stop || !(e instanceof VenueError)) throw e;
        this.#log.log(`[OPEN] [${id}] ${describe(e)}`, "WARNING");
      }
    }
    if (state === undefined || !isTerminal(state.status)) {
      this.#log.log(
        `[OPEN] [${id}] Cancel not confirmed; it will be settled at the next reconciliation`,
        "ERROR",
      );
      this.#unsettled.add(id);
      return undefined;
    }
    return state;
  }

  /** Closes a filled quantity: a take-profit, or in boost mode a market order. */
  async #close(quantity: Decimal, entry: Decimal): Promise<void> {
    if (this.#config.boost) return await this.#closeAtMarket(quantity);
    await this.#placeTakeProfit(quantity, entry);
  }

  async #closeAtMarket(quantity: Decimal): Promise<void> {
    const clientId = this.#ids.next();
    let final: OrderSnapshot;
    try {
      final = await this.#withRetry(
        "close at market",
        () => this.#venue.placeMarket({ side: this.#closeSide, quantity, reduceOnly: true, clientId }),
      );
    } catch (e) {
      if (e instanceof Stop || !(e instanceof VenueError)) throw e;
      throw await this.#safetyStop(`Cannot close ${quantity} at market: ${describe(e)}`);
    }
    this.#roles.set(final.orderId, "MARKET");
    const merged = this.#observe(final) ?? final;
    this.#release(final.orderId);
    if (merged.status !== "FILLED" && merged.filled.lt(quantity)) {
      throw await this.#safetyStop(
        `Market close ${merged.orderId} filled ${merged.filled} of ${quantity} (status ${merged.status})`,
      );
    }
    this.stats.boostCycles++;
  }

  async #placeTakeProfit(quantity: Decimal, entry: Decimal): Promise<void> {
    const target = takeProfitPrice(
      this.#config.direction,
      entry,
      this.#config.takeProfit,
      this.#market.tickSize,
    );
    const deadline = this.#clock.now() + this.#t.takeProfitDeadlineMs;
    let lastProblem = "";
    let delay = this.#t.backoffMs;
    while (this.#clock.now() <= deadline) {
      try {
        const placed = await this.#placePostOnly(this.#closeSide, quantity, true, "CLOSE", target);
        if (placed !== undefined) {
          this.#lastTakeProfitAt = this.#clock.now();
          this.stats.takeProfitsPlaced++;
          this.#log.log(
            `[CLOSE] [${placed.orderId}] Placed ${placed.side} ${placed.quantity} @ ${placed.price}`,
          );
          const now = this.#tracker.get(placed.orderId) ?? placed;
          if (isTerminal(now.status)) this.#release(placed.orderId); // filled before the answer arrived
          else this.#takeProfits.set(placed.orderId, now);
          return;
        }
        lastProblem = "post-only rejected: the book kept crossing the price";
      } catch (e) {
        if (e instanceof Stop || !isRecoverable(e)) throw e;
        if (e instanceof PlacementRejected) lastProblem = e.message;
        else lastProblem = describe(e);
        this.#log.log(`[CLOSE] Take-profit not placed yet: ${lastProblem}`, "WARNING");
      }
      await this.#clock.sleep(delay);
      delay = Math.min(this.#t.maxBackoffMs, delay * 2);
    }
    throw await this.#safetyStop(
      `Cannot place the take-profit ${this.#closeSide} ${quantity} @ ${target} for a filled open order: ` +
        `${lastProblem}. The position is not covered: close it or rest the order by hand`,
    );
  }

  /**
   * Places a post-only limit order at the current quote (open) or at `target` kept maker (take-profit). A
   * post-only rejection is retried at a fresh price; a retriable failure is retried with the same client id.
   * Returns `undefined` when every try crossed.
   */
  async #placePostOnly(
    side: Side,
    quantity: Decimal,
    reduceOnly: boolean,
    role: Role,
    target?: Decimal,
  ): Promise<OrderSnapshot | undefined> {
    const tick = this.#market.tickSize;
    for (let i = 0; i <= this.#t.postOnlyRetries; i++) {
      const bbo = await this.#bbo();
      const price = target === undefined ? openPrice(side, bbo, tick) : makerGuard(side, target, bbo, tick);
      const clientId = this.#ids.next();
      const result = await this.#placeOnce(role, clientId, { side, price, quantity, reduceOnly });
      if (result.kind === "accepted") {
        this.#roles.set(result.order.orderId, role);
        this.#observe(result.order);
        return this.#tracker.get(result.order.orderId) ?? result.order;
      }
      if (!result.postOnlyWouldCross) {
        throw new PlacementRejected(
          `${side} ${quantity} @ ${price} rejected by ${this.#venue.name}: ${result.reason}`,
        );
      }
      this.#log.log(
        `[${role}] Post-only ${side} @ ${price} would cross (${result.reason}); re-pricing`,
        "DEBUG",
      );
    }
    return undefined;
  }

  /**
   * One placement, retried with the same client id (the venue then answers with the order it already has).
   * When every try failed without an answer, the order may still exist: it is looked up by client id among
   * the open orders before the failure is given up, so a lost answer never leads to a second order.
   */
  async #placeOnce(
    role: Role,
    clientId: string,
    o: { side: Side; price: Decimal; quantity: Decimal; reduceOnly: boolean },
  ): Promise<PlaceResult> {
    const what = `place ${role === "OPEN" ? "open" : "take-profit"} order ${clientId}`;
    try {
      // Many tries: after a lost answer the order may exist, and only the same client id finds it again.
      return await this.#withRetry(
        what,
        () => this.#venue.placeLimit({ ...o, postOnly: true, clientId }),
        30,
      );
    } catch (e) {
      if (!(e instanceof VenueError) || !e.retriable) throw e;
      const open = await this.#withRetry("read open orders", () => this.#venue.openOrders(), 8);
      const found = open.find((x) => x.clientId === clientId);
      if (found === undefined) throw e;
      this.#log.log(
        `[${role}] [${found.orderId}] Placement answer lost; found the order by client id`,
        "WARNING",
      );
      return { kind: "accepted", order: found };
    }
  }

  /**
   * Reconciliation with REST: the resting take-profits, the position and the mismatch rule. A mismatch must
   * hold for {@link BotTiming.mismatchChecks} consecutive checks before the bot alerts and stops.
   */
  async #reconcile(): Promise<void> {
    const orders = await this.#withRetry("read open orders", () => this.#venue.openOrders());
    const open = new Map(orders.map((o) => [o.orderId, o]));
    for (const o of orders) {
      if (o.orderId === this.#workingOpen) continue;
      if (
        this.#roles.get(o.orderId) === "CLOSE" || (o.side === this.#closeSide && !this.#roles.has(o.orderId))
      ) {
        if (!this.#takeProfits.has(o.orderId)) this.#adopt(o);
        else this.#observe(o);
      }
    }
    for (const id of [...this.#takeProfits.keys()]) {
      if (open.has(id)) continue;
      // Gone from the book but no event said so: ask for its final state so its fills are counted.
      const final = await this.#withRetry(`read order ${id}`, () => this.#venue.order(id));
      if (final !== undefined) this.#observe(final);
      if (final === undefined || isTerminal(final.status)) this.#dropTakeProfit(id);
    }
    for (const id of [...this.#unsettled]) {
      const still = open.get(id);
      if (still !== undefined) {
        this.#log.log(`[OPEN] [${id}] Still open after an unconfirmed cancel; cancelling again`, "WARNING");
        this.#observe(await this.#withRetry(`cancel order ${id}`, () => this.#venue.cancel(id)));
      }
      const final = still === undefined
        ? await this.#withRetry(`read order ${id}`, () => this.#venue.order(id))
        : undefined;
      if (final !== undefined) this.#observe(final);
      const state = this.#tracker.get(id);
      if (state !== undefined && isTerminal(state.status)) {
        this.#unsettled.delete(id);
        this.#release(id);
        if (state.filled.gt(0)) await this.#close(state.filled, state.price);
      }
    }
    const position = await this.#withRetry("read position", () => this.#venue.position());
    this.#lastReconcile = this.#clock.now();
    const total = this.#takeProfitTotal();
    const n = this.#takeProfits.size;
    this.#log.log(
      `Current Position: ${position.abs()} | Active closing amount: ${total} | Order quantity: ${n}`,
    );
    if (!positionMismatch(position, total, this.#config.quantity)) {
      if (this.#mismatchStreak > 0) this.#log.log("Position and take-profits agree again");
      this.#mismatchStreak = 0;
      return;
    }
    this.#mismatchStreak++;
    this.#log.log(
      `Position ${position.abs()} and take-profits ${total} differ by more than 2 x ${this.#config.quantity} ` +
        `(check ${this.#mismatchStreak} of ${this.#t.mismatchChecks})`,
      "WARNING",
    );
    if (this.#mismatchStreak < this.#t.mismatchChecks) return;
    const bar = "###### ERROR ###### ERROR ###### ERROR ###### ERROR #####";
    const text = [
      `ERROR: ${this.#label} Position mismatch detected`,
      bar,
      "Please manually rebalance your position and take-profit orders",
      "请手动平衡当前仓位和正在关闭的仓位",
      `current position: ${position.abs()} | active closing amount: ${total} | Order quantity: ${n}`,
      bar,
    ].join("\n");
    this.#log.log(text, "ERROR");
    await this.#notifier.notify(text);
    throw new Stop(
      "position-mismatch",
      ExitCode.Safety,
      `position ${position.abs()} and take-profits ${total} disagree after ${this.#mismatchStreak} checks`,
    );
  }

  #takeProfitTotal(): Decimal {
    let total = ZERO;
    for (const o of this.#takeProfits.values()) total = total.plus(o.quantity.minus(o.filled));
    return total;
  }

  #dropTakeProfit(id: string): void {
    this.#release(id);
    if (this.#takeProfits.delete(id)) this.#wake();
  }

  #onEvent(event: OrderSnapshot): void {
    try {
      this.#observe(event);
    } catch (e) {
      this.#log.log(`Ignored an order event that could not be processed: ${describe(e)}`, "ERROR");
    }
  }

  /** Merges a report, accounts its new fills, logs status changes and keeps the take-profit book current. */
  #observe(report: OrderSnapshot): OrderSnapshot | undefined {
    const merged = this.#tracker.observe(report);
    if (merged === undefined) {
      this.#lateFee(report);
      return undefined;
    }
    const role = this.#roles.get(merged.orderId);
    if (role === undefined) return merged; // not ours (yet): accounted once the placement answer names it
    this.#account(merged, role);
    if (role === "CLOSE" && this.#takeProfits.has(merged.orderId)) {
      if (isTerminal(merged.status)) this.#dropTakeProfit(merged.orderId);
      else this.#takeProfits.set(merged.orderId, merged);
    }
    return merged;
  }

  #account(s: OrderSnapshot, role: Role): void {
    const before = this.#accounted.get(s.orderId) ??
      { filled: ZERO, notional: ZERO, fee: ZERO, status: "" };
    const notional = filledNotional(s);
    const fee = s.fee ?? before.fee;
    const qty = s.filled.minus(before.filled);
    const feeDelta = fee.minus(before.fee);
    if (qty.gt(0)) {
      const notionalDelta = notional.minus(before.notional);
      const price = notionalDelta.div(qty);
      this.stats.all.fill(s.side, qty, price, feeDelta);
      if (this.#config.boost) this.stats.boost.fill(s.side, qty, price, feeDelta);
    } else if (!feeDelta.isZero()) {
      // The fee of a fill already counted can arrive later (a stream event after the REST answer).
      this.stats.all.fee(feeDelta);
      if (this.#config.boost) this.stats.boost.fee(feeDelta);
    }
    if (s.status !== before.status) {
      const shown = s.status === "PARTIALLY_FILLED" || s.status === "CANCELED" ? s.filled : s.quantity;
      const price = s.avgPrice ?? s.price;
      const tag = role === "MARKET" ? "CLOSE" : role;
      if (s.status !== "OPEN") this.#log.log(`[${tag}] [${s.orderId}] ${s.status} ${shown} @ ${price}`);
      if (s.status === "FILLED" || (s.status === "CANCELED" && s.filled.gt(0))) {
        this.#log.order(s.orderId, s.side, s.filled.toString(), price.toString(), s.status);
      }
      if (role === "CLOSE" && s.status === "FILLED") this.stats.takeProfitsFilled++;
    }
    this.#accounted.set(s.orderId, { filled: s.filled, notional, fee, status: s.status });
  }

  /** Forgets a finished order; late events about it are then ignored, but for a fee they raise. */
  #release(id: string): void {
    this.#tracker.forget(id);
    const accounted = this.#accounted.get(id);
    if (accounted !== undefined) {
      this.#releasedFees.set(id, accounted.fee);
      if (this.#releasedFees.size > RELEASED_FEES_REMEMBERED) {
        this.#releasedFees.delete(this.#releasedFees.keys().next().value!);
      }
    }
    this.#accounted.delete(id);
    this.#roles.delete(id);
  }

  /** A report about a forgotten order: only a fee above the one accounted is taken from it. */
  #lateFee(report: OrderSnapshot): void {
    const known = this.#releasedFees.get(report.orderId);
    if (known === undefined || report.fee === undefined || !report.fee.gt(known)) return;
    this.#releasedFees.set(report.orderId, report.fee);
    const delta = report.fee.minus(known);
    this.stats.all.fee(delta);
    if (this.#config.boost) this.stats.boost.fee(delta);
  }

  async #bbo(): Promise<Bbo> {
    return await this.#withRetry("read best bid/ask", () => this.#venue.bbo());
  }

  /** Retries a venue call a few times with backoff; a stop request ends the waiting, not the call. */
  async #withRetry<T>(what: string, fn: () => Promise<T>, attempts = 4): Promise<T> {
    return await retry(fn, {
      clock: this.#clock,
      attempts,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      onRetry: (e, attempt, delayMs) =>
        this.#log.log(
          `Could not ${what} (try ${attempt}): ${describe(e)}; again in ${delayMs} ms`,
          "WARNING",
        ),
    });
  }

  async #safetyStop(message: string): Promise<Stop> {
    this.#log.log(message, "ERROR");
    await this.#notifier.notify(`ERROR: ${this.#label} ${message}`);
    return new Stop("take-profit-failed", ExitCode.Safety, message);
  }

  /** Sleeps until `ms` pass (or the next reconciliation is due), an event wakes the bot, or a stop is requested. */
  async #idle(ms: number, untilReconcile = true): Promise<void> {
    // Never sleep past the next reconciliation (the mismatch check keeps its period), except in a back-off.
    const due = this.#lastReconcile + this.#t.reconcileMs - this.#clock.now();
    const wait = untilReconcile ? Math.min(ms, Math.max(due, 0)) : ms;
    if (this.#stop.aborted || wait <= 0) return;
    const waker = new AbortController();
    this.#wakers.add(waker);
    try {
      await this.#clock.sleep(wait, waker.signal);
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    } finally {
      this.#wakers.delete(waker);
    }
  }

  #wake(): void {
    for (const w of this.#wakers) w.abort();
  }

  /** After an unexpected error: best effort, leave no open order working without the bot watching it. */
  async #abandonWorkingOrder(): Promise<void> {
    const id = this.#workingOpen;
    if (id === undefined) return;
    try {
      await this.#venue.cancel(id);
      this.#log.log(`[OPEN] [${id}] Cancelled after an unexpected error`, "WARNING");
    } catch (e) {
      this.#log.log(`[OPEN] [${id}] Could not cancel after an unexpected error: ${describe(e)}`, "ERROR");
    }
  }

  async #finish(ending: Stop): Promise<RunResult> {
    let positionLeft: Decimal | undefined;
    try {
      positionLeft = await this.#venue.position();
    } catch (e) {
      this.#log.log(`Could not read the position at exit: ${describe(e)}`, "WARNING");
    }
    const level = ending.exitCode === ExitCode.Ok ? "INFO" : "ERROR";
    this.#log.log(`Bot stopped: ${ending.message}`, level);
    return {
      reason: ending.reason,
      exitCode: ending.exitCode,
      message: ending.message,
      stats: this.stats,
      restingTakeProfits: this.#takeProfits.size,
      takeProfitTotal: this.#takeProfitTotal(),
      positionLeft,
    };
  }
}

/** A non-post-only rejection of a placement (insufficient margin, bad size, …). */
class PlacementRejected extends VenueError {
  override name = "PlacementRejected";
}

function finished(s: OrderSnapshot): boolean {
  return isTerminal(s.status);
}

function isRecoverable(e: unknown): boolean {
  return (e instanceof VenueError && !(e instanceof AuthenticationError)) || e instanceof InvalidBookError;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
