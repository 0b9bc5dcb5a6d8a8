/**
 * The offline half of `perpbot config validate`: for one venue, is every environment variable it needs
 * present and well formed? No network is used; keys are parsed by the same functions the signers use, so a
 * key that passes here is a key the signer accepts.
 *
 * Rules that are decisions of perpbot rather than of a venue:
 * - Values are trimmed, and an empty value counts as not set (as the notifier and the settings loader do).
 * - Aster: V3 (API wallet, EIP-712) wins over V1 (HMAC) when both are complete; EdgeX: V2 (HMAC + EIP-712)
 *   wins over V1 (Stark key). A half-configured mode is an error even when the other mode is complete,
 *   because a stray variable usually means a copy-paste mistake.
 * - `PARADEX_ENVIRONMENT`, `ASTER_ENVIRONMENT` and `LIGHTER_ENVIRONMENT` accept only the lower-case names in
 *   {@linkcode VENUE_ENVIRONMENTS}; an unknown value is refused (the Python original silently used testnet).
 * - Stark private keys must be in [1, n) for the curve order n (below the field prime p), as the signer
 *   requires.
 * - Messages never contain a secret: invalid values are described by their shape, never echoed, and every
 *   message also passes through a {@linkcode Redactor} holding the secret values as a second line of defence.
 *   Addresses, account ids, indexes and public keys are shown.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { addressFromPrivateKey, parseEvmPrivateKey, toChecksumAddress } from "../exchanges/evm/eip712.ts";
import { MAX_ACCOUNT_INDEX, MAX_API_KEY_INDEX } from "../exchanges/lighter/signer/constants.ts";
import { LighterPrivateKey } from "../exchanges/lighter/signer/keys.ts";
import type { ExchangeName } from "../exchanges/names.ts";
import { parseStarkPrivateKey, starkPublicKey } from "../exchanges/stark/ecdsa.ts";
import { CURVE_ORDER, feltToHex, FIELD_PRIME } from "../exchanges/stark/felt.ts";
import { DEFAULT_TIMEZONE, parseEnvSettings } from "./config.ts";
import { ConfigError } from "./errors.ts";
import { Redactor } from "./redact.ts";

/** Outcome of one check: `warning` does not fail validation, `missing` and `invalid` do. */
export type CheckStatus = "ok" | "missing" | "invalid" | "warning";

/** One line of the report: a variable, its status, and what is wrong and how to fix it. */
export interface EnvCheck {
  readonly variable: string;
  readonly status: CheckStatus;
  /** Never contains a secret value or any part of one. */
  readonly message: string;
}

/** Result of checking one venue's environment. */
export interface EnvReport {
  readonly exchange: ExchangeName;
  /** The credential mode on venues that have two, e.g. Aster `V3 API wallet (EIP-712)` or `V1 HMAC`. */
  readonly mode?: string;
  readonly checks: readonly EnvCheck[];
  /** True when no check is `missing` or `invalid`. */
  readonly ok: boolean;
}

/** Variables read regardless of venue (log naming, time zone, notifications). */
export const COMMON_ENV_VARS: readonly string[] = [
  "ACCOUNT_NAME",
  "TIMEZONE",
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_CHAT_ID",
  "TELEGRAM_BASE_URL",
  "LARK_TOKEN",
  "LARK_BASE_URL",
];

/** Every environment variable name perpbot may read for each venue (for docs and `--allow-env`). */
export const VENUE_ENV_VARS: Readonly<Record<ExchangeName, readonly string[]>> = {
  edgex: [
    "EDGEX_ACCOUNT_ID",
    "EDGEX_STARK_PRIVATE_KEY",
    "EDGEX_API_KEY",
    "EDGEX_API_SECRET",
    "EDGEX_API_PASSPHRASE",
    "EDGEX_SIGNER_PRIVATE_KEY",
    "EDGEX_SIGNER_ADDRESS",
    "EDGEX_BASE_URL",
    "EDGEX_WS_URL",
  ],
  backpack: [
    "BACKPACK_PUBLIC_KEY",
    "BACKPACK_SECRET_KEY",
    "BACKPACK_BASE_URL",
    "BACKPACK_WS_URL",
    "BACKPACK_WS_STALE_MS",
    "BACKPACK_HTTP_TIMEOUT_MS",
  ],
  paradex: [
    "PARADEX_L1_ADDRESS",
    "PARADEX_L2_PRIVATE_KEY",
    "PARADEX_L2_ADDRESS",
    "PARADEX_ENVIRONMENT",
    "PARADEX_BASE_URL",
    "PARADEX_WS_URL",
  ],
  aster: [
    "ASTER_USER",
    "ASTER_SIGNER",
    "ASTER_SIGNER_PRIVATE_KEY",
    "ASTER_API_KEY",
    "ASTER_SECRET_KEY",
    "ASTER_ENVIRONMENT",
    "ASTER_BASE_URL",
    "ASTER_WS_URL",
    "ASTER_HTTP_TIMEOUT_MS",
    "ASTER_WS_STALE_MS",
    "ASTER_RECV_WINDOW_MS",
  ],
  lighter: [
    "API_KEY_PRIVATE_KEY",
    "LIGHTER_ACCOUNT_INDEX",
    "LIGHTER_API_KEY_INDEX",
    "LIGHTER_ENVIRONMENT",
    "LIGHTER_BASE_URL",
    "LIGHTER_WS_URL",
  ],
  paper: [],
};

/** Variables whose values are secrets: never shown, and redacted from every message. */
export const SECRET_ENV_VARS: readonly string[] = [
  "BACKPACK_SECRET_KEY",
  "ASTER_SIGNER_PRIVATE_KEY",
  "ASTER_API_KEY",
  "ASTER_SECRET_KEY",
  "API_KEY_PRIVATE_KEY",
  "PARADEX_L2_PRIVATE_KEY",
  "EDGEX_STARK_PRIVATE_KEY",
  "EDGEX_API_KEY",
  "EDGEX_API_SECRET",
  "EDGEX_API_PASSPHRASE",
  "EDGEX_SIGNER_PRIVATE_KEY",
  "TELEGRAM_BOT_TOKEN",
  "LARK_TOKEN",
];

