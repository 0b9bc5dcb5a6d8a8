/**
 * `perpbot run`: the trading bot.
 * @module
 */
import { type Clock, RealClock, VirtualClock } from "../clock.ts";
import { parseRunOptions, type RawRunOptions } from "../config.ts";
import { ConfigError, ExitCode } from "../errors.ts";
import { formatDuration } from "../duration.ts";
import { formatSummary } from "../summary.ts";
import { TradeLog } from "../trade_log.ts";
import { TradingBot } from "../trading_bot.ts";
import { Notifier } from "../../notify/notifier.ts";
import { requireAvailable } from "../../exchanges/factory.ts";
import { type CommandIo, connectVenue, type EnvFileOptions, loadCommandEnv } from "./common.ts";

/** Options of `run`, as typed. */
export interface RunCommandOptions extends RawRunOptions, EnvFileOptions {
  readonly logDir: string;
  /** Paper only: simulated time that runs as fast as the machine allows. */
  readonly virtualClock: boolean;
}

/** Delivers SIGINT/SIGTERM to a handler; returns the function that removes it. */
export type SignalSource = (handler: (signal: string) => void) => () => void;

/**
 * Runs the bot until `--duration` elapses, a signal arrives or a safety rule stops it. The first SIGINT or
 * SIGTERM stops cleanly (exit 0); a second one while stopping exits at once with 130.
 */
export async function runCommand(
  opts: RunCommandOptions,
  io: CommandIo & { exit(code: number): never },
  signals: SignalSource,
): Promise<ExitCode> {
  const config = parseRunOptions(opts);
  if (opts.virtualClock && config.exchange !== "paper") {
    throw new ConfigError(
      "--virtual-clock",
      `simulated time is for the paper venue only, not ${config.exchange}`,
    );
  }
  requireAvailable(config.exchange);
  const { env, settings, redactor } = loadCommandEnv(opts, io);
  const clock: Clock = opts.virtualClock ? new VirtualClock(Date.now()) : new RealClock();
  const log = await TradeLog.open({
    logDir: opts.logDir,
    exchange: config.exchange,
    ticker: config.ticker,
    accountName: settings.accountName,
    timezone: settings.timezone,
    clock,
    redactor,
  });
  const label = `[${config.exchange.toUpperCase()}_${config.ticker}]`;
  const notifier = Notifier.fromEnv(env, { redactor, onFailure: (m) => log.log(m, "WARNING") });
  const stop = new AbortController();
  let signalled = 0;
  const removeSignals = signals((signal) => {
    signalled++;
    if (signalled > 1) {
      io.err(`${signal} again: exiting at once; the working open order may still be on ${config.exchange}`);
      io.exit(ExitCode.Interrupted);
    }
    log.log(`${signal} received: cancelling the working open order and stopping (again to exit at once)`);
    stop.abort();
  });
  const started = clock.now();
  try {
    const venue = await connectVenue(config.exchange, {
      ticker: config.ticker,
      env,
      clock,
      logDir: opts.logDir,
      accountName: settings.accountName,
      trading: true,
    });
    try {
      if (config.durationMs !== undefined) {
        clock.sleep(config.durationMs, stop.signal).then(() => {
          log.log(`Duration ${formatDuration(config.durationMs!)} reached: stopping`);
          stop.abort();
        }, () => {});
      }
      const bot = new TradingBot({ venue, config, clock, log, notifier, label });
      const result = await bot.run(stop.signal);
      const summary = formatSummary(result.stats, {
        restingTakeProfits: result.restingTakeProfits,
        positionLeft: result.positionLeft,
        boost: config.boost,
        elapsed: formatDuration(Math.max(0, clock.now() - started)),
      });
      for (const line of summary.split("\n")) log.log(line);
      io.out(redactor.redact(summary));
      return result.exitCode;
    } finally {
      stop.abort();
      await venue.close();
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      const message = redactor.redact(e instanceof Error ? e.message : String(e));
      log.log(`Bot stopped by an error: ${message}`, "ERROR");
      await notifier.notify(`ERROR: ${label} perpbot stopped by an error: ${message}`);
    }
    throw e;
  } finally {
    removeSignals();
    await log.close();
  }
}
