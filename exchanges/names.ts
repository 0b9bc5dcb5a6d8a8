/**
 * The venue names perpbot accepts, in one place.
 * @module
 */

/** Every venue name the CLI accepts, in the order `--help` lists them. */
export const EXCHANGE_NAMES = ["edgex", "backpack", "paradex", "aster", "lighter", "paper"] as const;

/** A supported venue name. */
export type ExchangeName = typeof EXCHANGE_NAMES[number];

/** Venues that support `--boost` (close every fill at once with a market order). */
export const BOOST_EXCHANGES: ReadonlySet<ExchangeName> = new Set(["aster", "backpack", "paper"]);

/** True when `name` is a supported venue name. */
export function isExchangeName(name: string): name is ExchangeName {
  return (EXCHANGE_NAMES as readonly string[]).includes(name);
}