/** A deployment selector: its variable, the accepted values, and the value used when it is not set. */
export interface EnvironmentSetting {
  readonly variable: string;
  readonly values: readonly string[];
  readonly default: string;
}

/** The `<VENUE>_ENVIRONMENT` variables and their accepted values. */
export const VENUE_ENVIRONMENTS: Readonly<Partial<Record<ExchangeName, EnvironmentSetting>>> = {
  paradex: { variable: "PARADEX_ENVIRONMENT", values: ["prod", "testnet"], default: "prod" },
  aster: { variable: "ASTER_ENVIRONMENT", values: ["mainnet", "testnet"], default: "mainnet" },
  lighter: { variable: "LIGHTER_ENVIRONMENT", values: ["mainnet", "testnet"], default: "mainnet" },
};

/** Aster credential modes: `v3` = API wallet signing EIP-712, `v1` = legacy HMAC key. */
export type AsterMode = "v3" | "v1";

/** EdgeX credential modes: `v2` = HMAC API key + EIP-712 signer key, `v1` = StarkEx Stark key. */
export type EdgexMode = "v2" | "v1";

interface ModeSpec<M extends string> {
  readonly mode: M;
  readonly label: string;
  readonly vars: readonly string[];
}

const ASTER_MODES: readonly ModeSpec<AsterMode>[] = [
  {
    mode: "v3",
    label: "V3 API wallet (EIP-712)",
    vars: ["ASTER_USER", "ASTER_SIGNER", "ASTER_SIGNER_PRIVATE_KEY"],
  },
  { mode: "v1", label: "V1 HMAC", vars: ["ASTER_API_KEY", "ASTER_SECRET_KEY"] },
];

const EDGEX_MODES: readonly ModeSpec<EdgexMode>[] = [
  {
    mode: "v2",
    label: "V2 API key (HMAC + EIP-712)",
    vars: ["EDGEX_API_KEY", "EDGEX_API_SECRET", "EDGEX_API_PASSPHRASE", "EDGEX_SIGNER_PRIVATE_KEY"],
  },
  { mode: "v1", label: "V1 Stark key (StarkEx)", vars: ["EDGEX_STARK_PRIVATE_KEY"] },
];

/** What each required variable holds, for "not set" messages. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  BACKPACK_PUBLIC_KEY: "the API key of your Backpack API key pair (base64 of the 32-byte ed25519 public key)",
  BACKPACK_SECRET_KEY: "the API secret of the same Backpack key pair (base64 of the 32-byte ed25519 seed)",
  ASTER_USER: "the address of your Aster main wallet (0x + 40 hex digits)",
  ASTER_SIGNER: "the address of the API wallet created at asterdex.com → API wallet (Pro API)",
  ASTER_SIGNER_PRIVATE_KEY: "the private key of that API wallet (64 hex digits)",
  ASTER_API_KEY: "the V1 API key",
  ASTER_SECRET_KEY: "the V1 API secret",
  API_KEY_PRIVATE_KEY: "the Lighter API private key (80 hex digits)",
  LIGHTER_ACCOUNT_INDEX:
    "your Lighter account index (see https://mainnet.zklighter.elliot.ai/api/v1/account" +
    "?by=l1_address&value=<your address>)",
  LIGHTER_API_KEY_INDEX: "the index (4 to 254) under which the API key is registered",
  PARADEX_L1_ADDRESS: "the Ethereum address of the wallet that owns the Paradex account",
  PARADEX_L2_PRIVATE_KEY: "the Paradex (Stark) private key exported from the Paradex app",
  EDGEX_ACCOUNT_ID: "your EdgeX account id (a number)",
  EDGEX_STARK_PRIVATE_KEY: "the L2 (Stark) private key exported from the EdgeX app",
  EDGEX_API_KEY: "the API key from EdgeX API Management → Perps V2",
  EDGEX_API_SECRET: "the API secret from EdgeX API Management → Perps V2",
  EDGEX_API_PASSPHRASE: "the API passphrase from EdgeX API Management → Perps V2",
  EDGEX_SIGNER_PRIVATE_KEY:
    "the SDK signer key from EdgeX API Management → Perps V2 → SDK Signer (64 hex digits)",
};

type Env = Readonly<Record<string, string>>;

/** A trimmed value, or `undefined` when the variable is absent or blank. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function isSet(env: Env, name: string): boolean {
  return read(env, name) !== undefined;
}

/** Describes a refused value without revealing it. */
function shape(text: string): string {
  return `${text.length} character${text.length === 1 ? "" : "s"}`;
}

