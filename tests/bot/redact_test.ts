/** Secrets never leave the process: every known secret value, and its common encodings, is replaced. */
import assert from "node:assert/strict";
import { REDACTED, Redactor } from "../../bot/redact.ts";

const KEY = "0x5f2c9e1d7a3b4c6d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d";

Deno.test("redact replaces every occurrence of a secret", () => {
  const r = new Redactor(["s3cr3t-value"]);
  assert.equal(r.redact("key=s3cr3t-value"), `key=${REDACTED}`);
  assert.equal(r.redact("s3cr3t-value s3cr3t-value"), `${REDACTED} ${REDACTED}`);
  assert.equal(r.redact("nothing to hide"), "nothing to hide");
  assert.equal(r.redact(""), "");
  assert.equal(REDACTED, "[REDACTED]");
});

Deno.test("redact covers the 0x-less and URL-encoded forms", () => {
  const hex = new Redactor([KEY]);
  assert.equal(hex.redact(`signing with ${KEY}`), `signing with ${REDACTED}`);
  assert.equal(hex.redact(`raw ${KEY.slice(2)}`), `raw ${REDACTED}`);
  const upper = new Redactor(["0X" + KEY.slice(2)]);
  assert.equal(upper.redact(KEY.slice(2)), REDACTED);

  const withSymbols = "a+b/c=d&e f";
  const r = new Redactor([withSymbols]);
  assert.equal(r.redact(`body: ${withSymbols}`), `body: ${REDACTED}`);
  assert.equal(r.redact(`url: ?k=${encodeURIComponent(withSymbols)}`), `url: ?k=${REDACTED}`);
});

Deno.test("secrets shorter than 6 characters are ignored; blanks around secrets are trimmed", () => {
  const r = new Redactor(["12345", "", "  abc  ", "  longsecret  "]);
  assert.equal(r.redact("order 12345 at abc"), "order 12345 at abc");
  assert.equal(r.redact("x longsecret y"), `x ${REDACTED} y`);
  // The 0x-less form of a 7-character 0x value is too short to be told from ordinary hex digits.
  const short = new Redactor(["0xabc12"]);
  assert.equal(short.redact("0xabc12 abc12"), `${REDACTED} abc12`);
});

Deno.test("a secret that contains another is replaced whole", () => {
  const r = new Redactor(["abcdef", "abcdefghijkl"]);
  assert.equal(r.redact("abcdefghijkl"), REDACTED);
  assert.equal(r.redact("abcdef-abcdefghijkl"), `${REDACTED}-${REDACTED}`);
  const reversed = new Redactor(["abcdefghijkl", "abcdef"]);
  assert.equal(reversed.redact("abcdefghijkl"), REDACTED);
});

Deno.test("fromEnv redacts keys, secrets, tokens and passwords, but not ordinary settings", () => {
  const env = {
    EDGEX_STARK_PRIVATE_KEY: KEY,
    BACKPACK_SECRET_KEY: "YmFja3BhY2stc2VjcmV0LWtleQ==",
    BACKPACK_PUBLIC_KEY: "cHVibGljLWtleS12YWx1ZQ==",
    ASTER_API_KEY: "asterapikey123456",
    TELEGRAM_BOT_TOKEN: "123456:ABCdefGhIjk",
    PARADEX_PASSPHRASE: "correct horse battery",
    DB_PASSWORD: "hunter2hunter2",
    EDGEX_ACCOUNT_ID: "660123456789",
    ACCOUNT_NAME: "mainaccount",
    TIMEZONE: "Asia/Shanghai",
    PARADEX_L1_ADDRESS: "0x1234567890abcdef1234567890abcdef12345678",
  };
  const r = Redactor.fromEnv(env);
  const secrets = [
    env.EDGEX_STARK_PRIVATE_KEY,
    env.BACKPACK_SECRET_KEY,
    env.BACKPACK_PUBLIC_KEY,
    env.ASTER_API_KEY,
    env.TELEGRAM_BOT_TOKEN,
    env.PARADEX_PASSPHRASE,
    env.DB_PASSWORD,
  ];
  for (const s of secrets) assert.equal(r.redact(`v=${s};`), `v=${REDACTED};`, s);
  for (const plain of [env.EDGEX_ACCOUNT_ID, env.ACCOUNT_NAME, env.TIMEZONE, env.PARADEX_L1_ADDRESS]) {
    assert.equal(r.redact(`v=${plain};`), `v=${plain};`, plain);
  }
});

Deno.test("redact never leaves a fragment of the secret behind", () => {
  const secret = "ZXhhbXBsZS1zZWNyZXQtdmFsdWU";
  const r = new Redactor([secret]);
  const text = `Error: signature failed for ${secret}${secret}, retry with ${secret}`;
  const out = r.redact(text);
  assert.ok(!out.includes(secret));
  assert.ok(!out.includes(secret.slice(0, 10)));
  assert.equal(out, `Error: signature failed for ${REDACTED}${REDACTED}, retry with ${REDACTED}`);
});
