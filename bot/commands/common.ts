/**
 * What every command shares: its I/O, loading the environment, and building a connected venue.
 * @module
 */
import type { Clock } from "../clock.ts";
import { type Env, loadEnv } from "../env.ts";
import { type EnvSettings, parseEnvSettings, parseExchange, parseTicker } from "../config.ts";
import { Redactor } from "../redact.ts";
import { createVenue } from "../../exchanges/factory.ts";
import type { ExchangeName } from "../../exchanges/names.ts";
import {
  AuthenticationError,
  RateLimitError,
  UnknownMarketError,
  type Venue,
  VenueError,
  VenueUnavailableError,
} from "../../exchanges/venue.ts";
import { ConfigError } from "../errors.ts";

/** A command's view of the process. `main.ts` provides the real one; tests provide recorders. */
export interface CommandIo {
  /** The process environment. */
  readonly env: Env;
  /** Writes one line of the command's result (stdout). */
  out(line: string): void;
  /** Writes one line of diagnostics (stderr). */
  err(line: string): void;
  /** Told the redactor of the loaded environment, so errors reaching the top are redacted with it. */
  useRedactor?(redactor: Redactor): void;
}

/** Where a command reads its environment from. */
export interface EnvFileOptions {
  readonly envFile: string;
  /** True when the user named the file (then it must exist). */
  readonly envFileExplicit: boolean;
}

/** The environment of a command, validated, with its redactor. */
export interface CommandEnv {
  readonly env: Env;
  readonly settings: EnvSettings;
  readonly redactor: Redactor;
}

/** Loads the env file under the process environment, prints its warnings, and validates the common settings. */
export function loadCommandEnv(opts: EnvFileOptions, io: CommandIo): CommandEnv {
  const loaded = loadEnv(opts.envFile, opts.envFileExplicit, io.env);
  for (const w of loaded.warnings) io.err(`WARNING: ${w}`);
  const redactor = Redactor.fromEnv(loaded.env);
  io.useRedactor?.(redactor);
  return { env: loaded.env, settings: parseEnvSettings(loaded.env), redactor };
}

/** The venue could not be reached or refused us; maps to exit code 4. */
export class VenueUnreachableError extends Error {
  override name = "VenueUnreachableError";
}

/**
 * A failure to talk to the venue (unreachable, timing out, rate limiting, refusing the credentials) becomes a
 * {@link VenueUnreachableError} (exit code 4); any other failure is returned unchanged.
 */
export function asUnreachable(e: unknown, what: string): unknown {
  if (
    e instanceof VenueUnavailableError || e instanceof RateLimitError || e instanceof AuthenticationError
  ) {
    return new VenueUnreachableError(`${what}: ${e.message}`, { cause: e });
  }
  return e;
}

/**
 * The start of a one-shot command (`check-position`, `cancel-all`): validated venue and ticker, the loaded
 * environment, and a connected venue that does not move the paper market.
 */
export async function connectTool(
  opts: EnvFileOptions & { readonly exchange: string; readonly ticker: string; readonly logDir: string },
  io: CommandIo,
  clock: Clock,
): Promise<{ exchange: ExchangeName; ticker: string; venue: Venue; redactor: Redactor }> {
  const exchange = parseExchange(opts.exchange);
  const ticker = parseTicker(opts.ticker);
  const { env, settings, redactor } = loadCommandEnv(opts, io);
  const venue = await connectVenue(exchange, {
    ticker,
    env,
    clock,
    logDir: opts.logDir,
    accountName: settings.accountName,
    trading: false,
  });
  return { exchange, ticker, venue, redactor };
}

/** Builds and connects a venue; connection failures become {@link VenueUnreachableError}. */
export async function connectVenue(
  exchange: ExchangeName,
  ctx: {
    ticker: string;
    env: Env;
    clock: Clock;
    logDir: string;
    accountName: string | undefined;
    trading: boolean;
  },
): Promise<Venue> {
  const venue = await createVenue(exchange, ctx);
  try {
    await venue.connect();
  } catch (e) {
    await venue.close().catch(() => {});
    if (e instanceof UnknownMarketError) throw new ConfigError("--ticker", e.message);
    if (e instanceof AuthenticationError) {
      throw new VenueUnreachableError(`${exchange} refused the credentials: ${e.message}`, { cause: e });
    }
    if (e instanceof VenueError) {
      throw new VenueUnreachableError(`Cannot connect to ${exchange}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  return venue;
}