function strip0x(text: string): string {
  return text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

class Checks {
  readonly list: EnvCheck[] = [];
  add(variable: string, status: CheckStatus, message: string): void {
    this.list.push({ variable, status, message });
  }
  ok(variable: string, message: string): void {
    this.add(variable, "ok", message);
  }
  missing(variable: string, message?: string): void {
    this.add(variable, "missing", message ?? `not set: ${DESCRIPTIONS[variable] ?? "required"}`);
  }
  invalid(variable: string, message: string): void {
    this.add(variable, "invalid", message);
  }
  warning(variable: string, message: string): void {
    this.add(variable, "warning", message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Value checkers. Each reports one line and returns the parsed value, or undefined when it was refused.

/** A 0x address; the checksum of a mixed-case address is verified. */
function checkAddress(c: Checks, variable: string, text: string, what: string): string | undefined {
  if (!/^0[xX][0-9a-fA-F]{40}$/.test(text)) {
    c.invalid(variable, `expected ${what}: 0x followed by 40 hex digits, got ${shape(text)}`);
    return undefined;
  }
  try {
    return toChecksumAddress(text, variable);
  } catch {
    c.invalid(
      variable,
      "mixed-case address with a wrong EIP-55 checksum (a typo?): copy it again, or write it all in " +
        "lower case",
    );
    return undefined;
  }
}

/** A secp256k1 private key as the EIP-712 signer parses it; returns its address. */
function checkEvmKey(c: Checks, variable: string, text: string): string | undefined {
  const digits = strip0x(text);
  try {
    return addressFromPrivateKey(parseEvmPrivateKey(text, variable));
  } catch {
    if (!/^[0-9a-fA-F]*$/.test(digits)) {
      c.invalid(
        variable,
        "contains characters that are not hex digits; expected 64 hex digits (with or without 0x)",
      );
    } else if (digits.length !== 64) {
      c.invalid(
        variable,
        `expected 32 bytes as 64 hex digits (with or without 0x), got ${digits.length} digits`,
      );
    } else {
      c.invalid(variable, "not a valid secp256k1 private key (zero, or not below the curve order)");
    }
    return undefined;
  }
}

/** A Stark private key as the Stark signers parse it; returns its public key. */
function checkStarkKey(c: Checks, variable: string, text: string): bigint | undefined {
  const digits = strip0x(text);
  try {
    return starkPublicKey(parseStarkPrivateKey(text, variable));
  } catch {
    if (!/^[0-9a-fA-F]+$/.test(digits)) {
      c.invalid(variable, "contains characters that are not hex digits; expected a Stark key in hex");
    } else if (digits.length > 64) {
      c.invalid(variable, `expected at most 64 hex digits, got ${digits.length}`);
    } else if (BigInt(`0x${digits}`) === 0n) {
      c.invalid(variable, "is zero, which is not a key");
    } else if (BigInt(`0x${digits}`) >= CURVE_ORDER) {
      c.invalid(
        variable,
        "is not below the Stark curve order (about 2^251), so it is not a Stark key; an Ethereum " +
          "private key goes elsewhere: export the L2 (Stark) key from the venue's app",
      );
    } else {
      c.invalid(variable, "is not a usable Stark private key");
    }
    return undefined;
  }
}

/** An opaque credential (API key, secret, passphrase, token) that goes into a header or URL as is. */
function checkOpaque(
  c: Checks,
  variable: string,
  text: string,
  what: string,
  usual?: { readonly pattern: RegExp; readonly text: string },
): boolean {
  // deno-lint-ignore no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(text)) {
    c.invalid(variable, `${what} contains spaces or control characters: copy it again`);
    return false;
  }
  if (/[^\u0020-\u007e]/.test(text)) {
    c.invalid(variable, `${what} contains non-ASCII characters: copy it again`);
    return false;
  }
  if (usual !== undefined && !usual.pattern.test(text)) {
    c.warning(
      variable,
      `${what} has ${shape(text)}; these are normally ${usual.text}: check it was copied whole`,
    );
    return true;
  }
  c.ok(variable, `${what}, ${shape(text)}`);
  return true;
}

/** A non-negative decimal integer in [min, max]; shown only when it is one. */
function parseWholeNumber(text: string): bigint | undefined {
  return /^[0-9]{1,30}$/.test(text) ? BigInt(text) : undefined;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\./.test(hostname);
}

/** A base URL override: absolute, the right scheme, no credentials; plain http/ws only for local servers. */
function checkUrl(
  c: Checks,
  variable: string,
  text: string,
  kind: "http" | "ws",
  hostWarning?: (host: string) => string | undefined,
): void {
  const [secure, plain] = kind === "http" ? ["https:", "http:"] : ["wss:", "ws:"];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    c.invalid(variable, `not an absolute URL (${shape(text)}); expected something like ${secure}//host`);
    return;
  }
  if (url.protocol !== secure && url.protocol !== plain) {
    c.invalid(
      variable,
      `scheme ${url.protocol} is not allowed here; use ${secure}// (${plain}// for a local server)`,
    );
    return;
  }
  if (url.username !== "" || url.password !== "") {
    c.invalid(variable, "must not contain a user name or password");
    return;
  }
  // Only scheme, host and path are shown: a query could carry a token.
  const shown = `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  if (url.protocol === plain && !isLoopback(url.hostname)) {
    c.warning(variable, `${shown} is unencrypted; use ${secure}// except for a server on this machine`);
    return;
  }
  const mismatch = hostWarning?.(url.hostname);
  if (mismatch !== undefined) {
    c.warning(variable, `${shown}: ${mismatch}`);
    return;
  }
  c.ok(variable, `override: ${shown}`);
}

function checkUrls(
  c: Checks,
  env: Env,
  http: string,
  ws: string,
  hostWarning?: (host: string) => string | undefined,
): void {
  const base = read(env, http);
  if (base !== undefined) checkUrl(c, http, base, "http", hostWarning);
  const socket = read(env, ws);
  if (socket !== undefined) checkUrl(c, ws, socket, "ws", hostWarning);
}

/** A tuning duration in whole ms, optional: `[1, max]`; `what` says what it sets and its default. */
function checkMs(c: Checks, env: Env, variable: string, what: string, max?: number): void {
  const text = read(env, variable);
  if (text === undefined) return;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    const shown = /^[A-Za-z0-9_.+-]{1,12}$/.test(text) ? `"${text}"` : `a value of ${shape(text)}`;
    c.invalid(variable, `${shown} is not a whole number of milliseconds >= 1 (${what})`);
  } else if (max !== undefined && n > max) {
    c.invalid(variable, `${n} ms is above the largest accepted value, ${max} ms (${what})`);
  } else {
    c.ok(variable, `${n} ms (${what})`);
  }
}

