/**
 * The synthetic market of the paper venue: per-ticker rules, a seeded random generator, and a random-walk
 * best bid/ask on the tick grid.
 * @module
 */
import { Decimal } from "../decimal.ts";
import { roundToMultiple } from "../rounding.ts";

/** Trading rules and dynamics of one paper market. */
export interface PaperMarketSpec {
  readonly ticker: string;
  readonly symbol: string;
  readonly tickSize: Decimal;
  readonly stepSize: Decimal;
  readonly minQuantity: Decimal;
  /** Mid price of a fresh market. */
  readonly startMid: Decimal;
  /** Standard deviation of one second's move, as a fraction of the price. */
  readonly volatilityPerSecond: number;
  /** Widest spread, in ticks (the spread is drawn between 1 and this). */
  readonly maxSpreadTicks: number;
}

const KNOWN: Record<string, [tick: string, step: string, mid: string]> = {
  BTC: ["0.1", "0.0001", "60000"],
  ETH: ["0.01", "0.001", "3000"],
  SOL: ["0.01", "0.01", "150"],
  BNB: ["0.01", "0.01", "600"],
  HYPE: ["0.001", "0.01", "40"],
  DOGE: ["0.00001", "1", "0.2"],
};

/** The paper market for a ticker: known tickers get realistic rules, any other gets tick 0.01 around 100. */
export function paperMarketSpec(ticker: string): PaperMarketSpec {
  const [tick, step, mid] = KNOWN[ticker] ?? ["0.01", "0.01", "100"];
  return {
    ticker,
    symbol: `${ticker}-PAPER`,
    tickSize: new Decimal(tick),
    stepSize: new Decimal(step),
    minQuantity: new Decimal(step),
    startMid: new Decimal(mid),
    volatilityPerSecond: 0.0001,
    maxSpreadTicks: 3,
  };
}

/** Seeded generator (mulberry32). Its whole state is one uint32, so it can be saved and restored. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The current state, to persist. */
  get state(): number {
    return this.#state;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

/** Best bid and ask of the synthetic market. */
export interface Quote {
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** The quote after one step, and how far each side of the book reached during it. */
export interface MarketStep extends Quote {
  /** Lowest ask of the step: a resting buy at or above it was reached by sellers. */
  readonly lowAsk: Decimal;
  /** Highest bid of the step: a resting sell at or below it was reached by buyers. */
  readonly highBid: Decimal;
}

/** A fresh quote around the spec's start mid. */
export function initialQuote(spec: PaperMarketSpec): Quote {
  const bid = roundToMultiple(spec.startMid, spec.tickSize, "down");
  return { bid, ask: bid.plus(spec.tickSize) };
}

/**
 * Moves the market by one step of `seconds`: the mid takes a normal step, the spread is redrawn, and the range
 * reached is the hull of the previous and the new quote. Randomness is the only source of change, so a seed
 * fixes the path.
 */
export function stepQuote(spec: PaperMarketSpec, quote: Quote, rng: Rng, seconds: number): MarketStep {
  const mid = quote.bid.plus(quote.ask).div(2);
  const sigma = spec.volatilityPerSecond * Math.sqrt(seconds);
  const move = mid.mul(sigma * rng.normal());
  const spreadTicks = rng.int(1, spec.maxSpreadTicks);
  const minBid = spec.tickSize.mul(spec.maxSpreadTicks);
  let bid = roundToMultiple(
    mid.plus(move).minus(spec.tickSize.mul(spreadTicks).div(2)),
    spec.tickSize,
    "nearest",
  );
  if (bid.lt(minBid)) bid = minBid;
  const ask = bid.plus(spec.tickSize.mul(spreadTicks));
  return { bid, ask, lowAsk: Decimal.min(quote.ask, ask), highBid: Decimal.max(quote.bid, bid) };
}
