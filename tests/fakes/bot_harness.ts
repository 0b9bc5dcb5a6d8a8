/**
 * Runs the trading bot on an in-memory paper venue under a {@link VirtualClock}: hours of trading in about a
 * second, with every order recorded from the venue's side, so that tests check the invariants against what
 * the venue saw rather than against what the bot believes.
 *
 * The venue stack is `TradingBot → FaultyVenue → RecordingVenue → PaperVenue`: the recorder sits next to the
 * venue, so an order whose answer the fault layer throws away is still recorded as placed.
 * @module
 */
import assert from "node:assert/strict";
import { SleepAbortedError, VirtualClock } from "../../bot/clock.ts";
import { ClientIds } from "../../bot/client_ids.ts";
import { parseRunOptions, type RawRunOptions, RUN_DEFAULTS, type TradingConfig } from "../../bot/config.ts";
import { Redactor } from "../../bot/redact.ts";
import { type BotLog, type Level, TradeLog } from "../../bot/trade_log.ts";
import { type BotTiming, type RunResult, TradingBot } from "../../bot/trading_bot.ts";
import { type Channel, Notifier, type Notify } from "../../notify/notifier.ts";
import { Decimal, ZERO } from "../../exchanges/decimal.ts";
import { Rng } from "../../exchanges/paper/price_path.ts";
import { PaperVenue } from "../../exchanges/paper/venue.ts";
import { roundToMultiple } from "../../exchanges/rounding.ts";
import {
  type Bbo,
  isTerminal,
  type LimitOrderRequest,
  type Market,
  type MarketOrderRequest,
  type OrderListener,
  type OrderSnapshot,
  type OrderStatus,
  type PlaceResult,
  type Side,
  type Unsubscribe,
  type Venue,
} from "../../exchanges/venue.ts";
import { FaultyVenue } from "./faulty_venue.ts";

// ---------------------------------------------------------------------------------------------------------
// The venue-side record

/** One order as the venue saw it, from its placement to its last known state. */
export interface OrderRecord {
  readonly orderId: string;
  readonly clientId: string;
  readonly side: Side;
  readonly kind: "limit" | "market";
  /** Limit price (zero for a market order). */
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly placedAt: number;
  /** Best bid/ask when the request reached the venue. */
  readonly bbo: Bbo;
  /** Signed position just before the placement. */
  readonly positionBefore: Decimal;
  /** Working orders just before the placement. */
  readonly workingBefore: readonly OrderSnapshot[];
  /** Working orders per side just after the placement. */
  readonly workingAfter: { readonly buy: number; readonly sell: number };
  /** False for orders the recorder learnt about from an event (placed around it). */
  readonly viaRecorder: boolean;
  status: OrderStatus;
  filled: Decimal;
  avgPrice: Decimal | undefined;
  firstFillAt: number | undefined;
  terminalAt: number | undefined;
  readonly history: { at: number; status: OrderStatus; filled: Decimal }[];
}

/** One placement request and its outcome. */
export interface PlacementRecord {
  readonly at: number;
  readonly kind: "limit" | "market";
  readonly request: LimitOrderRequest | MarketOrderRequest;
  readonly outcome: "accepted" | "rejected" | "error";
  readonly orderId?: string;
  /** True when the venue created a new order; false when it returned an existing one (same client id). */
  readonly created: boolean;
  readonly reason?: string;
}

/** One cancel request and its outcome. */
export interface CancelRecord {
  readonly at: number;
  readonly orderId: string;
  readonly side: Side | undefined;
  readonly outcome: "ok" | "error";
  readonly status?: OrderStatus;
  readonly filled?: Decimal;
}

/** The venue at one moment. */
export interface VenueState {
  readonly at: number;
  readonly working: readonly OrderSnapshot[];
  readonly position: Decimal;
  readonly quote: Bbo;
}

/** A {@link Venue} decorator over the paper venue that records every order, placement and cancel. */
export class RecordingVenue implements Venue {
  readonly name: string;
  readonly paper: PaperVenue;
  readonly #clock: VirtualClock;
  /** Orders by id, in placement order. */
  readonly orders = new Map<string, OrderRecord>();
  readonly placements: PlacementRecord[] = [];
  readonly cancels: CancelRecord[] = [];
  readonly #placedHooks = new Set<(o: OrderRecord) => void>();

