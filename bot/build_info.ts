/**
 * Where this build came from. `deno task compile` writes the commit here for the binary it builds, then
 * restores this file.
 * @module
 */

/** Git commit the binary was built from; "source" when running from a checkout. */
export const COMMIT: string = "source";
