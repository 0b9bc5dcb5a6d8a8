/**
 * `config validate` environment checks: table tests per venue with good and bad values, the mode rules of
 * Aster and EdgeX, the common variables, the report formats, and that no secret (nor any 6 characters of one)
 * ever reaches the text or JSON output.
 *
 * Keys are derived deterministically here; addresses and Stark public keys are computed with independent
 * oracles (ethers, @scure/starknet), and the documented vectors (RFC 8032, Aster V3 demo key, Lighter,
 * Paradex and EdgeX) pin the public values shown in messages.
 */
import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { getStarkKey } from "@scure/starknet";
import { computeAddress } from "ethers";
import {
  checkEnv,
  type CheckStatus,
  COMMON_ENV_VARS,
  detectAsterMode,
  detectEdgexMode,
  type EnvReport,
  formatReport,
  reportJson,
  SECRET_ENV_VARS,
  VENUE_ENV_VARS,
  VENUE_ENVIRONMENTS,
} from "../../bot/env_checks.ts";
import { REDACTED, Redactor } from "../../bot/redact.ts";
import { EXCHANGE_NAMES, type ExchangeName } from "../../exchanges/names.ts";
import { CURVE_ORDER, FIELD_PRIME } from "../../exchanges/stark/felt.ts";

// ---------------------------------------------------------------------------------------------------------
// Deterministic test keys.

function digest(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(`perpbot env_checks test: ${label}`));
}

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** A secp256k1 key (a sha256 output is below the curve order with overwhelming probability; checked). */
function evmKey(label: string): string {
  const key = `0x${bytesToHex(digest(label))}`;
  assert.ok(
    BigInt(key) > 0n && BigInt(key) < 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  );
  return key;
}

/** A Stark key in [1, n), 64 hex digits without 0x as the EdgeX app exports it. */
function starkKey(label: string): string {
  return ((BigInt(`0x${bytesToHex(digest(label))}`) % (CURVE_ORDER - 1n)) + 1n).toString(16).padStart(
    64,
    "0",
  );
}

/** RFC 8032 §7.1 TEST 1. */
const RFC_SEED = hexToBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const RFC_SECRET_B64 = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const RFC_PUBLIC_B64 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const OTHER_SEED = digest("backpack other");
const OTHER_SECRET_B64 = b64(OTHER_SEED);
const OTHER_PUBLIC_B64 = b64(ed25519.getPublicKey(OTHER_SEED));

/** Aster V3 demo key and its documented address; the main wallet of the doc example. */
const ASTER_DOC_KEY = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";
const ASTER_DOC_SIGNER = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
const ASTER_DOC_USER = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e";
const ASTER_KEY = evmKey("aster signer");
const ASTER_SIGNER = computeAddress(ASTER_KEY);
/** Aster V1 doc key pair (64 hex digits each). */
const ASTER_V1_KEY = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83";
const ASTER_V1_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";

/** Lighter vector key and its public key. */
const LIGHTER_KEY = "4980df1a5a76cba9fef4d80446e951108e16a5b21f497976475c950bd2588c5a58771d5b06498d28";
const LIGHTER_PUBLIC = "2db191eb16d3314974f8708363909aeee607d06fb743156b18d3b353a5d40fef70ae377dd68d06fe";
const LIGHTER_KEY_2 = bytesToHex(digest("lighter 1")) + bytesToHex(digest("lighter 2")).slice(0, 16);

/** Paradex vector: L2 key, public key and the key's real L1 address. */
const PARADEX_KEY = "0x543b6cf6c91817a87174aaea4fb370ac1c694e864d7740d728f8344d53e815";
const PARADEX_PUBLIC = "0x2c144d2f2d4fc61b6f8967f3ba0012a87d90140bcfe5a3e92e8df83258c960f";
const PARADEX_L1 = "0x511671d631CEA1E4C66f8b93bc467646C8e994B9";
const PARADEX_ACCOUNT = "0x129c135ed63df9353885e292be4426b8ed6122b13c6c0e1bb787288a1f5adfa";
const PARADEX_KEY_2 = `0x${starkKey("paradex")}`;

/** EdgeX V1 SDK test key and its public key; a generated V2 signer key. */
const EDGEX_STARK = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const EDGEX_STARK_PUBLIC = "0x1b4fc4a44546eecebc2339b6e6c5ddcbd3f3cdbc5fa23eab2bd800d831a1b2d";
const EDGEX_SIGNER_KEY = evmKey("edgex signer");
const EDGEX_SIGNER = computeAddress(EDGEX_SIGNER_KEY);
const EDGEX_V2 = {
  EDGEX_API_KEY: "7c4a8d09-ca37-4fd8-b6b2-1f0e9a5d3c21",
  EDGEX_API_SECRET: "q3Jb9xKz1VwPpL0mN8sT4uYc6rE2aG5hD7fIoWnQ",
  EDGEX_API_PASSPHRASE: "Zm9vYmFyLXBhc3NwaHJhc2U",
  EDGEX_SIGNER_PRIVATE_KEY: EDGEX_SIGNER_KEY,
};

const TELEGRAM_TOKEN = "987654321:AAFq3kXwYb7TzR2mVnP5sL8dJc4hGe1uQiZ";

// ---------------------------------------------------------------------------------------------------------
// Assertions.

/** Fails if any 6-character window of `secret` appears (case-insensitively) in `output`. */
function assertNoSecret(output: string, secret: string, label: string): void {
  const haystack = output.toLowerCase();
  const needle = secret.trim().toLowerCase();
  for (let i = 0; i + 6 <= needle.length; i++) {
    const window = needle.slice(i, i + 6);
    assert.ok(!haystack.includes(window), `${label}: output contains "${window}" from a secret\n${output}`);
  }
}

interface Case {
  readonly name: string;
  readonly env: Record<string, string>;
  /** Expected status of each listed variable. */
  readonly expect: Readonly<Record<string, CheckStatus>>;
  /** Variables that must have no line. */
  readonly absent?: readonly string[];
  readonly ok: boolean;
  readonly mode?: string;
  /** Message patterns of listed variables. */
  readonly messages?: Readonly<Record<string, RegExp>>;
  /** Secret values sitting in variables not listed as secret (pasted in the wrong place, swapped). */
  readonly extraSecrets?: readonly string[];
}