/** `<VENUE>_ENVIRONMENT`; returns the selected deployment, or undefined when the value is refused. */
function checkEnvironment(c: Checks, env: Env, setting: EnvironmentSetting, hint = ""): string | undefined {
  const text = read(env, setting.variable);
  if (text === undefined) {
    c.ok(setting.variable, `not set; default ${setting.default}`);
    return setting.default;
  }
  if (setting.values.includes(text)) {
    c.ok(setting.variable, text);
    return text;
  }
  // Short words are shown so the typo is visible; anything longer might be a pasted secret.
  const shown = /^[A-Za-z0-9_-]{1,12}$/.test(text) ? `"${text}"` : `a value of ${shape(text)}`;
  const lower = setting.values.includes(text.toLowerCase()) ? " (values are lower case)" : "";
  c.invalid(setting.variable, `${shown} is not one of ${setting.values.join(", ")}${lower}${hint}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Two-mode venues.

function detectMode<M extends string>(env: Env, specs: readonly ModeSpec<M>[]): ModeSpec<M> | undefined {
  // A complete mode wins over a partial one; among equals, the order of `specs` (newest API first) decides.
  return specs.find((s) => s.vars.every((v) => isSet(env, v))) ??
    specs.find((s) => s.vars.some((v) => isSet(env, v)));
}

/** The Aster mode in use: V3 when its three variables are complete, else V1, else the partial one. */
export function detectAsterMode(env: Env): AsterMode | undefined {
  return detectMode(env, ASTER_MODES)?.mode;
}

/** The EdgeX mode in use: V2 when its four variables are complete, else V1, else the partial one. */
export function detectEdgexMode(env: Env): EdgexMode | undefined {
  return detectMode(env, EDGEX_MODES)?.mode;
}

/** Why a variable of an incomplete mode is required: the variables that chose the mode. */
function selectedBy<M extends string>(env: Env, spec: ModeSpec<M>): string {
  const set = spec.vars.filter((v) => isSet(env, v));
  const verb = set.length === 1 ? "is" : "are";
  return `; needed because ${listNames(set)} ${verb} set, which selects ${spec.label}`;
}

/** Reports the variables of the modes that were not selected: ignored when complete, refused when partial. */
function checkOtherModes<M extends string>(
  c: Checks,
  env: Env,
  specs: readonly ModeSpec<M>[],
  selected: ModeSpec<M>,
): void {
  for (const spec of specs) {
    if (spec === selected) continue;
    const set = spec.vars.filter((v) => isSet(env, v));
    if (set.length === 0) continue;
    if (set.length === spec.vars.length) {
      for (const v of set) {
        c.warning(
          v,
          `ignored: ${selected.label} credentials are also complete and take precedence over ` +
            `${spec.label}; remove ${listNames(spec.vars)} to silence this`,
        );
      }
      continue;
    }
    const unset = spec.vars.filter((v) => !isSet(env, v));
    for (const v of set) {
      c.invalid(
        v,
        `set without ${listNames(unset)}, so the ${spec.label} credentials are incomplete: remove it ` +
          `(${selected.label} is used) or set the rest`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Venues.

/** Strict standard base64 (padding optional), or a description of what is wrong. */
function decodeBase64(text: string): Uint8Array | string {
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    return "looks like 64 hex digits, but Backpack keys are base64 (44 characters ending in =)";
  }
  if (/[-_]/.test(text) && /^[A-Za-z0-9_-]+=*$/.test(text)) {
    return "uses the URL-safe base64 alphabet (- or _); Backpack keys use standard base64 (+ and /)";
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return `is not base64 (${shape(text)})`;
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1 || (text.length !== body.length && text.length % 4 !== 0)) {
    return `is not valid base64: ${shape(text)} cannot be a whole number of bytes`;
  }
  try {
    const binary = atob(body + "=".repeat((4 - (body.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return `is not valid base64 (${shape(text)})`;
  }
}

function checkBase64Key(c: Checks, variable: string, text: string, secret: boolean): Uint8Array | undefined {
  const decoded = decodeBase64(text);
  if (typeof decoded === "string") {
    c.invalid(variable, decoded);
    return undefined;
  }
  if (decoded.length !== 32) {
    const hint = decoded.length === 64 && secret
      ? " (64 bytes is a seed followed by its public key; Backpack's secret is the 32-byte seed alone)"
      : "";
    c.invalid(variable, `base64 decodes to ${decoded.length} bytes, expected 32${hint}`);
    return undefined;
  }
  return decoded;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkBackpack(c: Checks, env: Env): void {
  const pubText = read(env, "BACKPACK_PUBLIC_KEY");
  const secText = read(env, "BACKPACK_SECRET_KEY");
  const seed = secText === undefined ? undefined : checkBase64Key(c, "BACKPACK_SECRET_KEY", secText, true);
  if (secText === undefined) c.missing("BACKPACK_SECRET_KEY");
  else if (seed !== undefined) c.ok("BACKPACK_SECRET_KEY", "32-byte ed25519 seed (base64)");

  if (pubText === undefined) {
    c.missing(
      "BACKPACK_PUBLIC_KEY",
      seed === undefined
        ? undefined
        : `not set: ${DESCRIPTIONS.BACKPACK_PUBLIC_KEY}; for this secret it is ${
          toBase64(ed25519.getPublicKey(seed))
        }`,
    );
    return;
  }
  const pub = checkBase64Key(c, "BACKPACK_PUBLIC_KEY", pubText, false);
  if (pub === undefined) return;
  if (seed === undefined) {
    try {
      ed25519.Point.fromBytes(pub);
    } catch {
      c.invalid("BACKPACK_PUBLIC_KEY", "is not a valid ed25519 public key: copy the API key again");
      return;
    }
    c.ok("BACKPACK_PUBLIC_KEY", "ed25519 public key (not compared: the secret key is missing or invalid)");
    return;
  }
  const expected = ed25519.getPublicKey(seed);
  if (sameBytes(pub, expected)) {
    c.ok("BACKPACK_PUBLIC_KEY", "ed25519 public key, matches the secret key");
  } else if (sameBytes(ed25519.getPublicKey(pub), seed)) {
    // Only booleans about the values are reported: both are secrets in this state.
    c.invalid(
      "BACKPACK_PUBLIC_KEY",
      "holds the secret key, and BACKPACK_SECRET_KEY the public key: swap them",
    );
  } else {
    c.invalid(
      "BACKPACK_PUBLIC_KEY",
      `does not match the secret key, whose public key is ${
        toBase64(expected)
      }: use the two values of one API key`,
    );
  }
}

function checkAster(c: Checks, env: Env): string | undefined {
  const selected = detectMode(env, ASTER_MODES);
  if (selected === undefined) {
    for (const v of ASTER_MODES[0]!.vars) {
      c.missing(
        v,
        `not set: ${DESCRIPTIONS[v]}; Aster needs ASTER_USER, ASTER_SIGNER and ASTER_SIGNER_PRIVATE_KEY ` +
          `(V3 API wallet), or ASTER_API_KEY and ASTER_SECRET_KEY (legacy V1 key)`,
      );
    }
  } else if (selected.mode === "v3") {
    checkAsterV3(c, env);
  } else {
    for (const [v, what] of [["ASTER_API_KEY", "API key"], ["ASTER_SECRET_KEY", "API secret"]] as const) {
      const text = read(env, v);
      if (text === undefined) {
        c.missing(v, `not set: ${DESCRIPTIONS[v]}; ASTER_API_KEY and ASTER_SECRET_KEY come as a pair`);
      } else {
        checkOpaque(c, v, text, what, { pattern: /^[A-Za-z0-9]{64}$/, text: "64 letters and digits" });
      }
    }
  }
  if (selected !== undefined) checkOtherModes(c, env, ASTER_MODES, selected);
  if (selected?.mode === "v1" && read(env, "ASTER_ENVIRONMENT") === "testnet") {
    c.warning(
      "ASTER_ENVIRONMENT",
      "testnet: Aster documents a testnet for the V3 API only; V1 keys may not work there",
    );
  } else {
    checkEnvironment(c, env, VENUE_ENVIRONMENTS.aster!);
  }
  checkUrls(c, env, "ASTER_BASE_URL", "ASTER_WS_URL");
  checkMs(c, env, "ASTER_HTTP_TIMEOUT_MS", "time allowed per REST request; default 10000");
  checkMs(c, env, "ASTER_WS_STALE_MS", "reconnect after this much stream silence; default 30000");
  checkMs(c, env, "ASTER_RECV_WINDOW_MS", "validity of V1 signed requests; default 5000", 60_000);
  return selected?.label;
}

function checkAsterV3(c: Checks, env: Env): void {
  const userText = read(env, "ASTER_USER");
  const signerText = read(env, "ASTER_SIGNER");
  const keyText = read(env, "ASTER_SIGNER_PRIVATE_KEY");
  const partial = selectedBy(env, ASTER_MODES[0]!);
  const user = userText === undefined
    ? undefined
    : checkAddress(c, "ASTER_USER", userText, "the main wallet address");
  if (userText === undefined) c.missing("ASTER_USER", `not set: ${DESCRIPTIONS.ASTER_USER}${partial}`);

  const derived = keyText === undefined ? undefined : checkEvmKey(c, "ASTER_SIGNER_PRIVATE_KEY", keyText);
  if (keyText === undefined) {
    c.missing("ASTER_SIGNER_PRIVATE_KEY", `not set: ${DESCRIPTIONS.ASTER_SIGNER_PRIVATE_KEY}${partial}`);
  } else if (derived !== undefined) {
    c.ok("ASTER_SIGNER_PRIVATE_KEY", `secp256k1 key of ${derived}`);
  }

  if (signerText === undefined) {
    const hint = derived === undefined ? "" : `; for this key it is ${derived}`;
    c.missing("ASTER_SIGNER", `not set: ${DESCRIPTIONS.ASTER_SIGNER}${partial}${hint}`);
  } else {
    const signer = checkAddress(c, "ASTER_SIGNER", signerText, "the API wallet address");
    if (signer !== undefined) {
      if (derived !== undefined && derived !== signer) {
        c.invalid(
          "ASTER_SIGNER",
          `${signer} is not the address of ASTER_SIGNER_PRIVATE_KEY, which is ${derived}: use the ` +
            `address and key of the same API wallet`,
        );
      } else {
        c.ok(
          "ASTER_SIGNER",
          `API wallet ${signer}${derived === undefined ? " (not compared with the key)" : ""}`,
        );
      }
    }
  }
  if (user !== undefined) {
    const signer = signerText === undefined ? undefined : signerText.toLowerCase();
    if (signer === user.toLowerCase()) {
      c.warning(
        "ASTER_USER",
        `${user} is also ASTER_SIGNER: the signer should be an API wallet registered for the main wallet, ` +
          `not the main wallet itself`,
      );
    } else {
      c.ok("ASTER_USER", `main wallet ${user}`);
    }
  }
}

function checkLighter(c: Checks, env: Env): void {
  const keyText = read(env, "API_KEY_PRIVATE_KEY");
  if (keyText === undefined) {
    c.missing("API_KEY_PRIVATE_KEY");
  } else {
    try {
      const key = LighterPrivateKey.fromHex(keyText);
      c.ok("API_KEY_PRIVATE_KEY", `40-byte API private key; public key ${key.publicKeyHex()}`);
    } catch {
      const digits = strip0x(keyText);
      if (!/^[0-9a-fA-F]*$/.test(digits)) {
        c.invalid(
          "API_KEY_PRIVATE_KEY",
          "contains characters that are not hex digits; expected 80 hex digits",
        );
      } else if (digits.length !== 80) {
        c.invalid(
          "API_KEY_PRIVATE_KEY",
          `expected 40 bytes as 80 hex digits (with or without 0x), got ${digits.length} digits`,
        );
      } else {
        c.invalid(
          "API_KEY_PRIVATE_KEY",
          "is zero modulo the group order, so it cannot sign: generate a new API key",
        );
      }
    }
  }

  const accountText = read(env, "LIGHTER_ACCOUNT_INDEX");
  if (accountText === undefined) {
    c.missing("LIGHTER_ACCOUNT_INDEX");
  } else {
    const account = parseWholeNumber(accountText);
    if (account === undefined) {
      c.invalid("LIGHTER_ACCOUNT_INDEX", `expected a whole number, got ${shape(accountText)}`);
    } else if (account > MAX_ACCOUNT_INDEX) {
      c.invalid(
        "LIGHTER_ACCOUNT_INDEX",
        `${account} is above the largest account index ${MAX_ACCOUNT_INDEX}`,
      );
    } else {
      const kind = account >= 1n << 47n ? "sub-account" : "main account";
      c.ok("LIGHTER_ACCOUNT_INDEX", `account ${account} (${kind})`);
    }
  }

  const indexText = read(env, "LIGHTER_API_KEY_INDEX");
  if (indexText === undefined) {
    c.missing("LIGHTER_API_KEY_INDEX");
  } else {
    const index = parseWholeNumber(indexText);
    if (index === undefined) {
      c.invalid(
        "LIGHTER_API_KEY_INDEX",
        `expected a whole number from 0 to ${MAX_API_KEY_INDEX}, got ${shape(indexText)}`,
      );
    } else if (index > MAX_API_KEY_INDEX) {
      c.invalid(
        "LIGHTER_API_KEY_INDEX",
        `${index} is above ${MAX_API_KEY_INDEX} (255 means "no key"); use the index the key was ` +
          `registered at`,
      );
    } else if (index <= 3n) {
      c.warning(
        "LIGHTER_API_KEY_INDEX",
        `${index}: Lighter reserves API key indexes 0 to 3 for its web and mobile apps; register the ` +
          `bot's key at 4 to ${MAX_API_KEY_INDEX}`,
      );
    } else {
      c.ok("LIGHTER_API_KEY_INDEX", `API key ${index}`);
    }
  }
  checkEnvironment(c, env, VENUE_ENVIRONMENTS.lighter!);
  checkUrls(c, env, "LIGHTER_BASE_URL", "LIGHTER_WS_URL");
}

