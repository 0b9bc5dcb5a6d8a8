/**
 * Backpack request signing: ED25519 over a plain-text "instruction string".
 *
 * The string is `instruction=<name>&<params sorted by key>&timestamp=<ms>&window=<ms>`, with booleans
 * written `true`/`false`, numbers in decimal and strings raw (not URL-encoded). The signature travels
 * base64-encoded in `X-Signature`, next to `X-API-Key` (the base64 public key), `X-Timestamp` and
 * `X-Window`. The private stream
 * subscription signs `instruction=subscribe&timestamp=…&window=…` the same way.
 *
 * Pure: no clock, no I/O; the caller passes the timestamp.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { ConfigError } from "../../bot/errors.ts";

/** Default validity window of a signed request, ms (the venue's default). */
export const DEFAULT_WINDOW_MS = 5000;
/** Largest validity window the venue accepts, ms. */
export const MAX_WINDOW_MS = 60_000;

/** A value that may appear in a signed request. */
export type SignedValue = string | number | bigint | boolean;

/** Parameters of a signed request: the JSON body fields, or the query fields of a GET. */
export type SignedParams = Readonly<Record<string, SignedValue | undefined>>;

/** The authentication headers of one request. */
export interface BackpackAuthHeaders {
  readonly "X-API-Key": string;
  readonly "X-Signature": string;
  readonly "X-Timestamp": string;
  readonly "X-Window": string;
}

/** A signed request: the exact text that was signed, and the headers to send. */
export interface BackpackSignedRequest {
  readonly signingString: string;
  readonly headers: BackpackAuthHeaders;
}

/** Thrown for parameters that cannot be signed (an object, NaN, a bad window or timestamp). */
export class BackpackSigningError extends Error {
  override name = "BackpackSigningError";
}

/**
 * The instruction string for `instruction` with `params`, signed at `timestampMs` for `windowMs`.
 *
 * Parameters whose value is `undefined` are left out, as they are left out of the JSON body.
 */
export function backpackSigningString(
  instruction: string,
  params: SignedParams,
  timestampMs: number | bigint,
  windowMs: number = DEFAULT_WINDOW_MS,
): string {
  if (!/^[A-Za-z]+$/.test(instruction)) {
    throw new BackpackSigningError(`Backpack instruction "${instruction}" must be letters only`);
  }
  checkTimestamp(timestampMs);
  checkWindow(windowMs);
  let s = `instruction=${instruction}`;
  const keys = Object.keys(params).filter((k) => params[k] !== undefined);
  // Byte-wise order: keys are ASCII, where UTF-16 code-unit order is byte order.
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) s += `&${key}=${formatValue(key, params[key]!)}`;
  return `${s}&timestamp=${timestampMs}&window=${windowMs}`;
}

function formatValue(key: string, value: SignedValue): string {
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isFinite(value)) {
        throw new BackpackSigningError(`Cannot sign parameter "${key}": ${value} is not a finite number`);
      }
      return String(value);
    case "string":
      return value;
    default:
      throw new BackpackSigningError(
        `Cannot sign parameter "${key}": a ${typeof value} is not a plain value`,
      );
  }
}

function checkTimestamp(timestampMs: number | bigint): void {
  const ok = typeof timestampMs === "bigint"
    ? timestampMs >= 0n
    : Number.isSafeInteger(timestampMs) && timestampMs >= 0;
  if (!ok) throw new BackpackSigningError(`Backpack timestamp ${timestampMs} must be whole ms >= 0`);
}

function checkWindow(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0 || windowMs > MAX_WINDOW_MS) {
    throw new BackpackSigningError(`Backpack window ${windowMs} must be whole ms in 1..${MAX_WINDOW_MS}`);
  }
}

/** Standard base64 of bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Bytes of standard base64 text, or `undefined` when the text is not base64. Padding may be left out (as
 * `config validate` accepts), but when present it must be complete.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1 || (text.length !== body.length && text.length % 4 !== 0)) return undefined;
  let binary: string;
  try {
    binary = atob(body + "=".repeat((4 - (body.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** True when `signatureB64` is a valid ED25519 signature of `message` by `publicKeyB64`. Never throws. */
export function verifyBackpackSignature(
  publicKeyB64: string,
  message: string,
  signatureB64: string,
): boolean {
  const pub = base64ToBytes(publicKeyB64);
  const sig = base64ToBytes(signatureB64);
  if (pub === undefined || sig === undefined || pub.length !== 32 || sig.length !== 64) return false;
  try {
    return ed25519.verify(sig, new TextEncoder().encode(message), pub);
  } catch {
    return false;
  }
}

/** Name of the variable holding the base64 secret key (the 32-byte seed). */
export const BACKPACK_SECRET_KEY_VAR = "BACKPACK_SECRET_KEY";
/** Name of the variable holding the public key (the API key). */
export const BACKPACK_PUBLIC_KEY_VAR = "BACKPACK_PUBLIC_KEY";

