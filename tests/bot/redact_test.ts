/** Secrets never leave the process: every known secret value, and its common encodings, is replaced. */
import assert from "node:assert/strict";
import { clipWords, REDACTED, Redactor, secretForms } from "../../bot/redact.ts";

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

/** The RFC 8032 test 1 seed, as Backpack keys are written (base64), and the same 32 bytes in hex. */
const SEED_B64 = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

Deno.test("a base64 key is redacted padded or not, URL-safe, and as the hex of its bytes", () => {
  const r = new Redactor([SEED_B64]);
  const urlSafe = SEED_B64.replaceAll("+", "-").replaceAll("/", "_");
  for (
    const form of [
      SEED_B64,
      SEED_B64.replace(/=+$/, ""),
      urlSafe,
      urlSafe.replace(/=+$/, ""),
      SEED_HEX,
      SEED_HEX.toUpperCase(),
      `0x${SEED_HEX}`,
      encodeURIComponent(SEED_B64),
    ]
  ) {
    assert.equal(r.redact(`seed=${form};`), `seed=${REDACTED};`, form);
  }
});

Deno.test("a hex key is redacted in either case, with or without 0x or leading zeros, in decimal and base64", () => {
  const key = "0x00" + KEY.slice(4);
  const r = new Redactor([key]);
  const hex = key.slice(2);
  for (
    const form of [
      key,
      hex,
      hex.toUpperCase(),
      `0x${hex.toUpperCase()}`,
      hex.replace(/^0+/, ""),
      BigInt(key).toString(),
      btoa(String.fromCharCode(...hex.match(/../g)!.map((b) => parseInt(b, 16)))),
    ]
  ) {
    assert.equal(r.redact(`k ${form} k`), `k ${REDACTED} k`, form);
  }
  // Ordinary hex (an order id, a hash prefix) shorter than a key is left alone.
  assert.equal(r.redact("order 5f2c9e1d"), "order 5f2c9e1d");
});

Deno.test("a secret inside a JSON string is redacted in its escaped forms", () => {
  const secret = 'p@ss"word\\with/slash+plus';
  const r = new Redactor([secret, SEED_B64]);
  const json = JSON.stringify({ echo: secret });
  assert.equal(r.redact(json), `{"echo":"${REDACTED}"}`);
  // Servers that escape "/" (PHP) or every symbol as \u00XX (some JSON encoders).
  const slashEscaped = JSON.stringify({ key: SEED_B64 }).replaceAll("/", "\\/");
  assert.equal(r.redact(slashEscaped), `{"key":"${REDACTED}"}`);
  const unicodeEscaped = SEED_B64.replace(
    /[^A-Za-z0-9]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  assert.equal(r.redact(`{"key":"${unicodeEscaped}"}`), `{"key":"${REDACTED}"}`);
  // Parsing such a body gives the secret back, which is redacted as written.
  assert.equal(r.redact(JSON.parse(`"${unicodeEscaped}"`)), REDACTED);
});

Deno.test("every form of a secret is long enough to be redacted", () => {
  for (const secret of [SEED_B64, KEY, "123456:ABC-telegram_token"]) {
    for (const form of secretForms(secret)) {
      assert.ok(form.length >= 6, `${secret}: form "${form}" too short`);
    }
  }
});

Deno.test("clipWords cuts between words, never inside one", () => {
  assert.equal(clipWords("short", 10), "short");
  assert.equal(clipWords("alpha beta gamma", 12), "alpha beta …");
  assert.equal(clipWords("alpha beta gamma", 10), "alpha beta…");
  assert.equal(clipWords(`{"k":"${SEED_B64}"}`, 20), `{"k":"…`);
  assert.equal(clipWords(SEED_B64, 20), "…");
  assert.equal(clipWords("", 0), "");
  // Whatever the limit, the secret is kept whole or not at all.
  for (let max = 0; max < 80; max++) {
    const out = clipWords(`error: bad key ${SEED_B64} from the venue`, max);
    assert.ok(out.length <= max + 1, `max ${max}: ${out}`);
    const tail = out.replace(/…$/, "").split(/\s/).at(-1)!;
    assert.ok(tail === "" || !SEED_B64.startsWith(tail) || tail === SEED_B64, `max ${max}: "${out}"`);
  }
});