function checkParadex(c: Checks, env: Env): void {
  const l1 = read(env, "PARADEX_L1_ADDRESS");
  if (l1 === undefined) c.missing("PARADEX_L1_ADDRESS");
  else {
    const address = checkAddress(c, "PARADEX_L1_ADDRESS", l1, "an Ethereum address");
    if (address !== undefined) c.ok("PARADEX_L1_ADDRESS", `Ethereum account ${address}`);
  }

  const key = read(env, "PARADEX_L2_PRIVATE_KEY");
  if (key === undefined) c.missing("PARADEX_L2_PRIVATE_KEY");
  else {
    const pub = checkStarkKey(c, "PARADEX_L2_PRIVATE_KEY", key);
    if (pub !== undefined) c.ok("PARADEX_L2_PRIVATE_KEY", `Stark private key; public key ${feltToHex(pub)}`);
  }

  const l2 = read(env, "PARADEX_L2_ADDRESS");
  if (l2 === undefined) {
    c.ok("PARADEX_L2_ADDRESS", "not set (optional); the account address is derived from the L2 key");
  } else if (!/^0[xX][0-9a-fA-F]{1,64}$/.test(l2)) {
    c.invalid(
      "PARADEX_L2_ADDRESS",
      `expected a Starknet account address (0x + up to 64 hex digits), got ${shape(l2)}`,
    );
  } else {
    const value = BigInt(l2);
    if (value === 0n || value >= FIELD_PRIME) {
      c.invalid(
        "PARADEX_L2_ADDRESS",
        "is not a Starknet address: it must be above 0 and below the Stark prime",
      );
    } else {
      c.ok("PARADEX_L2_ADDRESS", `Starknet account ${feltToHex(value)}`);
    }
  }
  checkEnvironment(
    c,
    env,
    VENUE_ENVIRONMENTS.paradex!,
    "; perpbot does not fall back to testnet for an unknown value as the Python bot did",
  );
  checkUrls(c, env, "PARADEX_BASE_URL", "PARADEX_WS_URL");
}

