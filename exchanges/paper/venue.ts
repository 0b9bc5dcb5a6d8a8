/**
 * The embedded paper venue: a simulated exchange that needs no account and no network.
 *
 * The account and market persist in a JSON state file, so `check-position` and `cancel-all` in another
 * process see what `run` left behind, as they would on a real venue. Only the process that drives the market
 * (the bot) moves prices; the others read and change orders at the last saved quote.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { SleepAbortedError } from "../../bot/clock.ts";
import type { Decimal } from "../decimal.ts";
import type {
  Bbo,
  LimitOrderRequest,
  Market,
  MarketOrderRequest,
  OrderListener,
  OrderSnapshot,
  PlaceResult,
  Unsubscribe,
  Venue,
} from "../venue.ts";
import { VenueError, VenueRejectedError } from "../venue.ts";
import { DEFAULT_FEES, type FeeSchedule, freshPaperState, PaperEngine, type PaperState } from "./engine.ts";
import { paperMarketSpec } from "./price_path.ts";

/** How to build a paper venue. */
export interface PaperVenueOptions {
  readonly ticker: string;
  readonly clock: Clock;
  /** Seed of a fresh market; the same seed gives the same price path. */
  readonly seed?: number;
  /** Where the account is persisted; none keeps it in memory only. */
  readonly statePath?: string;
  /** Whether this process moves the market (true for the bot, false for one-shot commands). */
  readonly driveMarket?: boolean;
  /** Market step, ms. */
  readonly stepMs?: number;
  /** Delay before an order event reaches listeners, ms. */
  readonly eventLatencyMs?: number;
  readonly fees?: FeeSchedule;
}

interface StateFile {
  /** Changes on every save, so a process can tell that another one wrote the file. */
  revision: string;
  state: PaperState;
}

/** The paper venue. */
export class PaperVenue implements Venue {
  readonly name = "paper";
  readonly #opts: Required<Omit<PaperVenueOptions, "statePath">> & { statePath: string | undefined };
  #engine: PaperEngine | undefined;
  #revision = "";
  #listeners = new Set<OrderListener>();
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #closed = false;

