/**
 * Aster request signing, in its two modes.
 *
 * - **V1 (legacy HMAC key)**: `timestamp` (ms) and `recvWindow` are appended to the parameters, then
 *   `signature = hex(HMAC-SHA256(secretKey, totalParams))` where `totalParams` is the query string followed
 *   directly by the body (no `&` between them). The key travels in the `X-MBX-APIKEY` header.
 * - **V3 (API wallet, EIP-712)**: `nonce` (µs), `user` (main wallet) and `signer` (API wallet) are appended,
 *   and the whole parameter string is the `msg` of an EIP-712 `Message(string msg)` in the domain
 *   `AsterSignTransaction` v1 (chain 1666, testnet 714, verifying contract zero), signed by the API wallet.
 *
 * In both modes the signature is appended last (`&signature=…`) to exactly the string that was signed, and that
 * string is sent unchanged (as the query of a GET or DELETE, as the form body of a POST or PUT).
 *
 * Pure apart from the nonce counter: the caller passes the time.
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ConfigError } from "../../bot/errors.ts";
import {
  addressFromPrivateKey,
  hashTypedData,
  parseEvmPrivateKey,
  signDigest,
  toChecksumAddress,
  type TypedData,
} from "../evm/eip712.ts";

/** Default `recvWindow` of V1 signed requests, ms. */
export const DEFAULT_RECV_WINDOW_MS = 5000;
/** Largest `recvWindow` the venue accepts, ms. */
export const MAX_RECV_WINDOW_MS = 60_000;
/** EIP-712 chain id of V3 signatures on mainnet. */
export const ASTER_MAINNET_CHAIN_ID = 1666;
/** EIP-712 chain id of V3 signatures on testnet. */
export const ASTER_TESTNET_CHAIN_ID = 714;

/** Which credentials sign. */
export type AsterSigningMode = "v1" | "v3";

/** Thrown for parameters that cannot be encoded or signed. */
export class AsterSigningError extends Error {
  override name = "AsterSigningError";
}

/** One parameter value; `undefined` values are left out. */
export type ParamValue = string | number | bigint | boolean | undefined;

/** Parameters in the order they are sent. */
export type Params = ReadonlyArray<readonly [string, ParamValue]>;

/**
 * `k1=v1&k2=v2…` in the given order, values URL-encoded (RFC 3986 unreserved characters stay as they are).
 * Booleans are `true`/`false`; numbers must be finite integers (decimals travel as strings already).
 */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    if (value === undefined) continue;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) {
      throw new AsterSigningError(`Cannot encode parameter name "${key}": letters and digits only`);
    }
    parts.push(`${key}=${encodeURIComponent(formatValue(key, value))}`);
  }
  return parts.join("&");
}

function formatValue(key: string, value: Exclude<ParamValue, undefined>): string {
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isSafeInteger(value)) {
        throw new AsterSigningError(`Cannot encode parameter "${key}": ${value} is not a safe integer`);
      }
      return String(value);
    default:
      return value;
  }
}

/** `a&b`, skipping empty parts. */
export function joinParams(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("&");
}

/** Lower-case hex HMAC-SHA256 of `totalParams` (query string + body, no separator) under `secretKey`. */
export function hmacSignature(secretKey: string, totalParams: string): string {
  const enc = new TextEncoder();
  return bytesToHex(hmac(sha256, enc.encode(secretKey), enc.encode(totalParams)));
}

/** The EIP-712 typed data Aster V3 signs for the parameter string `msg`. */
export function asterTypedData(msg: string, chainId: number): TypedData {
  return {
    domain: {
      name: "AsterSignTransaction",
      version: "1",
      chainId,
      verifyingContract: "0x0000000000000000000000000000000000000000",
    },
    types: { Message: [{ name: "msg", type: "string" }] },
    primaryType: "Message",
    message: { msg },
  };
}

/** The 32-byte EIP-712 digest of `msg`. */
export function asterDigest(msg: string, chainId: number): Uint8Array {
  return hashTypedData(asterTypedData(msg, chainId));
}

/**
 * Strictly increasing nonces in microseconds: the clock's µs, or one more than the last nonce when the clock
 * has not moved on (two requests in the same µs, or a clock stepping back).
 */
export class NonceSource {
  #last = 0n;

