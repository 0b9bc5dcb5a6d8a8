/**
 * Errors raised by the Stark signing layers when an input cannot be signed as given.
 *
 * Each message names the field and the offending value, so a rejected order says what to fix. Secrets
 * (private keys) are never echoed: callers pass a description of the problem instead of the value.
 * @module
 */

/** An input to a signer is malformed: wrong shape, wrong characters, or an unsupported type. */
export class InvalidFieldError extends Error {
  /** The field that was refused, as the caller knows it (`size`, `message.market`, `starkPrivateKey`). */
  readonly field: string;

  /**
   * Builds the message `Invalid <field> <shown>: <reason>`.
   * @param field name of the refused field
   * @param shown the refused value as it may be shown (never a secret)
   * @param reason what is wrong with it
   */
  constructor(field: string, shown: string, reason: string, options?: ErrorOptions) {
    super(`Invalid ${field} ${shown}: ${reason}`, options);
    this.name = "InvalidFieldError";
    this.field = field;
  }
}

/** A value is outside the range its field allows (negative, not below the Stark prime, wider than its bits). */
export class FieldRangeError extends InvalidFieldError {
  /** See {@linkcode InvalidFieldError}. */
  constructor(field: string, shown: string, reason: string, options?: ErrorOptions) {
    super(field, shown, reason, options);
    this.name = "FieldRangeError";
  }
}

/** A decimal amount has more fractional digits than the venue's resolution can represent exactly. */
export class AmountPrecisionError extends InvalidFieldError {
  /** See {@linkcode InvalidFieldError}. */
  constructor(field: string, shown: string, reason: string, options?: ErrorOptions) {
    super(field, shown, reason, options);
    this.name = "AmountPrecisionError";
  }
}

/** Shortens a long value for an error message, so one bad field does not flood a log line. */
export function showValue(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