  constructor(options: PaperVenueOptions) {
    this.#opts = {
      ticker: options.ticker,
      clock: options.clock,
      seed: options.seed ?? 1,
      statePath: options.statePath,
      driveMarket: options.driveMarket ?? false,
      stepMs: options.stepMs ?? 1000,
      eventLatencyMs: options.eventLatencyMs ?? 20,
      fees: options.fees ?? DEFAULT_FEES,
    };
  }

  /** The engine, for tests and fakes that move the market or force fills. */
  get engine(): PaperEngine {
    return this.#need();
  }

  connect(): Promise<void> {
    return settle(() => {
      const spec = paperMarketSpec(this.#opts.ticker);
      const loaded = this.#readFile();
      if (loaded !== undefined && loaded.state.ticker === this.#opts.ticker) {
        this.#engine = new PaperEngine(spec, loaded.state, this.#opts.fees);
        this.#revision = loaded.revision;
      } else {
        this.#engine = new PaperEngine(
          spec,
          freshPaperState(spec, this.#opts.seed, this.#opts.clock.now()),
          this.#opts.fees,
        );
        this.#save();
      }
      if (this.#opts.driveMarket) this.#loop = this.#runMarket();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    await this.#loop;
    // Only the market driver has unsaved state (the quote); one-shot commands saved every change already,
    // and saving their older snapshot could undo what the bot wrote since. Sync first: keep others' changes.
    if (this.#engine !== undefined && this.#opts.driveMarket) {
      this.#sync();
      this.#save();
    }
  }

  market(): Market {
    const { spec } = this.#need();
    return {
      ticker: spec.ticker,
      symbol: spec.symbol,
      tickSize: spec.tickSize,
      stepSize: spec.stepSize,
      minQuantity: spec.minQuantity,
    };
  }

  bbo(): Promise<Bbo> {
    return settle(() => {
      this.#sync();
      return this.#need().quote();
    });
  }

  placeLimit(request: LimitOrderRequest): Promise<PlaceResult> {
    return settle(() => {
      this.#sync();
      const { result, events } = this.#need().placeLimit(request, this.#opts.clock.now());
      this.#commit(events);
      return result;
    });
  }

  placeMarket(request: MarketOrderRequest): Promise<OrderSnapshot> {
    return settle(() => {
      this.#sync();
      const { order, events } = this.#need().placeMarket(request, this.#opts.clock.now());
      this.#commit(events);
      if (order.status === "REJECTED") {
        throw new VenueRejectedError(
          `Market ${request.side} ${request.quantity} rejected on paper: reduce-only=${request.reduceOnly}, ` +
            `position ${this.#need().position()}`,
        );
      }
      return order;
    });
  }

  cancel(orderId: string): Promise<OrderSnapshot> {
    return settle(() => {
      this.#sync();
      const { order, events } = this.#need().cancel(orderId, this.#opts.clock.now());
      this.#commit(events);
      if (order === undefined) {
        throw new VenueRejectedError(`Cannot cancel order "${orderId}" on paper: unknown order`);
      }
      return order;
    });
  }

  async cancelAll(): Promise<OrderSnapshot[]> {
    this.#sync();
    const results: OrderSnapshot[] = [];
    for (const o of this.#need().openOrders()) results.push(await this.cancel(o.orderId));
    return results;
  }

  order(orderId: string): Promise<OrderSnapshot | undefined> {
    return settle(() => {
      this.#sync();
      return this.#need().order(orderId);
    });
  }

  openOrders(): Promise<OrderSnapshot[]> {
    return settle(() => {
      this.#sync();
      return this.#need().openOrders();
    });
  }

  position(): Promise<Decimal> {
    return settle(() => {
      this.#sync();
      return this.#need().position();
    });
  }

  onOrderEvent(listener: OrderListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Moves the market directly (tests), delivering the fills it causes. */
  setQuote(bid: Decimal, ask: Decimal): void {
    this.#sync();
    this.#commit(this.#need().setQuote(bid, ask, this.#opts.clock.now()));
  }

  /** Fills part or all of a resting order (tests). */
  forceFill(orderId: string, quantity: Decimal): void {
    this.#sync();
    this.#commit(this.#need().forceFill(orderId, quantity, this.#opts.clock.now()));
  }

  async #runMarket(): Promise<void> {
    const { clock, stepMs } = this.#opts;
    let lastSave = clock.now();
    try {
      while (!this.#stop.signal.aborted) {
        await clock.sleep(stepMs, this.#stop.signal);
        this.#sync();
        const events = this.#need().advanceTo(clock.now(), stepMs);
        // The quote alone changes every step; persisting it once a minute is enough.
        if (events.length > 0 || clock.now() - lastSave >= 60_000) {
          this.#save();
          lastSave = clock.now();
        }
        this.#emit(events);
      }
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    }
  }

  #need(): PaperEngine {
    if (this.#engine === undefined) {
      throw new VenueError("The paper venue is not connected: call connect() first");
    }
    return this.#engine;
  }

  /** Adopts changes another process saved (for example a `cancel-all`), reporting them as order events. */
  #sync(): void {
    const loaded = this.#readFile();
    if (loaded === undefined || loaded.revision === this.#revision || this.#engine === undefined) return;
    const before = new Map(this.#engine.snapshot().orders.map((o) => [o.orderId, `${o.status}/${o.filled}`]));
    this.#engine = new PaperEngine(this.#engine.spec, loaded.state, this.#opts.fees);
    this.#revision = loaded.revision;
    const changed = loaded.state.orders
      .filter((o) => before.get(o.orderId) !== `${o.status}/${o.filled}`)
      .map((o) => this.#engine!.order(o.orderId))
      .filter((o): o is OrderSnapshot => o !== undefined);
    this.#emit(changed);
  }

  #commit(events: OrderSnapshot[]): void {
    this.#save();
    this.#emit(events);
  }

  #emit(events: OrderSnapshot[]): void {
    if (events.length === 0) return;
    this.#opts.clock.sleep(this.#opts.eventLatencyMs).then(() => {
      for (const event of events) {
        for (const listener of this.#listeners) {
          try {
            listener(event);
          } catch {
            // A listener must not break delivery to the others.
          }
        }
      }
    });
  }

  #readFile(): StateFile | undefined {
    const path = this.#opts.statePath;
    if (path === undefined) return undefined;
    let text: string;
    try {
      // The revision is written first; reading it alone tells whether anyone saved since we did.
      if (this.#engine !== undefined && peekRevision(path) === this.#revision) return undefined;
      text = Deno.readTextFileSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw new VenueError(`Cannot read the paper state file ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const parsed = JSON.parse(text) as StateFile;
      if (typeof parsed.revision !== "string" || parsed.state?.version !== 1) {
        throw new Error("unknown format");
      }
      return parsed;
    } catch (e) {
      throw new VenueError(
        `The paper state file ${path} is damaged (${
          (e as Error).message
        }); delete it to start a fresh account`,
        { cause: e },
      );
    }
  }

  #save(): void {
    const path = this.#opts.statePath;
    if (path === undefined || this.#engine === undefined) return;
    this.#revision = crypto.randomUUID();
    const file: StateFile = { revision: this.#revision, state: this.#engine.snapshot() };
    // A temporary file per save: two processes saving at once must not write into the same one.
    const tmp = `${path}.${this.#revision}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify(file));
    Deno.renameSync(tmp, path);
  }
}

const REVISION_AT_START = /^\{"revision":"([^"]*)"/;

/** The revision at the start of a state file, without reading the rest. */
function peekRevision(path: string): string | undefined {
  const file = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(96);
    const n = file.readSync(buf) ?? 0;
    return REVISION_AT_START.exec(new TextDecoder().decode(buf.subarray(0, n)))?.[1];
  } finally {
    file.close();
  }
}

/** Runs `work` so that a synchronous throw becomes a rejected promise, as from a real venue. */
function settle<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e);
  }
}
