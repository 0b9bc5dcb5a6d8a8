/**
 * The environment variables perpbot reads, in one list: `main.ts` reads exactly these from the process, and
 * the release build grants exactly these (`--allow-env=`).
 * @module
 */
import { COMMON_ENV_VARS, VENUE_ENV_VARS } from "./env_checks.ts";
import type { Env } from "./env.ts";

/** Variables of the paper venue (it needs no credentials). */
export const PAPER_ENV_VARS: readonly string[] = ["PAPER_SEED"];

/** Every variable perpbot may read, each once, sorted. */
export const ALL_ENV_VARS: readonly string[] = [
  ...new Set([...COMMON_ENV_VARS, ...Object.values(VENUE_ENV_VARS).flat(), ...PAPER_ENV_VARS]),
].sort();

/** Reads the listed variables from the process environment; unset ones are left out. */
export function readEnv(
  names: readonly string[],
  get: (name: string) => string | undefined = Deno.env.get,
): Env {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
