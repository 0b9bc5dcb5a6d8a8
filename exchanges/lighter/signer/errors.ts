/**
 * Errors raised by the Lighter signer. Messages name the field and the offending value, except for secrets:
 * a private key or seed never appears in a message.
 * @module
 */

/** A private key or seed could not be parsed or is unusable (the message never contains the secret). */
export class LighterKeyError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LighterKeyError";
  }
}

/** A byte string (public key, hash, signature) has the wrong length or a non-canonical encoding. */
export class LighterEncodingError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LighterEncodingError";
  }
}

/** A transaction field is outside the range lighter-go's `Validate()` accepts; nothing was signed. */
export class LighterTxValidationError extends Error {
  /** Transaction kind, e.g. `CreateOrder`. */
  readonly tx: string;
  /** Field name as it appears in tx_info, e.g. `Price`, or `L2TxAttributes[5]`. */
  readonly field: string;
  /** The rejected value. */
  readonly value: unknown;

  /** Creates the error; `reason` says which rule failed. */
  constructor(tx: string, field: string, value: unknown, reason: string) {
    super(`Invalid Lighter ${tx}: ${field} = ${formatValue(value)} (${reason})`);
    this.name = "LighterTxValidationError";
    this.tx = tx;
    this.field = field;
    this.value = value;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
