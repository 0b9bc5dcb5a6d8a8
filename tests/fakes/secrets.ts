/**
 * Known, recognisable secret values for the leak tests, and the check that an output contains none of them in
 * any form a reader could use: as written, in the encodings {@link secretForms} lists, or as a fragment.
 * @module
 */
import { secretForms } from "../../bot/redact.ts";

/**
 * One value per kind of secret perpbot reads, each unique enough that finding any 12 characters of it in an
 * output can only be a leak. Test values, not credentials.
 */
export const TEST_SECRETS = {
  /** base64 of the 32 bytes "perpbot-leak-test-backpack-seed1". */
  BACKPACK_SECRET_KEY: btoa("perpbot-leak-test-backpack-seed1"),
  /** A Stark private key (hex felt, below the curve order). */
  EDGEX_STARK_PRIVATE_KEY: "0x04c3a1f5e7d9b2c4a6e8f0d1c3b5a7e9f1d3c5b7a9e1f3d5c7b9a1e3f5d7c9b1",
  /** An EVM private key. */
  ASTER_SIGNER_PRIVATE_KEY: "0x8d5e1f3a7c9b2e4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d",
  /** An HMAC secret with symbols that URL and JSON encoding change. */
  ASTER_SECRET_KEY: 'LeakTestHmac+Secret/With=Symbols&Quote"9f2',
  /** A Telegram bot token (`<bot id>:<secret>`). */
  TELEGRAM_BOT_TOKEN: "7654321098:LeakTestTelegramToken_Q7x9Z2mP4kR8",
  /** A Lark webhook token. */
  LARK_TOKEN: "leaktest-lark-hook-3e8a91c4-77b2",
} as const;

/** Length of the fragments looked for: shorter runs of characters could occur by chance. */
export const FRAGMENT_LENGTH = 12;

/**
 * Every way `secret` could be recognised in text, lower-cased (the search ignores case, so a hex key printed in
 * upper case is found without relying on the code under test): its encodings, and each run of
 * {@link FRAGMENT_LENGTH} characters of it and of its hex digits without `0x`.
 */
export function leakPatterns(secret: string): string[] {
  const out = new Set(secretForms(secret).map((f) => f.toLowerCase()));
  for (const s of [secret, secret.replace(/^0x/i, "")]) {
    for (let i = 0; i + FRAGMENT_LENGTH <= s.length; i++) {
      out.add(s.slice(i, i + FRAGMENT_LENGTH).toLowerCase());
    }
  }
  return [...out];
}

/**
 * The leaks in `outputs` (name → text): one line per output and secret found, empty when clean. Only the
 * length of a leaked pattern is named, so a failing test does not print the secret either.
 */
export function findLeaks(
  outputs: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
): string[] {
  const leaks: string[] = [];
  for (const [name, text] of Object.entries(outputs)) {
    for (const [variable, value] of Object.entries(secrets)) {
      const lower = text.toLowerCase();
      const hit = leakPatterns(value).find((p) => lower.includes(p));
      if (hit !== undefined) {
        const at = lower.indexOf(hit);
        leaks.push(`${name} contains ${variable} (${hit.length} characters at offset ${at})`);
      }
    }
  }
  return leaks;
}