/** Hosts of each EdgeX generation, to catch V1 credentials pointed at a V2 host and the reverse. */
const EDGEX_HOSTS: Readonly<Record<EdgexMode, readonly string[]>> = {
  v1: [
    "pro.edgex.exchange",
    "quote.edgex.exchange",
    "testnet.edgex.exchange",
    "quote-testnet.edgex.exchange",
  ],
  v2: ["edgex-prod-v2.edgex.exchange", "edgex-quote-prod-v2.edgex.exchange"],
};

function checkEdgex(c: Checks, env: Env): string | undefined {
  const account = read(env, "EDGEX_ACCOUNT_ID");
  if (account === undefined) c.missing("EDGEX_ACCOUNT_ID");
  else {
    const id = parseWholeNumber(account);
    if (id === undefined) {
      c.invalid("EDGEX_ACCOUNT_ID", `expected a whole number, got ${shape(account)}`);
    } else if (id === 0n || id >= 1n << 63n) {
      c.invalid("EDGEX_ACCOUNT_ID", `${id} is not an account id (expected 1 to 2^63 - 1)`);
    } else {
      c.ok("EDGEX_ACCOUNT_ID", `account ${id}`);
    }
  }

  const selected = detectMode(env, EDGEX_MODES);
  if (selected === undefined) {
    c.missing(
      "EDGEX_STARK_PRIVATE_KEY",
      `not set: ${DESCRIPTIONS.EDGEX_STARK_PRIVATE_KEY} (V1); for the V2 API set EDGEX_API_KEY, ` +
        `EDGEX_API_SECRET, EDGEX_API_PASSPHRASE and EDGEX_SIGNER_PRIVATE_KEY instead`,
    );
  } else if (selected.mode === "v1") {
    const pub = checkStarkKey(c, "EDGEX_STARK_PRIVATE_KEY", read(env, "EDGEX_STARK_PRIVATE_KEY")!);
    if (pub !== undefined) c.ok("EDGEX_STARK_PRIVATE_KEY", `Stark private key; public key ${feltToHex(pub)}`);
    if (isSet(env, "EDGEX_SIGNER_ADDRESS")) {
      c.warning(
        "EDGEX_SIGNER_ADDRESS",
        "ignored: it is used by the V2 API only, and V1 credentials are in use",
      );
    }
  } else {
    checkEdgexV2(c, env);
  }
  if (selected !== undefined) checkOtherModes(c, env, EDGEX_MODES, selected);
  const mode = selected?.mode;
  checkUrls(c, env, "EDGEX_BASE_URL", "EDGEX_WS_URL", (host) => {
    if (mode === undefined) return undefined;
    const other: EdgexMode = mode === "v1" ? "v2" : "v1";
    return EDGEX_HOSTS[other].includes(host)
      ? `this is an EdgeX ${other.toUpperCase()} host, but ${selected!.label} credentials are in use`
      : undefined;
  });
  return selected?.label;
}

