/**
 * Venue name → venue instance. Each venue module is loaded with a lazy `import()`, so a run on one venue
 * never loads (or needs permissions for) another.
 * @module
 */
import type { Clock } from "../bot/clock.ts";
import { ConfigError } from "../bot/errors.ts";
import type { ExchangeName } from "./names.ts";
import type { Venue } from "./venue.ts";

/** What a venue needs to be built. */
export interface VenueContext {
  /** Upper-case ticker. */
  readonly ticker: string;
  /** Environment (process variables over the env file). */
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
  /** The log directory; the paper venue keeps its account there. */
  readonly logDir: string;
  readonly accountName: string | undefined;
  /** True for the trading bot (the paper venue then moves its market), false for one-shot commands. */
  readonly trading: boolean;
}

/** Venues this build can trade on. The others are accepted names that are refused with a clear message. */
export const AVAILABLE_EXCHANGES: ReadonlySet<ExchangeName> = new Set(["paper", "backpack", "aster"]);

/** File of the paper account for a ticker and account. */
export function paperStatePath(logDir: string, ticker: string, accountName: string | undefined): string {
  const base = accountName === undefined ? `paper_${ticker}` : `paper_${ticker}_${accountName}`;
  return `${logDir}/${base}_state.json`;
}

/** Refuses, as a usage error, a venue this build cannot trade on. */
export function requireAvailable(name: ExchangeName): void {
  if (!AVAILABLE_EXCHANGES.has(name)) {
    throw new ConfigError("--exchange", `${name} is not available in this version of perpbot yet; try paper`);
  }
}

/** Builds the venue for `name`; it still has to be connected. */
export async function createVenue(name: ExchangeName, ctx: VenueContext): Promise<Venue> {
  switch (name) {
    case "paper": {
      const { PaperVenue } = await import("./paper/venue.ts");
      const seed = ctx.env.PAPER_SEED === undefined ? 1 : Number(ctx.env.PAPER_SEED);
      if (!Number.isSafeInteger(seed) || seed < 0) {
        throw new ConfigError("PAPER_SEED", `"${ctx.env.PAPER_SEED}" must be a whole number ≥ 0`);
      }
      Deno.mkdirSync(ctx.logDir, { recursive: true });
      return new PaperVenue({
        ticker: ctx.ticker,
        clock: ctx.clock,
        seed,
        statePath: paperStatePath(ctx.logDir, ctx.ticker, ctx.accountName),
        driveMarket: ctx.trading,
      });
    }
    case "backpack": {
      const { createBackpackVenue } = await import("./backpack/venue.ts");
      return createBackpackVenue(ctx);
    }
    case "aster": {
      const { createAsterVenue } = await import("./aster/venue.ts");
      return createAsterVenue(ctx);
    }
    default:
      requireAvailable(name);
      throw new ConfigError("--exchange", `${name} has no venue module`);
  }
}