  /** The next nonce for a clock reading of `nowMs` (fractions of a ms are kept). */
  next(nowMs: number): bigint {
    if (!Number.isFinite(nowMs) || nowMs < 0) {
      throw new AsterSigningError(`Cannot derive a nonce from time ${nowMs}`);
    }
    const us = BigInt(Math.floor(nowMs * 1000));
    this.#last = us > this.#last ? us : this.#last + 1n;
    return this.#last;
  }
}

/** The nonces of this process: every V3 signer shares them unless given its own, so none repeats. */
export const PROCESS_NONCES: NonceSource = new NonceSource();

/** A signed request: the parameter string to send (signature last) and the headers. */
export interface SignedRequest {
  readonly params: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A V3 nonce more than this far from the venue's time is refused, ms. */
export const NONCE_WINDOW_MS = 10_000;

/** Signs Aster requests in one mode. */
export interface AsterSigner {
  readonly mode: AsterSigningMode;
  /** How long after signing the venue still executes a request, ms (`recvWindow` in V1, the nonce window in V3). */
  readonly validityMs: number;
  /** Signs the encoded business parameters at clock time `nowMs`. */
  sign(params: string, nowMs: number): SignedRequest;
  /** Headers of a request that carries no signature (V1 listen-key calls need the key only). */
  keyHeaders(): Readonly<Record<string, string>>;
  /** A public description: mode and key or addresses, never a secret. */
  toString(): string;
}

/** V1: HMAC-SHA256 with an API key and secret. */
export class AsterHmacSigner implements AsterSigner {
  readonly mode = "v1" as const;
  readonly #apiKey: string;
  readonly #secret: string;
  readonly recvWindowMs: number;
  get validityMs(): number {
    return this.recvWindowMs;
  }

  /**
   * @param apiKey sent as `X-MBX-APIKEY`
   * @param secretKey HMAC key; never shown
   * @param recvWindowMs validity of each request, ms (1…60000)
   */
  constructor(apiKey: string, secretKey: string, recvWindowMs: number = DEFAULT_RECV_WINDOW_MS) {
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      throw new AsterSigningError("The Aster API key must be printable ASCII without spaces");
    }
    if (secretKey === "") throw new AsterSigningError("The Aster secret key is empty");
    if (!Number.isSafeInteger(recvWindowMs) || recvWindowMs < 1 || recvWindowMs > MAX_RECV_WINDOW_MS) {
      throw new AsterSigningError(`recvWindow must be 1…${MAX_RECV_WINDOW_MS} ms, got ${recvWindowMs}`);
    }
    this.#apiKey = apiKey;
    this.#secret = secretKey;
    this.recvWindowMs = recvWindowMs;
  }

  sign(params: string, nowMs: number): SignedRequest {
    if (!Number.isFinite(nowMs) || nowMs <= 0) throw new AsterSigningError(`Bad timestamp ${nowMs}`);
    const total = joinParams(params, `timestamp=${Math.floor(nowMs)}`, `recvWindow=${this.recvWindowMs}`);
    return {
      params: `${total}&signature=${hmacSignature(this.#secret, total)}`,
      headers: this.keyHeaders(),
    };
  }

