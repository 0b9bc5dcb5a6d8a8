/**
 * `perpbot cancel-all`: the emergency stop. Cancels every open order of the market and, with
 * `--close-position`, flattens the position with a reduce-only market order. Safe to run twice.
 * @module
 */
import { RealClock } from "../clock.ts";
import { ClientIds } from "../client_ids.ts";
import { ExitCode } from "../errors.ts";
import type { Clock } from "../clock.ts";
import { retry } from "../../exchanges/retry.ts";
import { asUnreachable, type CommandIo, connectTool, type EnvFileOptions } from "./common.ts";

/** Options of `cancel-all`, as typed. */
export interface CancelAllOptions extends EnvFileOptions {
  readonly exchange: string;
  readonly ticker: string;
  readonly closePosition: boolean;
  readonly logDir: string;
  readonly json: boolean;
}

/** Exit 0 when nothing is left open (and the position is flat with `--close-position`), 1 otherwise, 4 unreachable. */
export async function cancelAllCommand(
  opts: CancelAllOptions,
  io: CommandIo,
  clock: Clock = new RealClock(),
): Promise<ExitCode> {
  const { exchange, ticker, venue, redactor } = await connectTool(opts, io, clock);
  const lines: string[] = [];
  const report: Record<string, unknown> = { exchange, ticker, symbol: venue.market().symbol };
  const again = <T>(fn: () => Promise<T>) => retry(fn, { clock, attempts: 4, baseDelayMs: 500 });
  let exitCode: ExitCode = ExitCode.Ok;
  try {
    const cancelled = await again(() => venue.cancelAll());
    report.cancelled = cancelled.map((o) => ({
      orderId: o.orderId,
      side: o.side,
      price: o.price.toFixed(),
      quantity: o.quantity.toFixed(),
      filled: o.filled.toFixed(),
      status: o.status,
    }));
    if (cancelled.length === 0) lines.push(`No open orders on ${venue.market().symbol}`);
    for (const o of cancelled) {
      lines.push(
        `Cancelled ${o.orderId}: ${o.side} ${o.quantity} @ ${o.price} (filled ${o.filled}, now ${o.status})`,
      );
    }
    const left = await again(() => venue.openOrders());
    report.stillOpen = left.length;
    if (left.length > 0) {
      lines.push(`WARNING: ${left.length} orders are still open; run cancel-all again or check the venue`);
      exitCode = ExitCode.Unexpected;
    }
    if (opts.closePosition) {
      const position = await again(() => venue.position());
      report.positionBefore = position.toFixed();
      if (position.isZero()) {
        lines.push("Position is already flat");
        report.positionAfter = "0";
      } else {
        const side = position.isPos() ? "sell" : "buy";
        const clientId = new ClientIds().next();
        const order = await again(() =>
          venue.placeMarket({ side, quantity: position.abs(), reduceOnly: true, clientId })
        );
        const avg = order.avgPrice ?? order.price;
        lines.push(
          `Closed position ${position.toFixed()} with a market ${side}: filled ${order.filled} @ ${avg}`,
        );
        const after = await again(() => venue.position());
        report.close = {
          orderId: order.orderId,
          side,
          filled: order.filled.toFixed(),
          avgPrice: avg.toFixed(),
        };
        report.positionAfter = after.toFixed();
        if (!after.isZero()) {
          lines.push(`WARNING: position is ${after.toFixed()} after the market order; check the venue`);
          exitCode = ExitCode.Unexpected;
        } else lines.push("Position is now flat");
      }
    }
  } catch (e) {
    throw asUnreachable(e, `cancel-all on ${exchange} failed`);
  } finally {
    await venue.close();
  }
  if (opts.json) io.out(redactor.redact(JSON.stringify(report)));
  else for (const line of lines) io.out(redactor.redact(line));
  return exitCode;
}