  constructor(paper: PaperVenue, clock: VirtualClock) {
    this.name = paper.name;
    this.paper = paper;
    this.#clock = clock;
    paper.onOrderEvent((e) => this.#update(e));
  }

  /** Calls `hook` synchronously after every new order the venue accepted. Returns the remover. */
  onPlaced(hook: (o: OrderRecord) => void): () => void {
    this.#placedHooks.add(hook);
    return () => this.#placedHooks.delete(hook);
  }

  /** The venue now. */
  state(): VenueState {
    const e = this.paper.engine;
    return { at: this.#clock.now(), working: e.openOrders(), position: e.position(), quote: e.quote() };
  }

  connect(): Promise<void> {
    return this.paper.connect();
  }

  close(): Promise<void> {
    return this.paper.close();
  }

  market(): Market {
    return this.paper.market();
  }

  bbo(): Promise<Bbo> {
    return this.paper.bbo();
  }

  async placeLimit(request: LimitOrderRequest): Promise<PlaceResult> {
    const before = this.#before();
    const at = this.#clock.now();
    let result: PlaceResult;
    try {
      result = await this.paper.placeLimit(request);
    } catch (e) {
      this.placements.push({
        at,
        kind: "limit",
        request,
        outcome: "error",
        created: false,
        reason: String(e),
      });
      throw e;
    }
    if (result.kind === "rejected") {
      this.placements.push({
        at,
        kind: "limit",
        request,
        outcome: "rejected",
        created: false,
        reason: result.reason,
      });
      return result;
    }
    this.#accepted(at, "limit", request, result.order, before);
    return result;
  }

  async placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot> {
    const before = this.#before();
    const at = this.#clock.now();
    let order: OrderSnapshot;
    try {
      order = await this.paper.placeMarket(request);
    } catch (e) {
      this.placements.push({
        at,
        kind: "market",
        request,
        outcome: "error",
        created: false,
        reason: String(e),
      });
      throw e;
    }
    this.#accepted(at, "market", request, order, before);
    return order;
  }

  async cancel(orderId: string): Promise<OrderSnapshot> {
    const at = this.#clock.now();
    const side = this.orders.get(orderId)?.side ?? this.paper.engine.order(orderId)?.side;
    try {
      const answer = await this.paper.cancel(orderId);
      this.cancels.push({ at, orderId, side, outcome: "ok", status: answer.status, filled: answer.filled });
      this.#update(answer);
      return answer;
    } catch (e) {
      this.cancels.push({ at, orderId, side, outcome: "error" });
      throw e;
    }
  }

  async cancelAll(): Promise<OrderSnapshot[]> {
    const results: OrderSnapshot[] = [];
    for (const o of this.paper.engine.openOrders()) results.push(await this.cancel(o.orderId));
    return results;
  }

  async order(orderId: string): Promise<OrderSnapshot | undefined> {
    const o = await this.paper.order(orderId);
    if (o !== undefined) this.#update(o);
    return o;
  }

  openOrders(): Promise<OrderSnapshot[]> {
    return this.paper.openOrders();
  }

  position(): Promise<Decimal> {
    return this.paper.position();
  }

  onOrderEvent(listener: OrderListener): Unsubscribe {
    return this.paper.onOrderEvent(listener);
  }

  /** Brings every unfinished record up to the engine's current state (fills whose event is still in flight). */
  refresh(): void {
    for (const r of this.orders.values()) {
      if (isTerminal(r.status)) continue;
      const now = this.paper.engine.order(r.orderId);
      if (now !== undefined) this.#update(now);
    }
  }

  #before(): { bbo: Bbo; position: Decimal; working: OrderSnapshot[] } {
    const e = this.paper.engine;
    return { bbo: e.quote(), position: e.position(), working: e.openOrders() };
  }

  #accepted(
    at: number,
    kind: "limit" | "market",
    request: LimitOrderRequest | MarketOrderRequest,
    order: OrderSnapshot,
    before: { bbo: Bbo; position: Decimal; working: OrderSnapshot[] },
  ): void {
    const known = this.orders.get(order.orderId);
    const created = known === undefined || !known.viaRecorder;
    this.placements.push({ at, kind, request, outcome: "accepted", orderId: order.orderId, created });
    if (!created) {
      this.#update(order);
      return;
    }
    const after = this.paper.engine.openOrders();
    const record: OrderRecord = {
      orderId: order.orderId,
      clientId: request.clientId,
      side: request.side,
      kind,
      price: kind === "limit" ? (request as LimitOrderRequest).price : ZERO,
      quantity: request.quantity,
      reduceOnly: request.reduceOnly,
      postOnly: kind === "limit" ? (request as LimitOrderRequest).postOnly : false,
      placedAt: at,
      bbo: before.bbo,
      positionBefore: before.position,
      workingBefore: before.working,
      workingAfter: {
        buy: after.filter((o) => o.side === "buy").length,
        sell: after.filter((o) => o.side === "sell").length,
      },
      viaRecorder: true,
      status: "OPEN",
      filled: ZERO,
      avgPrice: undefined,
      firstFillAt: undefined,
      terminalAt: undefined,
      history: [],
    };
    this.orders.set(order.orderId, record);
    this.#update(order);
    for (const hook of [...this.#placedHooks]) hook(record);
  }

  /** Merges a report (event or answer) monotonically: filled never decreases, finished stays finished. */
  #update(s: OrderSnapshot): void {
    let r = this.orders.get(s.orderId);
    const at = this.#clock.now();
    if (r === undefined) {
      // Placed around the recorder (directly on the paper venue): known from its events only.
      r = {
        orderId: s.orderId,
        clientId: s.clientId ?? "",
        side: s.side,
        kind: s.price.isZero() ? "market" : "limit",
        price: s.price,
        quantity: s.quantity,
        reduceOnly: s.reduceOnly ?? false,
        postOnly: false,
        placedAt: at,
        bbo: this.paper.engine.quote(),
        positionBefore: this.paper.engine.position(),
        workingBefore: [],
        workingAfter: { buy: 0, sell: 0 },
        viaRecorder: false,
        status: "OPEN",
        filled: ZERO,
        avgPrice: undefined,
        firstFillAt: undefined,
        terminalAt: undefined,
        history: [],
      };
      this.orders.set(s.orderId, r);
    }
    const moreFilled = s.filled.gt(r.filled);
    if (moreFilled) {
      r.filled = s.filled;
      r.avgPrice = s.avgPrice ?? r.avgPrice;
      r.firstFillAt ??= at;
    }
    if (isTerminal(r.status)) {
      if (moreFilled && s.status === "FILLED") r.status = "FILLED";
    } else if (isTerminal(s.status) || moreFilled) {
      r.status = s.status;
    }
    if (isTerminal(r.status)) r.terminalAt ??= at;
    r.history.push({ at, status: r.status, filled: r.filled });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Recording log and notifier

/** One activity line. */
export interface LogLine {
  readonly at: number;
  readonly level: Level;
  readonly message: string;
}

/** One CSV row. */
export interface CsvRow {
  readonly at: number;
  readonly orderId: string;
  readonly side: string;
  readonly quantity: string;
  readonly price: string;
  readonly status: string;
}

/** A {@link BotLog} that keeps everything in memory. */
export class RecordingLog implements BotLog {
  readonly lines: LogLine[] = [];
  readonly rows: CsvRow[] = [];
  readonly #clock: VirtualClock;
  #tee: BotLog | undefined;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  /** Also forwards every line and row to `log` (a real {@link TradeLog}), or stops forwarding. */
  tee(log: BotLog | undefined): void {
    this.#tee = log;
  }

  log(message: string, level: Level = "INFO"): void {
    this.lines.push({ at: this.#clock.now(), level, message });
    this.#tee?.log(message, level);
  }

  order(orderId: string, side: string, quantity: string, price: string, status: string): void {
    this.rows.push({ at: this.#clock.now(), orderId, side, quantity, price, status });
    this.#tee?.order(orderId, side, quantity, price, status);
  }

  /** Lines whose message contains `text`. */
  matching(text: string | RegExp): LogLine[] {
    return this.lines.filter((l) =>
      typeof text === "string" ? l.message.includes(text) : text.test(l.message)
    );
  }
}

/** A {@link Notify} (and a notification {@link Channel}) that keeps every message. */
export class RecordingNotify implements Notify, Channel {
  readonly name = "recording";
  readonly messages: { at: number; text: string }[] = [];
  readonly #clock: VirtualClock;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  notify(text: string): Promise<void> {
    this.messages.push({ at: this.#clock.now(), text });
    return Promise.resolve();
  }

  send(text: string): Promise<void> {
    return this.notify(text);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The harness

/** How to build the simulated venue. */
export interface HarnessOptions {
  readonly ticker?: string;
  /** Seed of the paper market's price path. */
  readonly seed?: number;
  /** Seed of the random faults. */
  readonly faultSeed?: number;
  /** Let the paper venue random-walk the market (default); false: only the test moves it. */
  readonly driveMarket?: boolean;
  readonly eventLatencyMs?: number;
}

/** One bot run. */
export interface BotRunOptions {
  /** `run` flags as strings, over the harness defaults (paper, ETH, 0.1, 0.02 %, buy, 40, 450 s, …). */
  readonly flags?: Partial<RawRunOptions>;
  /** Simulated run time before the stop is requested; default 6 h. */
  readonly durationMs?: number;
  readonly timing?: Partial<BotTiming>;
  /** First client id (default: distinct per run, so that two runs never share one). */
  readonly clientIdStart?: number;
  /**
   * Environment with secrets: the bot then logs through a real {@link TradeLog} (with the redactor built from
   * this environment) into a temporary directory, and notifies through a real {@link Notifier}.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Starts scenario scripting (faults, market moves) once the bot is about to run. */
  readonly script?: (run: RunContext) => void;
}

/** What a script can do during a run. */
export interface RunContext {
  readonly startedAt: number;
  readonly config: TradingConfig;
  /** Requests the stop (as SIGINT would). */
  stop(): void;
  /** Runs `fn` after `ms` of simulated time, unless the run ended. */
  after(ms: number, fn: () => void): void;
  /** Runs `fn` every `ms` until the run ends. */
  every(ms: number, fn: () => void): void;
  /**
   * Drives the quote along `mid(elapsedMs)` every `stepMs` (one-tick spread), for markets the test controls
   * (use with `driveMarket: false`).
   */
  scriptMarket(mid: (elapsedMs: number) => Decimal, stepMs?: number): void;
}

/** What a run produced. */
export interface BotRun {
  readonly result: RunResult;
  readonly config: TradingConfig;
  readonly bot: TradingBot;
  readonly startedAt: number;
  readonly endedAt: number;
  /** When the stop was requested (duration elapsed or `stop()`), if it was. */
  readonly stopRequestedAt: number | undefined;
  /** The venue when `run` returned. */
  readonly end: VenueState;
  /** The activity log and CSV as written to disk, when the run had an `env`. */
  readonly files: { readonly activity: string; readonly csv: string } | undefined;
  /** Real milliseconds the run took. */
  readonly realMs: number;
}

const HOUR = 3_600_000;

/** Defaults of the harness's runs: the CLI's, on the paper venue. */
export const HARNESS_FLAGS: RawRunOptions = { ...RUN_DEFAULTS, exchange: "paper", boost: false };

/** A simulated venue with its recorders; runs one bot after the other on it. */
export class BotHarness {
  readonly clock: VirtualClock;
  readonly paper: PaperVenue;
  readonly recorder: RecordingVenue;
  readonly faulty: FaultyVenue;
  readonly log: RecordingLog;
  readonly notifications: RecordingNotify;
  readonly ticker: string;
  #jitterSeed: number;

  private constructor(opts: HarnessOptions) {
    this.ticker = opts.ticker ?? "ETH";
    this.#jitterSeed = (opts.seed ?? 1) * 7919;
    this.clock = new VirtualClock(Date.UTC(2025, 0, 6, 8));
    this.paper = new PaperVenue({
      ticker: this.ticker,
      clock: this.clock,
      seed: opts.seed ?? 1,
      driveMarket: opts.driveMarket ?? true,
      ...(opts.eventLatencyMs === undefined ? {} : { eventLatencyMs: opts.eventLatencyMs }),
    });
    this.recorder = new RecordingVenue(this.paper, this.clock);
    this.faulty = new FaultyVenue(this.recorder, {
      clock: this.clock,
      paper: this.paper,
      seed: opts.faultSeed ?? 7,
    });
    this.log = new RecordingLog(this.clock);
    this.notifications = new RecordingNotify(this.clock);
  }

  /** Builds and connects the venue. */
  static async create(opts: HarnessOptions = {}): Promise<BotHarness> {
    const h = new BotHarness(opts);
    await h.paper.connect();
    return h;
  }

  /** The market's tick size. */
  get tick(): Decimal {
    return this.paper.market().tickSize;
  }

  /** Sets a one-tick-spread quote with its bid at `bid`. */
  quoteAt(bid: Decimal | string): void {
    const b = roundToMultiple(new Decimal(bid), this.tick, "down");
    const q = this.paper.engine.quote();
    // An unchanged quote fills nothing; skipping it keeps flat markets cheap.
    if (q.bid.eq(b) && q.ask.eq(b.plus(this.tick))) return;
    this.paper.setQuote(b, b.plus(this.tick));
  }

  /** Runs one bot until the duration elapses or it stops itself. */
  async runBot(opts: BotRunOptions = {}): Promise<BotRun> {
    const config = parseRunOptions({ ...HARNESS_FLAGS, ticker: this.ticker, ...opts.flags });
    let tradeLog: TradeLog | undefined;
    let logDir: string | undefined;
    let notifier: Notify = this.notifications;
    if (opts.env !== undefined) {
      const redactor = Redactor.fromEnv(opts.env);
      logDir = await Deno.makeTempDir({ prefix: "perpbot_harness_" });
      tradeLog = await TradeLog.open({
        logDir,
        exchange: config.exchange,
        ticker: config.ticker,
        accountName: undefined,
        timezone: "UTC",
        clock: this.clock,
        redactor,
        console: null,
      });
      this.log.tee(tradeLog);
      notifier = new Notifier([this.notifications], { redactor });
    }
    const stop = new AbortController();
    const scripts = new AbortController();
    const startedAt = this.clock.now();
    let stopRequestedAt: number | undefined;
    const requestStop = () => {
      if (stop.signal.aborted) return;
      stopRequestedAt = this.clock.now();
      stop.abort();
    };
    const failures: unknown[] = [];
    const guarded = (fn: () => void) => () => {
      try {
        fn();
      } catch (e) {
        failures.push(e);
      }
    };
    const ignoreAbort = (e: unknown) => {
      if (!(e instanceof SleepAbortedError)) failures.push(e);
    };
    const ctx: RunContext = {
      startedAt,
      config,
      stop: requestStop,
      after: (ms, fn) => {
        this.clock.sleep(ms, scripts.signal).then(guarded(fn), ignoreAbort);
      },
      every: (ms, fn) => {
        const tick = () => {
          this.clock.sleep(ms, scripts.signal).then(() => {
            guarded(fn)();
            tick();
          }, ignoreAbort);
        };
        tick();
      },
      scriptMarket: (mid, stepMs = 1000) => {
        ctx.every(stepMs, () => this.quoteAt(mid(this.clock.now() - startedAt)));
      },
    };
    // Only now: while real I/O is pending the virtual clock jumps to the next timer, this one included.
    this.clock.sleep(opts.durationMs ?? 6 * HOUR, scripts.signal).then(requestStop, ignoreAbort);

    const bot = new TradingBot({
      venue: this.faulty,
      config,
      clock: this.clock,
      log: this.log,
      notifier,
      label: `[${config.exchange.toUpperCase()}_${config.ticker}]`,
      clientIds: new ClientIds(opts.clientIdStart ?? 1_000_000 * this.#jitterSeed),
      ...(opts.timing === undefined ? {} : { timing: opts.timing }),
    });
    opts.script?.(ctx);
    const real = performance.now();
    // The retry back-off draws its jitter from Math.random: seed it, so that a scenario replays exactly.
    const random = Math.random;
    const jitter = new Rng(this.#jitterSeed++);
    Math.random = () => jitter.next();
    let result: RunResult;
    try {
      result = await bot.run(stop.signal);
    } finally {
      Math.random = random;
      scripts.abort();
      stop.abort();
    }
    const endedAt = this.clock.now();
    this.recorder.refresh();
    const end = this.recorder.state();
    const realMs = performance.now() - real;
    let files: BotRun["files"];
    if (tradeLog !== undefined && logDir !== undefined) {
      this.log.tee(undefined);
      await tradeLog.close();
      files = {
        activity: await Deno.readTextFile(tradeLog.activityPath),
        csv: await Deno.readTextFile(tradeLog.csvPath),
      };
      await Deno.remove(logDir, { recursive: true });
    }
    if (failures.length > 0) throw failures[0];
    return { result, config, bot, startedAt, endedAt, stopRequestedAt, end, files, realMs };
  }

  /** Stops the market and closes the venue. */
  async close(): Promise<void> {
    await this.paper.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Invariants, checked on the venue-side record

/** What the invariant checker needs to know about the run. */
export interface InvariantOptions {
  readonly direction: Side;
  readonly maxOrders: number;
  readonly quantity: Decimal;
  readonly boost: boolean;
  /** Longest time from an open order's end to the order that closes its fill; default 60 s. */
  readonly coverWithinMs?: number;
  /** The run ended with a requested stop: no open order may be left working. */
  readonly requestedStop?: boolean;
  /** Allowed |position − take-profits| at the end; default 0. */
  readonly positionTolerance?: Decimal;
  /** Take-profits may be cancelled (only by the test, never by the bot). Default false. */
  readonly takeProfitCancelsAllowed?: boolean;
  /** Texts that must not contain any of `secrets`. */
  readonly texts?: readonly string[];
  readonly secrets?: readonly string[];
}

/** An open order and the order that closed its fill (a take-profit, or a market order in boost mode). */
export interface CoverPair {
  readonly open: OrderRecord;
  readonly cover: OrderRecord;
}

/** Result of {@link checkInvariants}. */
export interface InvariantReport {
  readonly violations: string[];
  readonly pairs: CoverPair[];
  /** Open orders of the direction, in placement order. */
  readonly opens: OrderRecord[];
  /** Take-profits (limit orders of the close side), in placement order. */
  readonly takeProfits: OrderRecord[];
  /** Market orders of the close side. */
  readonly marketCloses: OrderRecord[];
}

/** Open orders of a run: limit orders of the direction's side that do not reduce. */
export function isOpenOrder(o: OrderRecord, direction: Side): boolean {
  return o.side === direction && o.kind === "limit" && !o.reduceOnly;
}

/** What the invariant checker reads: a {@link RecordingVenue}, or a fake's own record of its orders. */
export interface InvariantRecord {
  readonly orders: ReadonlyMap<string, OrderRecord>;
  readonly placements: readonly PlacementRecord[];
  readonly cancels: readonly CancelRecord[];
}

/** Checks the invariants over everything the venue recorded, against the venue's final state `end`. */
export function checkInvariants(
  rec: InvariantRecord,
  end: VenueState,
  opts: InvariantOptions,
): InvariantReport {
  const v: string[] = [];
  const within = opts.coverWithinMs ?? 60_000;
  const all = [...rec.orders.values()];
  const opens = all.filter((o) => isOpenOrder(o, opts.direction));
  const takeProfits = all.filter((o) => o.side !== opts.direction && o.kind === "limit");
  const marketCloses = all.filter((o) => o.side !== opts.direction && o.kind === "market");
  const covers = opts.boost ? marketCloses : takeProfits;
  const coverQty = (c: OrderRecord) => (opts.boost ? c.filled : c.quantity);

  // (a) every filled open quantity is covered by exactly one order of exactly that quantity, in time.
  const used = new Set<string>();
  const pairs: CoverPair[] = [];
  const filledOpens = opens.filter((o) => o.filled.gt(0));
  filledOpens.sort((a, b) => (a.terminalAt ?? Infinity) - (b.terminalAt ?? Infinity));
  // First the covers placed in time, then late ones, so that one uncovered fill does not shift every match.
  const unmatched: OrderRecord[] = [];
  for (const o of filledOpens) {
    if (o.terminalAt === undefined) {
      v.push(`(a) open ${o.orderId} filled ${o.filled} of ${o.quantity} and is still ${o.status} at the end`);
      continue;
    }
    const end = o.terminalAt;
    const cover = covers.find((c) =>
      !used.has(c.orderId) && c.placedAt >= end && c.placedAt - end <= within && coverQty(c).eq(o.filled)
    );
    if (cover === undefined) {
      unmatched.push(o);
      continue;
    }
    used.add(cover.orderId);
    pairs.push({ open: o, cover });
  }
  for (const o of unmatched) {
    const end = o.terminalAt!;
    const cover = covers.find((c) => !used.has(c.orderId) && c.placedAt >= end && coverQty(c).eq(o.filled));
    if (cover === undefined) {
      v.push(`(a) open ${o.orderId} filled ${o.filled} (ended ${iso(end)}) was never covered`);
      continue;
    }
    used.add(cover.orderId);
    pairs.push({ open: o, cover });
    v.push(
      `(a) open ${o.orderId} filled ${o.filled} covered by ${cover.orderId} only ${
        (cover.placedAt - end) / 1000
      } s later`,
    );
  }
  for (const c of covers) {
    if (!used.has(c.orderId)) {
      v.push(
        `(a) ${c.kind} ${c.side} ${c.orderId} of ${coverQty(c)} @ ${c.price} (${
          iso(c.placedAt)
        }) covers no fill`,
      );
    }
  }
  if (opts.boost && takeProfits.length > 0) {
    v.push(`(a) boost mode rested ${takeProfits.length} limit orders on the close side`);
  }

  // (b) caps, at every placement.
  const closeSide: Side = opts.direction === "buy" ? "sell" : "buy";
  for (const o of all) {
    if (!o.viaRecorder) continue;
    const openWorking = o.workingAfter[opts.direction];
    const closeWorking = o.workingAfter[closeSide];
    if (openWorking > 1) v.push(`(b) ${openWorking} open orders working after placing ${o.orderId}`);
    if (closeWorking > opts.maxOrders) {
      v.push(`(b) ${closeWorking} take-profits resting after placing ${o.orderId} (max ${opts.maxOrders})`);
    }
  }

  // (c) one order per client id, one client id per order.
  const byClient = new Map<string, Set<string>>();
  for (const p of rec.placements) {
    if (p.outcome !== "accepted" || p.orderId === undefined) continue;
    const set = byClient.get(p.request.clientId) ?? new Set<string>();
    set.add(p.orderId);
    byClient.set(p.request.clientId, set);
  }
  for (const [clientId, ids] of byClient) {
    if (ids.size > 1) v.push(`(c) client id ${clientId} created ${ids.size} orders: ${[...ids].join(", ")}`);
  }

  // (d) after a requested stop no open order works; the bot never cancels a take-profit.
  if (opts.requestedStop) {
    for (const w of end.working) {
      if (w.side === opts.direction) v.push(`(d) open order ${w.orderId} still working after the stop`);
    }
  }
  if (!opts.takeProfitCancelsAllowed) {
    for (const c of rec.cancels) {
      if (c.side === closeSide) v.push(`(d) take-profit ${c.orderId} was cancelled at ${iso(c.at)}`);
    }
  }

  // (e) the position is what the resting take-profits will close.
  const tolerance = opts.positionTolerance ?? ZERO;
  let resting = ZERO;
  for (const w of end.working) if (w.side === closeSide) resting = resting.plus(w.quantity.minus(w.filled));
  const expected = opts.boost ? ZERO : opts.direction === "buy" ? resting : resting.neg();
  if (end.position.minus(expected).abs().gt(tolerance)) {
    v.push(`(e) position ${end.position} but resting take-profits close ${resting} (tolerance ${tolerance})`);
  }

  // (f) no secret in any written text.
  for (const s of opts.secrets ?? []) {
    for (const t of opts.texts ?? []) {
      if (t.includes(s)) {
        v.push(`(f) a secret appears in: ${t.slice(Math.max(0, t.indexOf(s) - 80), t.indexOf(s))}…`);
      }
    }
  }
  return { violations: v, pairs, opens, takeProfits, marketCloses };
}

/** Asserts the invariants for a run and returns the report. */
export function assertInvariants(
  h: BotHarness,
  run: BotRun,
  extra: Partial<InvariantOptions> = {},
): InvariantReport {
  const report = checkInvariants(h.recorder, run.end, {
    direction: run.config.direction,
    maxOrders: run.config.maxOrders,
    quantity: run.config.quantity,
    boost: run.config.boost,
    requestedStop: run.result.reason === "requested",
    ...extra,
  });
  assert.deepEqual(report.violations, [], `invariants violated:\n${report.violations.join("\n")}`);
  return report;
}

/** The take-profit price the rules ask for, computed independently of bot/strategy.ts. */
export function expectedTakeProfit(
  direction: Side,
  entry: Decimal,
  tpPercent: Decimal,
  tick: Decimal,
): Decimal {
  const raw = direction === "buy"
    ? entry.mul(new Decimal(100).plus(tpPercent)).div(100)
    : entry.mul(new Decimal(100).minus(tpPercent)).div(100);
  const units = raw.div(tick);
  return (direction === "buy" ? units.ceil() : units.floor()).mul(tick);
}

/** Milliseconds as an ISO time (for messages). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Shorthand for decimals in tests. */
export const d = (x: string | number): Decimal => new Decimal(x);

/** One hour, ms. */
export const HOUR_MS = HOUR;
