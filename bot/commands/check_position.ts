/**
 * `perpbot check-position`: is the position covered by resting take-profits? Meant for cron.
 * @module
 */
import { RealClock } from "../clock.ts";
import { closeSideOf, parseDirection, parseExchange, parseTicker, positiveDecimalFlag } from "../config.ts";
import { ExitCode } from "../errors.ts";
import { positionMismatch } from "../strategy.ts";
import { Decimal, ZERO } from "../../exchanges/decimal.ts";
import type { Venue } from "../../exchanges/venue.ts";
import type { Clock } from "../clock.ts";
import { asUnreachable, type CommandIo, connectTool, type EnvFileOptions } from "./common.ts";

/** Options of `check-position`, as typed. */
export interface CheckPositionOptions extends EnvFileOptions {
  readonly exchange: string;
  readonly ticker: string;
  readonly quantity: string;
  readonly direction: string;
  readonly logDir: string;
  readonly json: boolean;
}

/** One reading of the account. */
export interface PositionReading {
  readonly position: Decimal;
  readonly takeProfits: number;
  readonly takeProfitTotal: Decimal;
  readonly mismatch: boolean;
}

/** Checks made before a mismatch is reported, and the pause between them (a single glitch is not a verdict). */
export const MISMATCH_CHECKS = 3;
const RECHECK_MS = 2000;

/** Reads the position and the resting take-profits (orders on the close side) once. */
export async function readPosition(
  venue: Venue,
  closeSide: "buy" | "sell",
  quantity: Decimal,
): Promise<PositionReading> {
  const [position, orders] = await Promise.all([venue.position(), venue.openOrders()]);
  const tps = orders.filter((o) => o.side === closeSide);
  const total = tps.reduce((sum, o) => sum.plus(o.quantity.minus(o.filled)), ZERO);
  return {
    position,
    takeProfits: tps.length,
    takeProfitTotal: total,
    mismatch: positionMismatch(position, total, quantity),
  };
}

/** Exit 0 when the position and the take-profits agree, 3 on a mismatch, 4 when the venue cannot be asked. */
export async function checkPositionCommand(
  opts: CheckPositionOptions,
  io: CommandIo,
  clock: Clock = new RealClock(),
): Promise<ExitCode> {
  // Flags first: a bad value is refused before anything connects.
  parseExchange(opts.exchange);
  parseTicker(opts.ticker);
  const quantity = positiveDecimalFlag("--quantity", opts.quantity);
  const closeSide = closeSideOf(parseDirection(opts.direction));
  const { exchange, ticker, venue, redactor } = await connectTool(opts, io, clock);
  let reading: PositionReading;
  let checks = 0;
  try {
    do {
      if (checks > 0) await clock.sleep(RECHECK_MS);
      reading = await readPosition(venue, closeSide, quantity);
      checks++;
    } while (reading.mismatch && checks < MISMATCH_CHECKS);
  } catch (e) {
    throw asUnreachable(e, `Cannot read the account on ${exchange}`);
  } finally {
    await venue.close();
  }
  const verdict = reading.mismatch ? "mismatch" : "consistent";
  const tolerance = quantity.mul(2);
  if (opts.json) {
    io.out(JSON.stringify({
      exchange,
      ticker,
      symbol: venue.market().symbol,
      position: reading.position.toFixed(),
      takeProfitSide: closeSide,
      takeProfitOrders: reading.takeProfits,
      takeProfitTotal: reading.takeProfitTotal.toFixed(),
      tolerance: tolerance.toFixed(),
      checks,
      verdict,
    }));
  } else {
    const lines = [
      `Exchange: ${exchange} | Market: ${venue.market().symbol}`,
      `Position: ${reading.position.toFixed()}`,
      `Take-profit orders (${closeSide}): ${reading.takeProfits} | total size: ${reading.takeProfitTotal.toFixed()}`,
      reading.mismatch
        ? `Verdict: MISMATCH — |position| and the take-profits differ by more than ${tolerance.toFixed()} ` +
          `(2 x --quantity), in ${checks} consecutive checks`
        : `Verdict: consistent (difference within ${tolerance.toFixed()}, 2 x --quantity)`,
    ];
    for (const line of lines) io.out(redactor.redact(line));
  }
  return reading.mismatch ? ExitCode.Safety : ExitCode.Ok;
}

export { Decimal };
