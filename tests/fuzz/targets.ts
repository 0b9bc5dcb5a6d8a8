/**
 * Building blocks of the venue parser fuzz tests: the mutations that keep an input's kind (an object at the
 * root, a body text), a REST target fed both as values and as body text, and the checks every venue's parsed
 * values share (finite decimals, an uncrossed BBO).
 * @module
 */
import type { Decimal } from "../../exchanges/decimal.ts";
import { VenueDataError } from "../../exchanges/venue.ts";
import assert from "node:assert/strict";
import { fuzz, type FuzzTarget, mutateMany, mutateText, type Prng } from "./mutate.ts";

/** True for the venue's data error, the one error a parser documents. */
export const isDataError = (e: unknown): boolean => e instanceof VenueDataError;

/** The sides of a normalised order. */
export const SIDES: ReadonlySet<string> = new Set(["buy", "sell"]);

/** The statuses of a normalised order. */
export const STATUSES: ReadonlySet<string> = new Set([
  "OPEN",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "REJECTED",
]);

/** Problems of a decimal that the bot would compute with. */
export function decimalProblems(
  name: string,
  d: unknown,
  bound: "positive" | "nonNegative" | "any",
): string[] {
  if (typeof d !== "object" || d === null || typeof (d as Decimal).isFinite !== "function") {
    return [`${name} is not a Decimal`];
  }
  const x = d as Decimal;
  if (x.isNaN() || !x.isFinite()) return [`${name} ${x} is not finite`];
  if (bound === "positive" && !x.gt(0)) return [`${name} ${x} is not > 0`];
  if (bound === "nonNegative" && x.lt(0)) return [`${name} ${x} is negative`];
  return [];
}

/** Problems of a best bid and offer: both positive and finite, bid below ask. */
export function bboProblems(out: unknown): string[] {
  const b = out as { bid: Decimal; ask: Decimal };
  const p = [...decimalProblems("bid", b.bid, "positive"), ...decimalProblems("ask", b.ask, "positive")];
  if (p.length === 0 && !b.bid.lt(b.ask)) p.push(`crossed: bid ${b.bid} >= ask ${b.ask}`);
  return p;
}

/** Mutated data that stays an object at the root (a stream hands only objects to its event parsers). */
export function mutateObject(
  sample: Record<string, unknown>,
  rng: Prng,
): { value: Record<string, unknown>; what: string } {
  for (;;) {
    const m = mutateMany(sample, rng);
    if (typeof m.value === "object" && m.value !== null && !Array.isArray(m.value)) {
      return m as { value: Record<string, unknown>; what: string };
    }
  }
}

/** Text mutated as a network would break it, or the JSON of a mutated value. */
export function mutateTextOrValue(sample: string, rng: Prng): { value: string; what: string } {
  let json: unknown;
  try {
    json = JSON.parse(sample);
  } catch {
    json = undefined;
  }
  if (json === undefined || rng.chance(0.5)) {
    const m = mutateText(sample, rng);
    return { value: m.text, what: m.what };
  }
  const m = mutateMany(json, rng);
  // JSON.stringify writes NaN and Infinity as null, and may leave nothing for undefined.
  return { value: JSON.stringify(m.value) ?? "", what: m.what };
}

/** A REST parser, given values and given the body text as the HTTP layer reads it (text → JSON.parse). */
export function restTarget<T>(
  name: string,
  samples: readonly T[],
  parse: (json: unknown) => unknown,
  check: (out: unknown) => string[],
): FuzzTarget<unknown>[] {
  return [
    { name, samples, parse, allowed: isDataError, check },
    {
      name: `${name} (body text)`,
      samples: samples.map((s) => JSON.stringify(s)),
      mutate: (s, rng) => mutateTextOrValue(s as string, rng),
      parse: (text) => {
        let json: unknown;
        try {
          json = JSON.parse(text as string);
        } catch {
          // HttpResponse.json() refuses this body with VenueDataError before any parser runs.
          throw new VenueDataError("not JSON");
        }
        return parse(json);
      },
      allowed: isDataError,
      check,
    },
  ];
}

/**
 * Registers one test per target: `iterations` mutated inputs from `seed`, each refused with the documented
 * error or parsed into a valid value; the run must both refuse and accept, so the check is not vacuous.
 */
export function fuzzTargetTests(
  venue: string,
  targets: readonly FuzzTarget<unknown>[],
  seed: number,
  iterations: number,
): void {
  for (const target of targets) {
    Deno.test(`${venue} fuzz: ${target.name} refuses bad data or returns valid values (${iterations} inputs)`, () => {
      const report = fuzz(target, seed, iterations);
      if (target.neverRefuses !== true) assert.ok(report.refused > 0, `${target.name}: nothing refused`);
      assert.ok(report.acceptedMutated > 0, `${target.name}: no mutated input accepted`);
    });
  }
}
