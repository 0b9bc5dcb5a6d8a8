/**
 * What a run did, computed from the fills the bot observed: counts, volume, fees and realised PnL.
 * @module
 */
import { Decimal, ZERO } from "../exchanges/decimal.ts";
import type { Side } from "../exchanges/venue.ts";

/** Realised PnL by average cost over the fills of one run. */
export class PnlBook {
  position: Decimal = ZERO;
  avgEntry: Decimal = ZERO;
  realized: Decimal = ZERO;
  fees: Decimal = ZERO;
  volume: Decimal = ZERO;

  /** Records a fill of `quantity` at `price` paying `fee` (quote units). */
  fill(side: Side, quantity: Decimal, price: Decimal, fee: Decimal): void {
    const signed = side === "buy" ? quantity : quantity.neg();
    const next = this.position.plus(signed);
    if (this.position.isZero() || this.position.isNeg() === signed.isNeg()) {
      this.avgEntry = this.position.abs().mul(this.avgEntry).plus(quantity.mul(price)).div(next.abs());
    } else {
      const closed = Decimal.min(this.position.abs(), quantity);
      const perUnit = this.position.isPos() ? price.minus(this.avgEntry) : this.avgEntry.minus(price);
      this.realized = this.realized.plus(perUnit.mul(closed));
      if (next.isZero()) this.avgEntry = ZERO;
      else if (next.isNeg() !== this.position.isNeg()) this.avgEntry = price;
    }
    this.position = next;
    this.fees = this.fees.plus(fee);
    this.volume = this.volume.plus(quantity.mul(price));
  }

  /** Records a fee reported after its fill (venues that send fees apart from the fill itself). */
  fee(amount: Decimal): void {
    this.fees = this.fees.plus(amount);
  }
}

/** Counters and money of one run. */
export class RunStats {
  openOrdersPlaced = 0;
  openOrdersFilled = 0;
  openOrdersPartial = 0;
  takeProfitsPlaced = 0;
  takeProfitsFilled = 0;
  boostCycles = 0;
  readonly all = new PnlBook();
  readonly boost = new PnlBook();
}

/** The summary printed when a run ends. */
export function formatSummary(
  stats: RunStats,
  extra: { restingTakeProfits: number; positionLeft: Decimal | undefined; boost: boolean; elapsed: string },
): string {
  const money = (d: Decimal) => d.toDecimalPlaces(4).toFixed();
  const lines = [
    "=== Summary ===",
    `Run time: ${extra.elapsed}`,
    `Open orders placed: ${stats.openOrdersPlaced} | filled: ${stats.openOrdersFilled} | ` +
    `partially filled then cancelled: ${stats.openOrdersPartial}`,
    `Take-profits placed: ${stats.takeProfitsPlaced} | filled: ${stats.takeProfitsFilled} | ` +
    `resting: ${extra.restingTakeProfits}`,
    `Volume: ${money(stats.all.volume)} | Fees: ${money(stats.all.fees)} | ` +
    `Realised PnL: ${money(stats.all.realized)} | Net after fees: ${
      money(stats.all.realized.minus(stats.all.fees))
    }`,
  ];
  if (extra.boost) {
    lines.push(
      `Boost cycles: ${stats.boostCycles} | volume: ${money(stats.boost.volume)} | fees: ${
        money(stats.boost.fees)
      } | net PnL: ${money(stats.boost.realized.minus(stats.boost.fees))}`,
    );
  }
  lines.push(`Position left: ${extra.positionLeft === undefined ? "unknown" : extra.positionLeft.toFixed()}`);
  lines.push("===============");
  return lines.join("\n");
}
