/**
 * Exit codes and the errors that map to them. Scripts and cron jobs depend on these numbers: never renumber.
 * @module
 */

/** Process exit codes. */
export enum ExitCode {
  /** Finished normally (including a clean stop on SIGINT/SIGTERM or `--duration`). */
  Ok = 0,
  /** An unexpected error: a bug or an unclassified failure. */
  Unexpected = 1,
  /** Invalid usage or configuration; nothing was sent to a venue. */
  Usage = 2,
  /** A safety stop: stop price reached, persistent position mismatch, or a take-profit that could not be placed. */
  Safety = 3,
  /** The venue could not be reached, or refused the credentials. */
  VenueUnreachable = 4,
  /** Interrupted by the user before the command could finish cleanly. */
  Interrupted = 130,
}

/** An invalid flag, environment variable or file, named together with the value that is wrong. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** The flag or variable at fault (`--quantity`, `TIMEZONE`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The bot stopped itself to protect the account. */
export class SafetyStopError extends Error {
  override name = "SafetyStopError";
}