function runCases(exchange: ExchangeName, cases: readonly Case[]): void {
  for (const c of cases) {
    Deno.test(`checkEnv ${exchange}: ${c.name}`, () => {
      const report = checkEnv(exchange, c.env);
      const byVariable = new Map(report.checks.map((check) => [check.variable, check]));
      assert.equal(byVariable.size, report.checks.length, "one line per variable");
      for (const [variable, status] of Object.entries(c.expect)) {
        const check = byVariable.get(variable);
        assert.ok(check !== undefined, `no line for ${variable}\n${formatReport(report)}`);
        assert.equal(check.status, status, `${variable}: ${check.message}`);
      }
      for (const variable of c.absent ?? []) {
        assert.equal(byVariable.get(variable), undefined, `unexpected line for ${variable}`);
      }
      for (const [variable, pattern] of Object.entries(c.messages ?? {})) {
        assert.match(byVariable.get(variable)?.message ?? "", pattern, variable);
      }
      assert.equal(report.ok, c.ok, formatReport(report));
      assert.equal(report.mode, c.mode);
      assert.equal(report.exchange, exchange);
      // ok is exactly "no missing and no invalid line".
      assert.equal(report.ok, !report.checks.some((k) => k.status === "missing" || k.status === "invalid"));
      const allowed = new Set([...VENUE_ENV_VARS[exchange], ...COMMON_ENV_VARS]);
      for (const check of report.checks) assert.ok(allowed.has(check.variable), check.variable);

      const outputs = [formatReport(report), JSON.stringify(reportJson(report))];
      const secrets = [
        ...SECRET_ENV_VARS.map((v) => c.env[v]).filter((v): v is string =>
          v !== undefined && v.trim().length >= 6
        ),
        ...(c.extraSecrets ?? []),
      ];
      for (const output of outputs) {
        for (const secret of secrets) assertNoSecret(output, secret, c.name);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Backpack.

const BACKPACK_GOOD = { BACKPACK_PUBLIC_KEY: RFC_PUBLIC_B64, BACKPACK_SECRET_KEY: RFC_SECRET_B64 };

Deno.test("test vectors: the RFC 8032 seed is the documented Backpack key pair", () => {
  assert.equal(b64(RFC_SEED), RFC_SECRET_B64);
  assert.equal(b64(ed25519.getPublicKey(RFC_SEED)), RFC_PUBLIC_B64);
  assert.equal(computeAddress(ASTER_DOC_KEY), ASTER_DOC_SIGNER);
  assert.equal(getStarkKey(EDGEX_STARK), EDGEX_STARK_PUBLIC);
  assert.equal(getStarkKey(PARADEX_KEY.slice(2)), PARADEX_PUBLIC);
});

runCases("backpack", [
  {
    name: "matching key pair",
    env: BACKPACK_GOOD,
    expect: { BACKPACK_PUBLIC_KEY: "ok", BACKPACK_SECRET_KEY: "ok" },
    absent: ["BACKPACK_BASE_URL", "BACKPACK_WS_URL"],
    ok: true,
    messages: {
      BACKPACK_PUBLIC_KEY: /^ed25519 public key, matches the secret key$/,
      BACKPACK_SECRET_KEY: /32-byte ed25519 seed/,
    },
  },
  {
    name: "generated key pair, unpadded base64 accepted",
    env: { BACKPACK_PUBLIC_KEY: OTHER_PUBLIC_B64.replace(/=+$/, ""), BACKPACK_SECRET_KEY: OTHER_SECRET_B64 },
    expect: { BACKPACK_PUBLIC_KEY: "ok", BACKPACK_SECRET_KEY: "ok" },
    ok: true,
  },
  {
    name: "secret of 31 bytes",
    env: { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: b64(RFC_SEED.subarray(0, 31)) },
    expect: { BACKPACK_SECRET_KEY: "invalid", BACKPACK_PUBLIC_KEY: "ok" },
    ok: false,
    messages: {
      BACKPACK_SECRET_KEY: /^base64 decodes to 31 bytes, expected 32$/,
      BACKPACK_PUBLIC_KEY: /not compared/,
    },
    extraSecrets: [RFC_SECRET_B64],
  },
  {
    name: "secret of 33 bytes",
    env: { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: b64(new Uint8Array([...RFC_SEED, 1])) },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /decodes to 33 bytes, expected 32/ },
    extraSecrets: [RFC_SECRET_B64],
  },
  {
    name: "secret given as seed followed by public key (64 bytes)",
    env: {
      ...BACKPACK_GOOD,
      BACKPACK_SECRET_KEY: b64(new Uint8Array([...RFC_SEED, ...ed25519.getPublicKey(RFC_SEED)])),
    },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: {
      BACKPACK_SECRET_KEY: /64 bytes, expected 32 \(64 bytes is a seed followed by its public key/,
    },
    extraSecrets: [RFC_SECRET_B64],
  },
  {
    name: "secret given in hex",
    env: { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: bytesToHex(RFC_SEED) },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /hex digits, but Backpack keys are base64/ },
  },
  {
    name: "secret in the URL-safe alphabet",
    env: { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: RFC_SECRET_B64.replaceAll("/", "_") },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /URL-safe/ },
  },
  {
    name: "secret with characters outside base64",
    env: {
      ...BACKPACK_GOOD,
      BACKPACK_SECRET_KEY: `${RFC_SECRET_B64.slice(0, 20)}*${RFC_SECRET_B64.slice(21)}`,
    },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /^is not base64 \(44 characters\)$/ },
  },
  {
    name: "secret with impossible padding",
    env: { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: `${RFC_SECRET_B64.slice(0, 43)}==` },
    expect: { BACKPACK_SECRET_KEY: "invalid" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /cannot be a whole number of bytes/ },
  },
  {
    name: "public key of another key pair",
    env: { ...BACKPACK_GOOD, BACKPACK_PUBLIC_KEY: OTHER_PUBLIC_B64 },
    expect: { BACKPACK_PUBLIC_KEY: "invalid", BACKPACK_SECRET_KEY: "ok" },
    ok: false,
    // The expected public key is shown: it is public and tells the user what to paste.
    messages: {
      BACKPACK_PUBLIC_KEY: new RegExp(
        `does not match the secret key, whose public key is ${
          RFC_PUBLIC_B64.replaceAll("+", "\\+").replaceAll("/", "\\/")
        }`,
      ),
    },
  },
  {
    name: "public and secret swapped",
    env: { BACKPACK_PUBLIC_KEY: RFC_SECRET_B64, BACKPACK_SECRET_KEY: RFC_PUBLIC_B64 },
    expect: { BACKPACK_PUBLIC_KEY: "invalid", BACKPACK_SECRET_KEY: "ok" },
    ok: false,
    messages: { BACKPACK_PUBLIC_KEY: /swap them/ },
    extraSecrets: [RFC_SECRET_B64, RFC_PUBLIC_B64],
  },
  {
    name: "public key not on the curve, secret missing",
    env: { BACKPACK_PUBLIC_KEY: b64(new Uint8Array(32).fill(0xff)) },
    expect: { BACKPACK_PUBLIC_KEY: "invalid", BACKPACK_SECRET_KEY: "missing" },
    ok: false,
    messages: { BACKPACK_PUBLIC_KEY: /not a valid ed25519 public key/ },
  },
  {
    name: "public key missing: the message names the key to use",
    env: { BACKPACK_SECRET_KEY: RFC_SECRET_B64 },
    expect: { BACKPACK_PUBLIC_KEY: "missing", BACKPACK_SECRET_KEY: "ok" },
    ok: false,
    messages: {
      BACKPACK_PUBLIC_KEY: new RegExp(
        `^not set: .*for this secret it is ${RFC_PUBLIC_B64.replaceAll("+", "\\+")}$`,
      ),
    },
  },
  {
    name: "nothing set",
    env: {},
    expect: { BACKPACK_PUBLIC_KEY: "missing", BACKPACK_SECRET_KEY: "missing" },
    ok: false,
    messages: { BACKPACK_SECRET_KEY: /^not set: the API secret/ },
  },
  {
    name: "blank values count as not set, surrounding spaces are trimmed",
    env: { BACKPACK_PUBLIC_KEY: `  ${RFC_PUBLIC_B64}\n`, BACKPACK_SECRET_KEY: "   " },
    expect: { BACKPACK_PUBLIC_KEY: "ok", BACKPACK_SECRET_KEY: "missing" },
    ok: false,
  },
  {
    name: "URL overrides: loopback http is fine, https shown without its query",
    env: {
      ...BACKPACK_GOOD,
      BACKPACK_BASE_URL: "http://127.0.0.1:8080/",
      BACKPACK_WS_URL: "wss://ws.backpack.exchange/?token=abcdefghijkl",
    },
    expect: { BACKPACK_BASE_URL: "ok", BACKPACK_WS_URL: "ok" },
    ok: true,
    messages: {
      BACKPACK_BASE_URL: /^override: http:\/\/127\.0\.0\.1:8080$/,
      BACKPACK_WS_URL: /^override: wss:\/\/ws\.backpack\.exchange$/,
    },
    extraSecrets: ["abcdefghijkl"],
  },
  {
    name: "URL overrides: plain http to a remote host warns, wrong scheme and credentials are refused",
    env: {
      ...BACKPACK_GOOD,
      BACKPACK_BASE_URL: "http://api.backpack.exchange",
      BACKPACK_WS_URL: "https://ws.backpack.exchange",
    },
    expect: { BACKPACK_BASE_URL: "warning", BACKPACK_WS_URL: "invalid" },
    ok: false,
    messages: {
      BACKPACK_BASE_URL: /unencrypted/,
      BACKPACK_WS_URL: /scheme https: is not allowed here; use wss:\/\//,
    },
  },
  {
    name: "URL with a password is refused without showing it",
    env: { ...BACKPACK_GOOD, BACKPACK_BASE_URL: "https://user:hunter2hunter2@api.backpack.exchange" },
    expect: { BACKPACK_BASE_URL: "invalid" },
    ok: false,
    messages: { BACKPACK_BASE_URL: /must not contain a user name or password/ },
    extraSecrets: ["hunter2hunter2"],
  },
  {
    name: "not a URL",
    env: { ...BACKPACK_GOOD, BACKPACK_BASE_URL: "api.backpack.exchange" },
    expect: { BACKPACK_BASE_URL: "invalid" },
    ok: false,
    messages: { BACKPACK_BASE_URL: /not an absolute URL/ },
  },
  {
    name: "tuning variables are checked",
    env: { ...BACKPACK_GOOD, BACKPACK_HTTP_TIMEOUT_MS: "800", BACKPACK_WS_STALE_MS: "-5" },
    expect: { BACKPACK_HTTP_TIMEOUT_MS: "ok", BACKPACK_WS_STALE_MS: "invalid" },
    ok: false,
  },
]);

// ---------------------------------------------------------------------------------------------------------
// Aster.

const ASTER_V3 = {
  ASTER_USER: ASTER_DOC_USER,
  ASTER_SIGNER: ASTER_DOC_SIGNER,
  ASTER_SIGNER_PRIVATE_KEY: ASTER_DOC_KEY,
};
const ASTER_V1 = { ASTER_API_KEY: ASTER_V1_KEY, ASTER_SECRET_KEY: ASTER_V1_SECRET };
const V3 = "V3 API wallet (EIP-712)";
const V1 = "V1 HMAC";

runCases("aster", [
  {
    name: "V3 with the documented demo key",
    env: ASTER_V3,
    expect: { ASTER_USER: "ok", ASTER_SIGNER: "ok", ASTER_SIGNER_PRIVATE_KEY: "ok", ASTER_ENVIRONMENT: "ok" },
    absent: ["ASTER_API_KEY", "ASTER_SECRET_KEY"],
    ok: true,
    mode: V3,
    messages: {
      ASTER_SIGNER_PRIVATE_KEY: new RegExp(`secp256k1 key of ${ASTER_DOC_SIGNER}$`),
      ASTER_SIGNER: new RegExp(`^API wallet ${ASTER_DOC_SIGNER}$`),
      ASTER_ENVIRONMENT: /not set; default mainnet/,
    },
  },
  {
    name: "V3 with a generated key, lower-case addresses, key without 0x, testnet",
    env: {
      ASTER_USER: ASTER_DOC_USER.toLowerCase(),
      ASTER_SIGNER: ASTER_SIGNER.toLowerCase(),
      ASTER_SIGNER_PRIVATE_KEY: ASTER_KEY.slice(2),
      ASTER_ENVIRONMENT: "testnet",
    },
    expect: { ASTER_USER: "ok", ASTER_SIGNER: "ok", ASTER_SIGNER_PRIVATE_KEY: "ok", ASTER_ENVIRONMENT: "ok" },
    ok: true,
    mode: V3,
    // Addresses are shown in checksum form.
    messages: { ASTER_SIGNER: new RegExp(ASTER_SIGNER), ASTER_USER: new RegExp(ASTER_DOC_USER) },
  },
  {
    name: "V3 signer address is not the key's",
    env: { ...ASTER_V3, ASTER_SIGNER_PRIVATE_KEY: ASTER_KEY },
    expect: { ASTER_SIGNER: "invalid", ASTER_SIGNER_PRIVATE_KEY: "ok" },
    ok: false,
    mode: V3,
    messages: {
      ASTER_SIGNER: new RegExp(`not the address of ASTER_SIGNER_PRIVATE_KEY, which is ${ASTER_SIGNER}`),
    },
  },
  {
    name: "V3 key of 63 hex digits",
    env: { ...ASTER_V3, ASTER_SIGNER_PRIVATE_KEY: ASTER_DOC_KEY.slice(0, -1) },
    expect: { ASTER_SIGNER_PRIVATE_KEY: "invalid", ASTER_SIGNER: "ok" },
    ok: false,
    mode: V3,
    messages: {
      ASTER_SIGNER_PRIVATE_KEY: /expected 32 bytes as 64 hex digits \(with or without 0x\), got 63 digits/,
      ASTER_SIGNER: /not compared/,
    },
    extraSecrets: [ASTER_DOC_KEY],
  },
  {
    name: "V3 key of zero",
    env: { ...ASTER_V3, ASTER_SIGNER_PRIVATE_KEY: "0".repeat(64) },
    expect: { ASTER_SIGNER_PRIVATE_KEY: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_SIGNER_PRIVATE_KEY: /not a valid secp256k1 private key/ },
  },
  {
    name: "V3 key equal to the secp256k1 curve order",
    env: {
      ...ASTER_V3,
      ASTER_SIGNER_PRIVATE_KEY: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
    },
    expect: { ASTER_SIGNER_PRIVATE_KEY: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_SIGNER_PRIVATE_KEY: /not a valid secp256k1 private key/ },
  },
  {
    name: "V3 key with a non-hex character",
    env: { ...ASTER_V3, ASTER_SIGNER_PRIVATE_KEY: `${ASTER_DOC_KEY.slice(0, -1)}g` },
    expect: { ASTER_SIGNER_PRIVATE_KEY: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_SIGNER_PRIVATE_KEY: /not hex digits/ },
    extraSecrets: [ASTER_DOC_KEY],
  },
  {
    name: "V3 half configured: only the user is set",
    env: { ASTER_USER: ASTER_DOC_USER },
    expect: { ASTER_USER: "ok", ASTER_SIGNER: "missing", ASTER_SIGNER_PRIVATE_KEY: "missing" },
    ok: false,
    mode: V3,
    messages: { ASTER_SIGNER: /needed because ASTER_USER is set, which selects V3 API wallet/ },
  },
  {
    name: "V3 signer address missing: the message names the key's address",
    env: { ASTER_USER: ASTER_DOC_USER, ASTER_SIGNER_PRIVATE_KEY: ASTER_DOC_KEY },
    expect: { ASTER_SIGNER: "missing" },
    ok: false,
    mode: V3,
    messages: { ASTER_SIGNER: new RegExp(`for this key it is ${ASTER_DOC_SIGNER}$`) },
  },
  {
    name: "V3 address with a bad checksum",
    env: { ...ASTER_V3, ASTER_USER: ASTER_DOC_USER.replace("DD5a", "Dd5a") },
    expect: { ASTER_USER: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_USER: /EIP-55 checksum/ },
  },
  {
    name: "a private key pasted into ASTER_USER is refused and not echoed",
    env: { ...ASTER_V3, ASTER_USER: ASTER_KEY },
    expect: { ASTER_USER: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_USER: /0x followed by 40 hex digits, got 66 characters/ },
    extraSecrets: [ASTER_KEY],
  },
  {
    name: "V3 signer equal to the user warns",
    env: {
      ASTER_USER: ASTER_DOC_SIGNER,
      ASTER_SIGNER: ASTER_DOC_SIGNER,
      ASTER_SIGNER_PRIVATE_KEY: ASTER_DOC_KEY,
    },
    expect: { ASTER_USER: "warning", ASTER_SIGNER: "ok" },
    ok: true,
    mode: V3,
  },
  {
    name: "V1 key pair",
    env: ASTER_V1,
    expect: { ASTER_API_KEY: "ok", ASTER_SECRET_KEY: "ok" },
    absent: ["ASTER_USER", "ASTER_SIGNER", "ASTER_SIGNER_PRIVATE_KEY"],
    ok: true,
    mode: V1,
    messages: { ASTER_API_KEY: /^API key, 64 characters$/ },
  },
  {
    name: "V1 half configured",
    env: { ASTER_API_KEY: ASTER_V1_KEY },
    expect: { ASTER_API_KEY: "ok", ASTER_SECRET_KEY: "missing" },
    ok: false,
    mode: V1,
  },
  {
    name: "V1 key of an unusual length warns, one with a space is refused",
    env: {
      ASTER_API_KEY: ASTER_V1_KEY.slice(0, 40),
      ASTER_SECRET_KEY: `${ASTER_V1_SECRET.slice(0, 30)} ${ASTER_V1_SECRET.slice(30)}`,
    },
    expect: { ASTER_API_KEY: "warning", ASTER_SECRET_KEY: "invalid" },
    ok: false,
    mode: V1,
    messages: {
      ASTER_API_KEY: /40 characters; these are normally 64/,
      ASTER_SECRET_KEY: /spaces or control characters/,
    },
    extraSecrets: [ASTER_V1_SECRET.slice(0, 30), ASTER_V1_SECRET.slice(30)],
  },
  {
    name: "V1 on testnet warns",
    env: { ...ASTER_V1, ASTER_ENVIRONMENT: "testnet" },
    expect: { ASTER_ENVIRONMENT: "warning" },
    ok: true,
    mode: V1,
  },
  {
    name: "both complete: V3 wins, V1 variables are reported as ignored",
    env: { ...ASTER_V3, ...ASTER_V1 },
    expect: { ASTER_SIGNER: "ok", ASTER_API_KEY: "warning", ASTER_SECRET_KEY: "warning" },
    ok: true,
    mode: V3,
    messages: {
      ASTER_API_KEY: /ignored: V3 API wallet \(EIP-712\) credentials .* take precedence over V1 HMAC/,
    },
  },
  {
    name: "V3 complete and a stray V1 variable: the half mode is refused",
    env: { ...ASTER_V3, ASTER_SECRET_KEY: ASTER_V1_SECRET },
    expect: { ASTER_SIGNER: "ok", ASTER_SECRET_KEY: "invalid" },
    absent: ["ASTER_API_KEY"],
    ok: false,
    mode: V3,
    messages: { ASTER_SECRET_KEY: /set without ASTER_API_KEY/ },
  },
  {
    name: "V1 complete and a stray V3 variable",
    env: { ...ASTER_V1, ASTER_SIGNER: ASTER_DOC_SIGNER },
    expect: { ASTER_API_KEY: "ok", ASTER_SIGNER: "invalid" },
    ok: false,
    mode: V1,
    messages: { ASTER_SIGNER: /set without ASTER_USER and ASTER_SIGNER_PRIVATE_KEY/ },
  },
  {
    name: "nothing set: the V3 variables are missing and V1 is mentioned",
    env: {},
    expect: { ASTER_USER: "missing", ASTER_SIGNER: "missing", ASTER_SIGNER_PRIVATE_KEY: "missing" },
    absent: ["ASTER_API_KEY", "ASTER_SECRET_KEY"],
    ok: false,
    messages: { ASTER_USER: /or ASTER_API_KEY and ASTER_SECRET_KEY/ },
  },
  {
    name: "unknown environments are refused",
    env: { ...ASTER_V3, ASTER_ENVIRONMENT: "Testnet" },
    expect: { ASTER_ENVIRONMENT: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_ENVIRONMENT: /^"Testnet" is not one of mainnet, testnet \(values are lower case\)$/ },
  },
  {
    name: "a long environment value is not echoed",
    env: { ...ASTER_V3, ASTER_ENVIRONMENT: ASTER_V1_SECRET },
    expect: { ASTER_ENVIRONMENT: "invalid" },
    ok: false,
    mode: V3,
    messages: { ASTER_ENVIRONMENT: /^a value of 64 characters is not one of/ },
    extraSecrets: [ASTER_V1_SECRET],
  },
  {
    name: "URL overrides",
    env: { ...ASTER_V3, ASTER_BASE_URL: "https://fapi.asterdex-testnet.com", ASTER_WS_URL: "ftp://x" },
    expect: { ASTER_BASE_URL: "ok", ASTER_WS_URL: "invalid" },
    ok: false,
    mode: V3,
  },
  {
    name: "tuning variables in whole milliseconds",
    env: {
      ...ASTER_V1,
      ASTER_HTTP_TIMEOUT_MS: "2500",
      ASTER_WS_STALE_MS: "15000",
      ASTER_RECV_WINDOW_MS: "10000",
    },
    expect: { ASTER_HTTP_TIMEOUT_MS: "ok", ASTER_WS_STALE_MS: "ok", ASTER_RECV_WINDOW_MS: "ok" },
    ok: true,
    mode: V1,
    messages: {
      ASTER_HTTP_TIMEOUT_MS: /^2500 ms \(time allowed per REST request/,
      ASTER_RECV_WINDOW_MS: /^10000 ms/,
    },
  },
  {
    name: "tuning variables that are not whole milliseconds, or a recvWindow above 60 s",
    env: {
      ...ASTER_V3,
      ASTER_HTTP_TIMEOUT_MS: "2.5s",
      ASTER_WS_STALE_MS: "0",
      ASTER_RECV_WINDOW_MS: "60001",
    },
    expect: {
      ASTER_HTTP_TIMEOUT_MS: "invalid",
      ASTER_WS_STALE_MS: "invalid",
      ASTER_RECV_WINDOW_MS: "invalid",
    },
    ok: false,
    mode: V3,
    messages: {
      ASTER_HTTP_TIMEOUT_MS: /^"2\.5s" is not a whole number of milliseconds/,
      ASTER_WS_STALE_MS: /^"0" is not a whole number of milliseconds >= 1/,
      ASTER_RECV_WINDOW_MS: /above the largest accepted value, 60000 ms/,
    },
  },
]);

// ---------------------------------------------------------------------------------------------------------
// Lighter.

const LIGHTER_GOOD = {
  API_KEY_PRIVATE_KEY: LIGHTER_KEY,
  LIGHTER_ACCOUNT_INDEX: "12345",
  LIGHTER_API_KEY_INDEX: "4",
};

runCases("lighter", [
  {
    name: "vector key: its public key is shown",
    env: LIGHTER_GOOD,
    expect: {
      API_KEY_PRIVATE_KEY: "ok",
      LIGHTER_ACCOUNT_INDEX: "ok",
      LIGHTER_API_KEY_INDEX: "ok",
      LIGHTER_ENVIRONMENT: "ok",
    },
    ok: true,
    messages: {
      API_KEY_PRIVATE_KEY: new RegExp(`^40-byte API private key; public key ${LIGHTER_PUBLIC}$`),
      LIGHTER_ACCOUNT_INDEX: /^account 12345 \(main account\)$/,
      LIGHTER_API_KEY_INDEX: /^API key 4$/,
    },
  },
  {
    name: "generated key with 0x, boundary indexes",
    env: {
      API_KEY_PRIVATE_KEY: `0x${LIGHTER_KEY_2}`,
      LIGHTER_ACCOUNT_INDEX: `${(1n << 48n) - 2n}`,
      LIGHTER_API_KEY_INDEX: "254",
      LIGHTER_ENVIRONMENT: "testnet",
    },
    expect: {
      API_KEY_PRIVATE_KEY: "ok",
      LIGHTER_ACCOUNT_INDEX: "ok",
      LIGHTER_API_KEY_INDEX: "ok",
      LIGHTER_ENVIRONMENT: "ok",
    },
    ok: true,
    messages: { LIGHTER_ACCOUNT_INDEX: /sub-account/ },
  },
  {
    name: "account index 0 is a main account",
    env: { ...LIGHTER_GOOD, LIGHTER_ACCOUNT_INDEX: "0" },
    expect: { LIGHTER_ACCOUNT_INDEX: "ok" },
    ok: true,
  },
  {
    name: "account index 2^47 is a sub-account",
    env: { ...LIGHTER_GOOD, LIGHTER_ACCOUNT_INDEX: `${1n << 47n}` },
    expect: { LIGHTER_ACCOUNT_INDEX: "ok" },
    ok: true,
    messages: { LIGHTER_ACCOUNT_INDEX: /sub-account/ },
  },
  {
    name: "account index 2^48 - 1 is too large",
    env: { ...LIGHTER_GOOD, LIGHTER_ACCOUNT_INDEX: `${(1n << 48n) - 1n}` },
    expect: { LIGHTER_ACCOUNT_INDEX: "invalid" },
    ok: false,
    messages: { LIGHTER_ACCOUNT_INDEX: /281474976710655 is above the largest account index 281474976710654/ },
  },
  {
    name: "negative account index is not a whole number",
    env: { ...LIGHTER_GOOD, LIGHTER_ACCOUNT_INDEX: "-1" },
    expect: { LIGHTER_ACCOUNT_INDEX: "invalid" },
    ok: false,
    messages: { LIGHTER_ACCOUNT_INDEX: /expected a whole number, got 2 characters/ },
  },
  {
    name: "non-numeric account index",
    env: { ...LIGHTER_GOOD, LIGHTER_ACCOUNT_INDEX: "12a" },
    expect: { LIGHTER_ACCOUNT_INDEX: "invalid" },
    ok: false,
    messages: { LIGHTER_ACCOUNT_INDEX: /expected a whole number, got 3 characters/ },
  },
  {
    name: "API key index 0 is reserved for the apps",
    env: { ...LIGHTER_GOOD, LIGHTER_API_KEY_INDEX: "0" },
    expect: { LIGHTER_API_KEY_INDEX: "warning" },
    ok: true,
  },
  {
    name: "API key index 255 is the nil index",
    env: { ...LIGHTER_GOOD, LIGHTER_API_KEY_INDEX: "255" },
    expect: { LIGHTER_API_KEY_INDEX: "invalid" },
    ok: false,
  },
  {
    name: "API key index 3 is reserved for the apps",
    env: { ...LIGHTER_GOOD, LIGHTER_API_KEY_INDEX: "3" },
    expect: { LIGHTER_API_KEY_INDEX: "warning" },
    ok: true,
    messages: { LIGHTER_API_KEY_INDEX: /reserves API key indexes 0 to 3/ },
  },
  {
    name: "API key index 1.5 is not a whole number",
    env: { ...LIGHTER_GOOD, LIGHTER_API_KEY_INDEX: "1.5" },
    expect: { LIGHTER_API_KEY_INDEX: "invalid" },
    ok: false,
  },
  {
    name: "key of 78 hex digits",
    env: { ...LIGHTER_GOOD, API_KEY_PRIVATE_KEY: LIGHTER_KEY.slice(0, 78) },
    expect: { API_KEY_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: {
      API_KEY_PRIVATE_KEY: /expected 40 bytes as 80 hex digits \(with or without 0x\), got 78 digits/,
    },
    extraSecrets: [LIGHTER_KEY],
  },
  {
    name: "key of 64 hex digits (an Ethereum key?)",
    env: { ...LIGHTER_GOOD, API_KEY_PRIVATE_KEY: ASTER_KEY },
    expect: { API_KEY_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { API_KEY_PRIVATE_KEY: /got 64 digits/ },
  },
  {
    name: "key with a non-hex character",
    env: { ...LIGHTER_GOOD, API_KEY_PRIVATE_KEY: `${LIGHTER_KEY.slice(0, 79)}z` },
    expect: { API_KEY_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { API_KEY_PRIVATE_KEY: /not hex digits/ },
    extraSecrets: [LIGHTER_KEY],
  },
  {
    name: "zero key",
    env: { ...LIGHTER_GOOD, API_KEY_PRIVATE_KEY: "0".repeat(80) },
    expect: { API_KEY_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { API_KEY_PRIVATE_KEY: /zero modulo the group order/ },
  },
  {
    name: "nothing set",
    env: {},
    expect: {
      API_KEY_PRIVATE_KEY: "missing",
      LIGHTER_ACCOUNT_INDEX: "missing",
      LIGHTER_API_KEY_INDEX: "missing",
    },
    ok: false,
  },
  {
    name: "unknown environment and a WebSocket URL with an http scheme",
    env: {
      ...LIGHTER_GOOD,
      LIGHTER_ENVIRONMENT: "prod",
      LIGHTER_WS_URL: "https://mainnet.zklighter.elliot.ai/stream",
    },
    expect: { LIGHTER_ENVIRONMENT: "invalid", LIGHTER_WS_URL: "invalid" },
    ok: false,
    messages: { LIGHTER_ENVIRONMENT: /"prod" is not one of mainnet, testnet/ },
  },
]);

// ---------------------------------------------------------------------------------------------------------
// Paradex.

const PARADEX_GOOD = { PARADEX_L1_ADDRESS: PARADEX_L1, PARADEX_L2_PRIVATE_KEY: PARADEX_KEY };

runCases("paradex", [
  {
    name: "vector key: its public key is shown, prod by default",
    env: PARADEX_GOOD,
    expect: {
      PARADEX_L1_ADDRESS: "ok",
      PARADEX_L2_PRIVATE_KEY: "ok",
      PARADEX_L2_ADDRESS: "ok",
      PARADEX_ENVIRONMENT: "ok",
    },
    ok: true,
    messages: {
      PARADEX_L2_PRIVATE_KEY: new RegExp(`public key ${PARADEX_PUBLIC}$`),
      PARADEX_L2_ADDRESS: /not set \(optional\)/,
      PARADEX_ENVIRONMENT: /not set; default prod/,
    },
  },
  {
    name: "generated key, account address and testnet",
    env: {
      PARADEX_L1_ADDRESS: PARADEX_L1.toLowerCase(),
      PARADEX_L2_PRIVATE_KEY: PARADEX_KEY_2,
      PARADEX_L2_ADDRESS: PARADEX_ACCOUNT,
      PARADEX_ENVIRONMENT: "testnet",
    },
    expect: { PARADEX_L2_PRIVATE_KEY: "ok", PARADEX_L2_ADDRESS: "ok", PARADEX_ENVIRONMENT: "ok" },
    ok: true,
    messages: {
      PARADEX_L2_PRIVATE_KEY: new RegExp(`public key ${getStarkKey(PARADEX_KEY_2.slice(2))}$`),
      PARADEX_L2_ADDRESS: new RegExp(`Starknet account ${PARADEX_ACCOUNT}$`),
    },
  },
  {
    name: "key equal to the curve order is refused (an Ethereum key, probably)",
    env: { ...PARADEX_GOOD, PARADEX_L2_PRIVATE_KEY: CURVE_ORDER.toString(16) },
    expect: { PARADEX_L2_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { PARADEX_L2_PRIVATE_KEY: /not below the Stark curve order/ },
  },
  {
    name: "key n - 1 is the largest accepted",
    env: { ...PARADEX_GOOD, PARADEX_L2_PRIVATE_KEY: `0x${(CURVE_ORDER - 1n).toString(16)}` },
    expect: { PARADEX_L2_PRIVATE_KEY: "ok" },
    ok: true,
  },
  {
    name: "an Ethereum key is refused",
    env: {
      ...PARADEX_GOOD,
      PARADEX_L2_PRIVATE_KEY: "0xf8e4d1d772cdd44e5e77615ad11cc071c94e4c06dc21150d903f28e6aa6abdff",
    },
    expect: { PARADEX_L2_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { PARADEX_L2_PRIVATE_KEY: /Ethereum/ },
  },
  {
    name: "zero key",
    env: { ...PARADEX_GOOD, PARADEX_L2_PRIVATE_KEY: "0x0" },
    expect: { PARADEX_L2_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { PARADEX_L2_PRIVATE_KEY: /is zero/ },
  },
  {
    name: "key of 65 hex digits",
    env: { ...PARADEX_GOOD, PARADEX_L2_PRIVATE_KEY: `0${starkKey("paradex 65")}` },
    expect: { PARADEX_L2_PRIVATE_KEY: "invalid" },
    ok: false,
    messages: { PARADEX_L2_PRIVATE_KEY: /at most 64 hex digits, got 65/ },
  },
  {
    name: "account address equal to the field prime",
    env: { ...PARADEX_GOOD, PARADEX_L2_ADDRESS: `0x${FIELD_PRIME.toString(16)}` },
    expect: { PARADEX_L2_ADDRESS: "invalid" },
    ok: false,
    messages: { PARADEX_L2_ADDRESS: /below the Stark prime/ },
  },
  {
    name: "account address p - 1 is accepted",
    env: { ...PARADEX_GOOD, PARADEX_L2_ADDRESS: `0x${(FIELD_PRIME - 1n).toString(16)}` },
    expect: { PARADEX_L2_ADDRESS: "ok" },
    ok: true,
  },
  {
    name: "account address without 0x",
    env: { ...PARADEX_GOOD, PARADEX_L2_ADDRESS: PARADEX_ACCOUNT.slice(2) },
    expect: { PARADEX_L2_ADDRESS: "invalid" },
    ok: false,
  },
  {
    name: "nightly is refused instead of silently meaning testnet",
    env: { ...PARADEX_GOOD, PARADEX_ENVIRONMENT: "nightly" },
    expect: { PARADEX_ENVIRONMENT: "invalid" },
    ok: false,
    messages: {
      PARADEX_ENVIRONMENT: /"nightly" is not one of prod, testnet; perpbot does not fall back to testnet/,
    },
  },
  {
    name: "upper-case PROD is refused with a hint",
    env: { ...PARADEX_GOOD, PARADEX_ENVIRONMENT: "PROD" },
    expect: { PARADEX_ENVIRONMENT: "invalid" },
    ok: false,
    messages: { PARADEX_ENVIRONMENT: /values are lower case/ },
  },
  {
    name: "nothing set",
    env: {},
    expect: { PARADEX_L1_ADDRESS: "missing", PARADEX_L2_PRIVATE_KEY: "missing", PARADEX_L2_ADDRESS: "ok" },
    ok: false,
  },
  {
    name: "L1 address of the wrong length",
    env: { ...PARADEX_GOOD, PARADEX_L1_ADDRESS: PARADEX_L1.slice(0, 41) },
    expect: { PARADEX_L1_ADDRESS: "invalid" },
    ok: false,
  },
]);

// ---------------------------------------------------------------------------------------------------------
// EdgeX.

const EDGEX_V1_GOOD = { EDGEX_ACCOUNT_ID: "543429922991899150", EDGEX_STARK_PRIVATE_KEY: EDGEX_STARK };
const EDGEX_V2_GOOD = { EDGEX_ACCOUNT_ID: "724625476626153743", ...EDGEX_V2 };
const EV1 = "V1 Stark key (StarkEx)";
const EV2 = "V2 API key (HMAC + EIP-712)";

runCases("edgex", [
  {
    name: "V1 with the SDK test key: its public key is shown",
    env: EDGEX_V1_GOOD,
    expect: { EDGEX_ACCOUNT_ID: "ok", EDGEX_STARK_PRIVATE_KEY: "ok" },
    absent: ["EDGEX_API_KEY", "EDGEX_SIGNER_PRIVATE_KEY"],
    ok: true,
    mode: EV1,
    messages: {
      EDGEX_STARK_PRIVATE_KEY: new RegExp(`public key ${EDGEX_STARK_PUBLIC}$`),
      EDGEX_ACCOUNT_ID: /^account 543429922991899150$/,
    },
  },
  {
    name: "V1 with a generated key with 0x",
    env: { ...EDGEX_V1_GOOD, EDGEX_STARK_PRIVATE_KEY: `0x${starkKey("edgex")}` },
    expect: { EDGEX_STARK_PRIVATE_KEY: "ok" },
    ok: true,
    mode: EV1,
    messages: { EDGEX_STARK_PRIVATE_KEY: new RegExp(`public key ${getStarkKey(starkKey("edgex"))}$`) },
  },
  {
    name: "V1 key not hex",
    env: { ...EDGEX_V1_GOOD, EDGEX_STARK_PRIVATE_KEY: `${EDGEX_STARK.slice(0, 63)}x` },
    expect: { EDGEX_STARK_PRIVATE_KEY: "invalid" },
    ok: false,
    mode: EV1,
    extraSecrets: [EDGEX_STARK],
  },
  {
    name: "V2 complete",
    env: EDGEX_V2_GOOD,
    expect: {
      EDGEX_API_KEY: "ok",
      EDGEX_API_SECRET: "ok",
      EDGEX_API_PASSPHRASE: "ok",
      EDGEX_SIGNER_PRIVATE_KEY: "ok",
    },
    absent: ["EDGEX_STARK_PRIVATE_KEY", "EDGEX_SIGNER_ADDRESS"],
    ok: true,
    mode: EV2,
    messages: { EDGEX_SIGNER_PRIVATE_KEY: new RegExp(`signer key of ${EDGEX_SIGNER}$`) },
  },
  {
    name: "V2 with a matching signer address",
    env: { ...EDGEX_V2_GOOD, EDGEX_SIGNER_ADDRESS: EDGEX_SIGNER.toLowerCase() },
    expect: { EDGEX_SIGNER_ADDRESS: "ok" },
    ok: true,
    mode: EV2,
  },
  {
    name: "V2 with another signer address",
    env: { ...EDGEX_V2_GOOD, EDGEX_SIGNER_ADDRESS: ASTER_DOC_SIGNER },
    expect: { EDGEX_SIGNER_ADDRESS: "invalid" },
    ok: false,
    mode: EV2,
    messages: { EDGEX_SIGNER_ADDRESS: new RegExp(`which is ${EDGEX_SIGNER}`) },
  },
  {
    name: "V2 half configured",
    env: {
      EDGEX_ACCOUNT_ID: "1",
      EDGEX_API_KEY: EDGEX_V2.EDGEX_API_KEY,
      EDGEX_API_SECRET: EDGEX_V2.EDGEX_API_SECRET,
    },
    expect: {
      EDGEX_API_KEY: "ok",
      EDGEX_API_SECRET: "ok",
      EDGEX_API_PASSPHRASE: "missing",
      EDGEX_SIGNER_PRIVATE_KEY: "missing",
    },
    ok: false,
    mode: EV2,
    messages: { EDGEX_API_PASSPHRASE: /needed because EDGEX_API_KEY and EDGEX_API_SECRET are set/ },
  },
  {
    name: "V1 complete and a stray V2 variable",
    env: { ...EDGEX_V1_GOOD, EDGEX_API_KEY: EDGEX_V2.EDGEX_API_KEY },
    expect: { EDGEX_STARK_PRIVATE_KEY: "ok", EDGEX_API_KEY: "invalid" },
    ok: false,
    mode: EV1,
  },
  {
    name: "both complete: V2 wins",
    env: { ...EDGEX_V2_GOOD, EDGEX_STARK_PRIVATE_KEY: EDGEX_STARK },
    expect: { EDGEX_SIGNER_PRIVATE_KEY: "ok", EDGEX_STARK_PRIVATE_KEY: "warning" },
    ok: true,
    mode: EV2,
  },
  {
    name: "V1 credentials pointed at the V2 host, signer address ignored",
    env: {
      ...EDGEX_V1_GOOD,
      EDGEX_BASE_URL: "https://edgex-prod-v2.edgex.exchange",
      EDGEX_WS_URL: "wss://quote.edgex.exchange",
      EDGEX_SIGNER_ADDRESS: EDGEX_SIGNER,
    },
    expect: { EDGEX_BASE_URL: "warning", EDGEX_WS_URL: "ok", EDGEX_SIGNER_ADDRESS: "warning" },
    ok: true,
    mode: EV1,
    messages: { EDGEX_BASE_URL: /EdgeX V2 host, but V1 Stark key/ },
  },
  {
    name: "account id 2^63 - 1 is the largest",
    env: { ...EDGEX_V1_GOOD, EDGEX_ACCOUNT_ID: `${(1n << 63n) - 1n}` },
    expect: { EDGEX_ACCOUNT_ID: "ok" },
    ok: true,
    mode: EV1,
  },
  {
    name: "account id 2^63 is too large",
    env: { ...EDGEX_V1_GOOD, EDGEX_ACCOUNT_ID: `${1n << 63n}` },
    expect: { EDGEX_ACCOUNT_ID: "invalid" },
    ok: false,
    mode: EV1,
  },
  {
    name: "account id 0",
    env: { ...EDGEX_V1_GOOD, EDGEX_ACCOUNT_ID: "0" },
    expect: { EDGEX_ACCOUNT_ID: "invalid" },
    ok: false,
    mode: EV1,
  },
  {
    name: "a Stark key pasted into the account id is refused and not echoed",
    env: { ...EDGEX_V1_GOOD, EDGEX_ACCOUNT_ID: EDGEX_STARK },
    expect: { EDGEX_ACCOUNT_ID: "invalid" },
    ok: false,
    mode: EV1,
    messages: { EDGEX_ACCOUNT_ID: /^expected a whole number, got 64 characters$/ },
  },
  {
    name: "nothing set",
    env: {},
    expect: { EDGEX_ACCOUNT_ID: "missing", EDGEX_STARK_PRIVATE_KEY: "missing" },
    ok: false,
    messages: { EDGEX_STARK_PRIVATE_KEY: /for the V2 API set EDGEX_API_KEY/ },
  },
]);

// ---------------------------------------------------------------------------------------------------------
// Variables every venue reads (checked on the paper venue, which needs nothing else).

runCases("paper", [
  {
    name: "empty environment is fine",
    env: {},
    expect: { ACCOUNT_NAME: "ok", TIMEZONE: "ok", TELEGRAM_BOT_TOKEN: "ok", LARK_TOKEN: "ok" },
    absent: ["TELEGRAM_CHAT_ID", "TELEGRAM_BASE_URL", "LARK_BASE_URL"],
    ok: true,
    messages: { TIMEZONE: /^not set; default Asia\/Shanghai$/ },
  },
  {
    name: "account name, time zone, Telegram and Lark configured",
    env: {
      ACCOUNT_NAME: "main-1",
      TIMEZONE: "UTC",
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_CHAT_ID: "-1001234567890",
      TELEGRAM_BASE_URL: "http://localhost:9000",
      LARK_TOKEN: "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
      LARK_BASE_URL: "https://open.larksuite.com",
    },
    expect: {
      ACCOUNT_NAME: "ok",
      TIMEZONE: "ok",
      TELEGRAM_BOT_TOKEN: "ok",
      TELEGRAM_CHAT_ID: "ok",
      TELEGRAM_BASE_URL: "ok",
      LARK_TOKEN: "ok",
      LARK_BASE_URL: "ok",
    },
    ok: true,
    messages: { ACCOUNT_NAME: /"main-1"/, TIMEZONE: /^UTC$/ },
  },
  {
    name: "bad account name and time zone are each reported",
    env: { ACCOUNT_NAME: "my account", TIMEZONE: "Mars/Olympus" },
    expect: { ACCOUNT_NAME: "invalid", TIMEZONE: "invalid" },
    ok: false,
    messages: {
      ACCOUNT_NAME: /^"my account" may contain only/,
      TIMEZONE: /^"Mars\/Olympus" is not an IANA time zone/,
    },
  },
  {
    name: "Telegram token without chat id",
    env: { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN },
    expect: { TELEGRAM_BOT_TOKEN: "ok", TELEGRAM_CHAT_ID: "invalid" },
    ok: false,
  },
  {
    name: "Telegram chat id without token",
    env: { TELEGRAM_CHAT_ID: "@perpbot_alerts" },
    expect: { TELEGRAM_BOT_TOKEN: "invalid", TELEGRAM_CHAT_ID: "ok" },
    ok: false,
  },
  {
    name: "Telegram chat id that is not one, and an odd token shape",
    env: { TELEGRAM_BOT_TOKEN: "not-a-bot-token-value", TELEGRAM_CHAT_ID: "my chat" },
    expect: { TELEGRAM_BOT_TOKEN: "warning", TELEGRAM_CHAT_ID: "invalid" },
    ok: false,
  },
  {
    name: "Telegram token with a line break",
    env: {
      TELEGRAM_BOT_TOKEN: `${TELEGRAM_TOKEN.slice(0, 20)}\n${TELEGRAM_TOKEN.slice(20)}`,
      TELEGRAM_CHAT_ID: "42",
    },
    expect: { TELEGRAM_BOT_TOKEN: "invalid", TELEGRAM_CHAT_ID: "ok" },
    ok: false,
    extraSecrets: [TELEGRAM_TOKEN.slice(0, 20), TELEGRAM_TOKEN.slice(20)],
  },
  {
    name: "base URLs without their tokens are ignored with a warning",
    env: { TELEGRAM_BASE_URL: "https://api.telegram.org", LARK_BASE_URL: "https://www.feishu.cn" },
    expect: { TELEGRAM_BASE_URL: "warning", LARK_BASE_URL: "warning" },
    ok: true,
  },
  {
    name: "blank notification variables count as not set",
    env: { TELEGRAM_BOT_TOKEN: " ", TELEGRAM_CHAT_ID: "", LARK_TOKEN: "\t" },
    expect: { TELEGRAM_BOT_TOKEN: "ok", LARK_TOKEN: "ok" },
    absent: ["TELEGRAM_CHAT_ID"],
    ok: true,
  },
  {
    name: "venue variables are not checked for paper",
    env: { BACKPACK_SECRET_KEY: "short" },
    expect: {},
    absent: ["BACKPACK_SECRET_KEY", "BACKPACK_PUBLIC_KEY"],
    ok: true,
  },
]);

Deno.test("checkEnv: every venue runs the common checks, after its own", () => {
  for (const exchange of EXCHANGE_NAMES) {
    const report = checkEnv(exchange, { TIMEZONE: "Nowhere/Town" });
    const tz = report.checks.find((c) => c.variable === "TIMEZONE");
    assert.equal(tz?.status, "invalid", exchange);
    assert.equal(report.ok, false);
    // Lines follow the documented order of the variables: the venue's, then the common ones.
    const order = [...VENUE_ENV_VARS[exchange], ...COMMON_ENV_VARS];
    const ranks = report.checks.map((c) => order.indexOf(c.variable));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), exchange);
    assert.ok(ranks.every((r) => r >= 0));
  }
});

// ---------------------------------------------------------------------------------------------------------
// Modes, variable lists and formats.

Deno.test("detectAsterMode and detectEdgexMode: complete beats partial, newest API first", () => {
  const aster: [Record<string, string>, string | undefined][] = [
    [{}, undefined],
    [ASTER_V3, "v3"],
    [ASTER_V1, "v1"],
    [{ ...ASTER_V3, ...ASTER_V1 }, "v3"],
    [{ ...ASTER_V1, ASTER_USER: ASTER_DOC_USER }, "v1"],
    [{ ASTER_USER: ASTER_DOC_USER, ASTER_API_KEY: ASTER_V1_KEY }, "v3"],
    [{ ASTER_SECRET_KEY: ASTER_V1_SECRET }, "v1"],
    [{ ASTER_USER: "  " }, undefined],
  ];
  for (const [env, mode] of aster) assert.equal(detectAsterMode(env), mode, JSON.stringify(Object.keys(env)));
  const edgex: [Record<string, string>, string | undefined][] = [
    [{ EDGEX_ACCOUNT_ID: "1" }, undefined],
    [EDGEX_V1_GOOD, "v1"],
    [EDGEX_V2_GOOD, "v2"],
    [{ ...EDGEX_V2_GOOD, EDGEX_STARK_PRIVATE_KEY: EDGEX_STARK }, "v2"],
    [{ ...EDGEX_V1_GOOD, EDGEX_API_KEY: "k" }, "v1"],
    [{ EDGEX_API_PASSPHRASE: "p" }, "v2"],
  ];
  for (const [env, mode] of edgex) assert.equal(detectEdgexMode(env), mode, JSON.stringify(Object.keys(env)));
});

Deno.test("COMMON_ENV_VARS, VENUE_ENV_VARS and SECRET_ENV_VARS", () => {
  assert.deepEqual(COMMON_ENV_VARS, [
    "ACCOUNT_NAME",
    "TIMEZONE",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_CHAT_ID",
    "TELEGRAM_BASE_URL",
    "LARK_TOKEN",
    "LARK_BASE_URL",
  ]);
  assert.deepEqual(Object.keys(VENUE_ENV_VARS).sort(), [...EXCHANGE_NAMES].sort());
  assert.deepEqual(VENUE_ENV_VARS.paper, []);
  const all = new Set([...COMMON_ENV_VARS, ...Object.values(VENUE_ENV_VARS).flat()]);
  assert.equal(
    all.size,
    COMMON_ENV_VARS.length + Object.values(VENUE_ENV_VARS).flat().length,
    "no duplicates",
  );
  for (const name of SECRET_ENV_VARS) {
    assert.ok(all.has(name), name);
    // The log redactor must recognise every secret by its name too.
    assert.equal(
      Redactor.fromEnv({ [name]: "s3cr3t-value" }).redact("x s3cr3t-value y"),
      `x ${REDACTED} y`,
      name,
    );
  }
  for (const setting of Object.values(VENUE_ENVIRONMENTS)) {
    assert.ok(all.has(setting.variable));
    assert.ok(setting.values.includes(setting.default));
  }
  assert.deepEqual(VENUE_ENVIRONMENTS.paradex?.values, ["prod", "testnet"]);
});

function report(exchange: ExchangeName, env: Record<string, string>): EnvReport {
  return checkEnv(exchange, env);
}

Deno.test("formatReport: aligned columns, one line per check, a verdict line", () => {
  const good = report("backpack", BACKPACK_GOOD);
  const lines = formatReport(good).split("\n");
  assert.equal(lines.length, good.checks.length + 1);
  assert.equal(lines[0], "ok       BACKPACK_PUBLIC_KEY  ed25519 public key, matches the secret key");
  assert.equal(lines[1], "ok       BACKPACK_SECRET_KEY  32-byte ed25519 seed (base64)");
  assert.equal(lines.at(-1), "OK: backpack configuration is complete");

  const bad = report("backpack", { ...BACKPACK_GOOD, BACKPACK_SECRET_KEY: b64(RFC_SEED.subarray(0, 31)) });
  const badLines = formatReport(bad).split("\n");
  assert.equal(badLines[1], "invalid  BACKPACK_SECRET_KEY  base64 decodes to 31 bytes, expected 32");
  assert.equal(
    badLines.at(-1),
    "FAILED: backpack configuration has 1 invalid variable; fix the lines marked missing or invalid",
  );

  const aster = formatReport(report("aster", { ...ASTER_V3, ...ASTER_V1 })).split("\n");
  assert.equal(
    aster.at(-1),
    "OK: aster configuration is complete (mode: V3 API wallet (EIP-712); 2 warnings)",
  );
  assert.ok(aster[3]!.startsWith(`warning  ${"ASTER_API_KEY".padEnd(26)}ignored: `), aster[3]);

  const missing = formatReport(report("aster", { ASTER_USER: ASTER_DOC_USER, ASTER_API_KEY: ASTER_V1_KEY }));
  assert.equal(
    missing.split("\n").at(-1),
    "FAILED: aster configuration has 2 missing and 1 invalid variables (mode: V3 API wallet (EIP-712)); " +
      "fix the lines marked missing or invalid",
  );
});

Deno.test("reportJson: plain JSON with counts, mode null when the venue has one mode", () => {
  const json = JSON.parse(
    JSON.stringify(reportJson(report("edgex", { ...EDGEX_V2_GOOD, EDGEX_STARK_PRIVATE_KEY: EDGEX_STARK }))),
  );
  assert.equal(json.exchange, "edgex");
  assert.equal(json.mode, "V2 API key (HMAC + EIP-712)");
  assert.equal(json.ok, true);
  assert.deepEqual(json.counts, { ok: 9, missing: 0, invalid: 0, warning: 1 });
  assert.deepEqual(json.checks[0], {
    variable: "EDGEX_ACCOUNT_ID",
    status: "ok",
    message: "account 724625476626153743",
  });
  assert.equal(json.checks.length, 10);

  const paper = JSON.parse(JSON.stringify(reportJson(report("paper", {}))));
  assert.equal(paper.mode, null);
  assert.deepEqual(Object.keys(paper), ["exchange", "mode", "ok", "counts", "checks"]);
});
