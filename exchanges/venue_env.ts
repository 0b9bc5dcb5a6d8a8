/**
 * Readers of a venue's environment variables (hosts, timeouts): each returns the checked value, its default
 * when the variable is unset or blank, or throws a {@link ConfigError} naming the variable.
 * @module
 */
import { ConfigError } from "../bot/errors.ts";

/** A venue's environment, as in a `VenueContext`. */
export type VenueEnv = Readonly<Record<string, string>>;

/** A short word is quoted so a typo shows; anything longer may be a secret pasted in the wrong place. */
export function shown(raw: string): string {
  return /^[A-Za-z0-9_.+-]{1,12}$/.test(raw) ? `"${raw}"` : `a value of ${raw.length} characters`;
}

/** How {@link url} checks a URL beyond its scheme. */
export interface UrlOptions {
  /** Refuse a path: the client adds the paths per request. */
  readonly hostOnly?: boolean;
}

/**
 * The URL in variable `name` without trailing slashes, or `fallback` when unset; its protocol must be one of
 * `schemes` (`["https:", "http:"]`), and it may carry no query or fragment.
 * @throws ConfigError naming the variable
 */
export function url(
  env: VenueEnv,
  name: string,
  fallback: string,
  schemes: string[],
  options: UrlOptions = {},
): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `${shown(raw)} is not a URL`);
  }
  if (!schemes.includes(parsed.protocol)) {
    const where = `"${parsed.protocol}//${parsed.host}"`;
    throw new ConfigError(name, `${where} must start with ${schemes.map((s) => `${s}//`).join(" or ")}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // A credential in the URL would be printed with it in every connection message.
    throw new ConfigError(
      name,
      `must not carry a user name or password (${parsed.protocol}//${parsed.host})`,
    );
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new ConfigError(name, `"${parsed.origin}${parsed.pathname}" must not carry a query or fragment`);
  }
  if (options.hostOnly === true && parsed.pathname !== "/" && parsed.pathname !== "") {
    throw new ConfigError(
      name,
      `"${parsed.origin}${parsed.pathname}" must be a host without a path (the paths are added per request)`,
    );
  }
  return raw.replace(/\/+$/, "");
}

/**
 * The whole number of milliseconds >= 1 in variable `name` (at most `max` when given), or `undefined` when
 * unset.
 * @throws ConfigError naming the variable
 */
export function positiveMs(env: VenueEnv, name: string, max?: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(name, `${shown(raw)} must be a whole number of milliseconds >= 1`);
  }
  if (max !== undefined && Number(raw) > max) {
    throw new ConfigError(name, `"${raw}" must be at most ${max} ms`);
  }
  return Number(raw);
}