  keyHeaders(): Readonly<Record<string, string>> {
    return { "X-MBX-APIKEY": this.#apiKey };
  }

  toString(): string {
    return "AsterHmacSigner(V1 API key)";
  }

  toJSON(): { mode: string } {
    return { mode: this.mode };
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** V3: an API wallet signing EIP-712 messages for a main wallet. */
export class AsterWalletSigner implements AsterSigner {
  readonly mode = "v3" as const;
  /** Checksummed main wallet address. */
  readonly user: string;
  /** Checksummed API wallet address. */
  readonly signer: string;
  readonly chainId: number;
  readonly validityMs = NONCE_WINDOW_MS;
  readonly #key: Uint8Array;
  readonly #nonces: NonceSource;

  /**
   * @throws AsterSigningError when an address or the key is malformed, or the key is not the signer's
   */
  constructor(
    user: string,
    signer: string,
    privateKey: string,
    chainId: number,
    nonces: NonceSource = PROCESS_NONCES,
  ) {
    this.user = toChecksumAddress(user, "user");
    this.signer = toChecksumAddress(signer, "signer");
    this.#key = parseEvmPrivateKey(privateKey, "signer private key");
    const derived = addressFromPrivateKey(this.#key);
    if (derived !== this.signer) {
      throw new AsterSigningError(
        `The API wallet key belongs to ${derived}, not to the signer ${this.signer}`,
      );
    }
    this.chainId = chainId;
    this.#nonces = nonces;
  }

  /** Signs `params` with the nonce for `nowMs`. */
  sign(params: string, nowMs: number): SignedRequest {
    return this.signWithNonce(params, this.#nonces.next(nowMs));
  }

  /** Signs `params` with an explicit nonce (known-answer tests). */
  signWithNonce(params: string, nonce: bigint): SignedRequest {
    const msg = joinParams(params, `nonce=${nonce}`, `user=${this.user}`, `signer=${this.signer}`);
    return { params: `${msg}&signature=${this.signMessage(msg)}`, headers: {} };
  }

  /** `0x` + r ‖ s ‖ v of the EIP-712 message `msg`. */
  signMessage(msg: string): string {
    return signDigest(asterDigest(msg, this.chainId), this.#key);
  }

  keyHeaders(): Readonly<Record<string, string>> {
    return {};
  }

  toString(): string {
    return `AsterWalletSigner(user ${this.user}, signer ${this.signer}, chain ${this.chainId})`;
  }

  toJSON(): { mode: string; user: string; signer: string } {
    return { mode: this.mode, user: this.user, signer: this.signer };
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/**
 * The signer the environment selects: V3 when `ASTER_USER`, `ASTER_SIGNER` and `ASTER_SIGNER_PRIVATE_KEY` are
 * all set, else V1 from `ASTER_API_KEY` and `ASTER_SECRET_KEY`.
 * @param chainId EIP-712 chain id for V3
 * @throws ConfigError naming the missing or invalid variable (never its value when it is a secret)
 */
export function asterSignerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  chainId: number,
  recvWindowMs: number = DEFAULT_RECV_WINDOW_MS,
): AsterSigner {
  const user = read(env, "ASTER_USER");
  const signer = read(env, "ASTER_SIGNER");
  const key = read(env, "ASTER_SIGNER_PRIVATE_KEY");
  const apiKey = read(env, "ASTER_API_KEY");
  const secret = read(env, "ASTER_SECRET_KEY");
  const v3Complete = user !== undefined && signer !== undefined && key !== undefined;
  const v1Complete = apiKey !== undefined && secret !== undefined;
  if (v3Complete) {
    for (const [name, value] of [["ASTER_USER", user], ["ASTER_SIGNER", signer]] as const) {
      try {
        toChecksumAddress(value, name);
      } catch {
        // Only what has the shape of an address is quoted: a private key pasted here must not be shown.
        const shown = /^0x[0-9a-fA-F]{40}$/.test(value)
          ? `"${value}"`
          : `a value of ${value.length} characters`;
        throw new ConfigError(name, `${shown} is not an address (0x + 40 hex digits, valid checksum)`);
      }
    }
    try {
      parseEvmPrivateKey(key, "ASTER_SIGNER_PRIVATE_KEY");
    } catch {
      throw new ConfigError("ASTER_SIGNER_PRIVATE_KEY", "is not a secp256k1 private key (64 hex digits)");
    }
    try {
      return new AsterWalletSigner(user, signer, key, chainId);
    } catch (e) {
      throw new ConfigError("ASTER_SIGNER", e instanceof Error ? e.message : String(e));
    }
  }
  if (v1Complete) {
    try {
      return new AsterHmacSigner(apiKey, secret, recvWindowMs);
    } catch {
      throw new ConfigError(
        "ASTER_API_KEY",
        "is not a valid Aster API key (printable characters, no spaces)",
      );
    }
  }
  // Name the first missing variable of the mode the user seems to have meant.
  const partialV3 = user !== undefined || signer !== undefined || key !== undefined;
  if (partialV3 || apiKey === undefined && secret === undefined) {
    const missing = user === undefined
      ? "ASTER_USER"
      : signer === undefined
      ? "ASTER_SIGNER"
      : "ASTER_SIGNER_PRIVATE_KEY";
    throw new ConfigError(
      missing,
      "is required: Aster needs ASTER_USER, ASTER_SIGNER and ASTER_SIGNER_PRIVATE_KEY (V3 API wallet), " +
        "or ASTER_API_KEY and ASTER_SECRET_KEY (legacy V1 key)",
    );
  }
  throw new ConfigError(
    apiKey === undefined ? "ASTER_API_KEY" : "ASTER_SECRET_KEY",
    "is required: ASTER_API_KEY and ASTER_SECRET_KEY come as a pair",
  );
}