function checkEdgexV2(c: Checks, env: Env): void {
  const partial = selectedBy(env, EDGEX_MODES[0]!);
  for (
    const [v, what] of [
      ["EDGEX_API_KEY", "API key"],
      ["EDGEX_API_SECRET", "API secret"],
      ["EDGEX_API_PASSPHRASE", "API passphrase"],
    ] as const
  ) {
    const text = read(env, v);
    if (text === undefined) c.missing(v, `not set: ${DESCRIPTIONS[v]}${partial}`);
    else checkOpaque(c, v, text, what);
  }
  const keyText = read(env, "EDGEX_SIGNER_PRIVATE_KEY");
  const derived = keyText === undefined ? undefined : checkEvmKey(c, "EDGEX_SIGNER_PRIVATE_KEY", keyText);
  if (keyText === undefined) {
    c.missing("EDGEX_SIGNER_PRIVATE_KEY", `not set: ${DESCRIPTIONS.EDGEX_SIGNER_PRIVATE_KEY}${partial}`);
  } else if (derived !== undefined) {
    c.ok("EDGEX_SIGNER_PRIVATE_KEY", `secp256k1 signer key of ${derived}`);
  }
  const addressText = read(env, "EDGEX_SIGNER_ADDRESS");
  if (addressText === undefined) return;
  const address = checkAddress(c, "EDGEX_SIGNER_ADDRESS", addressText, "the signer key's address");
  if (address === undefined) return;
  if (derived !== undefined && derived !== address) {
    c.invalid(
      "EDGEX_SIGNER_ADDRESS",
      `${address} is not the address of EDGEX_SIGNER_PRIVATE_KEY, which is ${derived}: fix it or remove it ` +
        `(it is derived from the key when not set)`,
    );
  } else {
    c.ok(
      "EDGEX_SIGNER_ADDRESS",
      `signer ${address}${derived === undefined ? " (not compared with the key)" : ""}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Variables every venue reads.

function settingError(variable: string, env: Env): string | undefined {
  try {
    parseEnvSettings(env);
    return undefined;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const prefix = `${variable}: `;
    return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  }
}

function checkCommon(c: Checks, env: Env): void {
  const accountName = read(env, "ACCOUNT_NAME");
  if (accountName === undefined) {
    c.ok("ACCOUNT_NAME", "not set; log file names carry no account name");
  } else {
    // Checked alone, so a bad TIMEZONE does not hide a bad ACCOUNT_NAME.
    const problem = settingError("ACCOUNT_NAME", { ACCOUNT_NAME: accountName });
    if (problem === undefined) c.ok("ACCOUNT_NAME", `"${accountName}" (part of the log file names)`);
    else c.invalid("ACCOUNT_NAME", problem);
  }
  const timezone = read(env, "TIMEZONE");
  if (timezone === undefined) {
    c.ok("TIMEZONE", `not set; default ${DEFAULT_TIMEZONE}`);
  } else {
    const problem = settingError("TIMEZONE", { TIMEZONE: timezone });
    if (problem === undefined) c.ok("TIMEZONE", timezone);
    else c.invalid("TIMEZONE", problem);
  }

  const token = read(env, "TELEGRAM_BOT_TOKEN");
  const chat = read(env, "TELEGRAM_CHAT_ID");
  if (token === undefined && chat === undefined) {
    c.ok("TELEGRAM_BOT_TOKEN", "not set (nor TELEGRAM_CHAT_ID): Telegram notifications off");
  } else if (token === undefined) {
    c.invalid(
      "TELEGRAM_BOT_TOKEN",
      "not set, but TELEGRAM_CHAT_ID is: set both to get Telegram notifications, or neither",
    );
  } else {
    checkOpaque(c, "TELEGRAM_BOT_TOKEN", token, "bot token", {
      pattern: /^[0-9]{5,}:[A-Za-z0-9_-]{30,}$/,
      text: "digits, a colon, then about 35 letters, digits, _ and - (as @BotFather issues them)",
    });
  }
  if (chat === undefined) {
    if (token !== undefined) {
      c.invalid(
        "TELEGRAM_CHAT_ID",
        "not set, but TELEGRAM_BOT_TOKEN is: set both to get Telegram notifications, or neither",
      );
    }
  } else if (/^-?[0-9]{1,20}$/.test(chat) || /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(chat)) {
    c.ok("TELEGRAM_CHAT_ID", token === undefined ? "chat id" : "chat id: Telegram notifications on");
  } else {
    c.invalid(
      "TELEGRAM_CHAT_ID",
      `expected a numeric chat id (e.g. -100…) or @channelname, got ${shape(chat)}`,
    );
  }
  const telegramUrl = read(env, "TELEGRAM_BASE_URL");
  if (telegramUrl !== undefined) {
    if (token === undefined || chat === undefined) {
      c.warning(
        "TELEGRAM_BASE_URL",
        "ignored: Telegram is not configured (TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID)",
      );
    } else {
      checkUrl(c, "TELEGRAM_BASE_URL", telegramUrl, "http");
    }
  }

  const lark = read(env, "LARK_TOKEN");
  if (lark === undefined) {
    c.ok("LARK_TOKEN", "not set: Lark notifications off");
  } else {
    checkOpaque(c, "LARK_TOKEN", lark, "webhook token", {
      pattern: /^[A-Za-z0-9_-]+$/,
      text: "letters, digits, _ and - (the last part of the webhook URL)",
    });
  }
  const larkUrl = read(env, "LARK_BASE_URL");
  if (larkUrl !== undefined) {
    if (lark === undefined) c.warning("LARK_BASE_URL", "ignored: LARK_TOKEN is not set");
    else checkUrl(c, "LARK_BASE_URL", larkUrl, "http");
  }
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Checks, without network, every variable `exchange` needs plus the common ones. Pure: reads only `env`.
 * @param exchange the venue to check (`paper` needs no credentials, only the common variables)
 * @param env the merged environment (process variables over the env file)
 */
export function checkEnv(exchange: ExchangeName, env: Readonly<Record<string, string>>): EnvReport {
  const c = new Checks();
  let mode: string | undefined;
  switch (exchange) {
    case "backpack":
      checkBackpack(c, env);
      checkUrls(c, env, "BACKPACK_BASE_URL", "BACKPACK_WS_URL");
      checkMs(c, env, "BACKPACK_HTTP_TIMEOUT_MS", "time allowed per REST request; default 10000");
      checkMs(c, env, "BACKPACK_WS_STALE_MS", "reconnect after this much stream silence; default 30000");
      break;
    case "aster":
      mode = checkAster(c, env);
      break;
    case "lighter":
      checkLighter(c, env);
      break;
    case "paradex":
      checkParadex(c, env);
      break;
    case "edgex":
      mode = checkEdgex(c, env);
      break;
    case "paper":
      break;
    default: {
      const never: never = exchange;
      throw new Error(`Cannot check the environment of unknown exchange "${never}"`);
    }
  }
  checkCommon(c, env);
  // Checks run in dependency order; they are shown in the order the variables are documented.
  const order = [...VENUE_ENV_VARS[exchange], ...COMMON_ENV_VARS];
  const rank = (v: string) => {
    const i = order.indexOf(v);
    return i === -1 ? order.length : i;
  };
  c.list.sort((a, b) => rank(a.variable) - rank(b.variable));
  // Second line of defence: no message may carry a secret value, whatever a check above printed.
  const redactor = new Redactor(SECRET_ENV_VARS.map((v) => env[v] ?? ""));
  const checks = c.list.map((check) => ({ ...check, message: redactor.redact(check.message) }));
  const ok = checks.every((check) => check.status !== "missing" && check.status !== "invalid");
  return mode === undefined ? { exchange, checks, ok } : { exchange, mode, checks, ok };
}

function countByStatus(report: EnvReport): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { ok: 0, missing: 0, invalid: 0, warning: 0 };
  for (const check of report.checks) counts[check.status]++;
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The report for a terminal: one line per check (`status  VARIABLE  message`), then a verdict line.
 *
 * ```text
 * ok       BACKPACK_PUBLIC_KEY  ed25519 public key, matches the secret key
 * ```
 */
export function formatReport(report: EnvReport): string {
  const width = Math.max(0, ...report.checks.map((c) => c.variable.length)) + 2;
  const lines = report.checks.map((c) => `${c.status.padEnd(9)}${c.variable.padEnd(width)}${c.message}`);
  const counts = countByStatus(report);
  const notes = [
    ...(report.mode === undefined ? [] : [`mode: ${report.mode}`]),
    ...(counts.warning === 0 ? [] : [plural(counts.warning, "warning")]),
  ];
  const suffix = notes.length === 0 ? "" : ` (${notes.join("; ")})`;
  if (report.ok) {
    lines.push(`OK: ${report.exchange} configuration is complete${suffix}`);
  } else {
    const problems = [
      ...(counts.missing === 0 ? [] : [`${counts.missing} missing`]),
      ...(counts.invalid === 0 ? [] : [`${counts.invalid} invalid`]),
    ].join(" and ");
    const noun = counts.missing + counts.invalid === 1 ? "variable" : "variables";
    lines.push(
      `FAILED: ${report.exchange} configuration has ${problems} ${noun}${suffix}; fix the lines marked ` +
        `missing or invalid`,
    );
  }
  return lines.join("\n");
}

/** The report as a JSON value for `--json`: exchange, mode (or null), ok, counts and every check. */
export function reportJson(report: EnvReport): unknown {
  return {
    exchange: report.exchange,
    mode: report.mode ?? null,
    ok: report.ok,
    counts: countByStatus(report),
    checks: report.checks.map((c) => ({ variable: c.variable, status: c.status, message: c.message })),
  };
}