/**
 * Signs Backpack requests with one ED25519 key.
 *
 * The seed lives in a private field and is never part of the object's string, JSON or inspected form.
 */
export class BackpackSigner {
  readonly #seed: Uint8Array;
  readonly #publicKey: string;

  /**
   * `secretKeyB64` is the base64 of the 32-byte seed. When `publicKeyB64` is given it must equal the key
   * derived from the seed. Errors name the variable at fault and never contain a key.
   * @throws ConfigError for a missing, malformed or mismatched key
   */
  constructor(secretKeyB64: string, publicKeyB64?: string) {
    const secret = secretKeyB64.trim();
    if (secret === "") {
      throw new ConfigError(
        BACKPACK_SECRET_KEY_VAR,
        "is required: the base64 ED25519 secret key from Backpack",
      );
    }
    const seed = base64ToBytes(secret);
    if (seed === undefined) throw new ConfigError(BACKPACK_SECRET_KEY_VAR, "is not valid base64");
    if (seed.length !== 32) {
      throw new ConfigError(
        BACKPACK_SECRET_KEY_VAR,
        `must decode to a 32-byte ED25519 seed, got ${seed.length} bytes` +
          (seed.length === 64 ? " (64 bytes is a seed followed by its public key: keep the first 32)" : ""),
      );
    }
    this.#seed = seed;
    this.#publicKey = bytesToBase64(ed25519.getPublicKey(seed));
    if (publicKeyB64 !== undefined) {
      const given = publicKeyB64.trim();
      if (given === "") {
        throw new ConfigError(BACKPACK_PUBLIC_KEY_VAR, "is required: the base64 API key from Backpack");
      }
      const bytes = base64ToBytes(given);
      if (bytes === undefined || bytes.length !== 32) {
        throw new ConfigError(BACKPACK_PUBLIC_KEY_VAR, "must be the base64 of a 32-byte ED25519 public key");
      }
      if (bytesToBase64(bytes) !== this.#publicKey) {
        throw new ConfigError(
          BACKPACK_PUBLIC_KEY_VAR,
          `does not match the public key derived from ${BACKPACK_SECRET_KEY_VAR}; ` +
            "check that both come from the same Backpack API key",
        );
      }
    }
  }

  /**
   * A signer from `BACKPACK_SECRET_KEY` and `BACKPACK_PUBLIC_KEY`, both required.
   * @throws ConfigError naming the missing or wrong variable
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): BackpackSigner {
    const secret = env[BACKPACK_SECRET_KEY_VAR];
    const pub = env[BACKPACK_PUBLIC_KEY_VAR];
    if (secret === undefined || secret.trim() === "") {
      throw new ConfigError(
        BACKPACK_SECRET_KEY_VAR,
        "is required: the base64 ED25519 secret key from Backpack",
      );
    }
    if (pub === undefined || pub.trim() === "") {
      throw new ConfigError(BACKPACK_PUBLIC_KEY_VAR, "is required: the base64 API key from Backpack");
    }
    return new BackpackSigner(secret, pub);
  }

  /** The base64 public key, sent as `X-API-Key`. */
  get publicKey(): string {
    return this.#publicKey;
  }

  /** Base64 ED25519 signature of `message` (UTF-8). */
  signText(message: string): string {
    return bytesToBase64(ed25519.sign(new TextEncoder().encode(message), this.#seed));
  }

  /** Signs one REST request. */
  sign(
    instruction: string,
    params: SignedParams,
    timestampMs: number,
    windowMs: number = DEFAULT_WINDOW_MS,
  ): BackpackSignedRequest {
    const signingString = backpackSigningString(instruction, params, timestampMs, windowMs);
    return {
      signingString,
      headers: {
        "X-API-Key": this.#publicKey,
        "X-Signature": this.signText(signingString),
        "X-Timestamp": String(timestampMs),
        "X-Window": String(windowMs),
      },
    };
  }

  /**
   * The `signature` array of a private stream subscription: `[publicKey, signature, timestamp, window]`, over
   * `instruction=subscribe&timestamp=…&window=…`.
   */
  streamSignature(
    timestampMs: number,
    windowMs: number = DEFAULT_WINDOW_MS,
  ): [string, string, string, string] {
    const signed = this.sign("subscribe", {}, timestampMs, windowMs);
    return [this.#publicKey, signed.headers["X-Signature"], String(timestampMs), String(windowMs)];
  }

  /** Only the public key: the seed is never shown. */
  toString(): string {
    return `BackpackSigner(${this.#publicKey})`;
  }

  /** Only the public key: the seed is never serialised. */
  toJSON(): { publicKey: string } {
    return { publicKey: this.#publicKey };
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
