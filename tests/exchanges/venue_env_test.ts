/** Venue environment readers: defaults, accepted values, and refusals that name the variable. */
import assert from "node:assert/strict";
import { ConfigError } from "../../bot/errors.ts";
import { positiveMs, shown, url, type UrlOptions, type VenueEnv } from "../../exchanges/venue_env.ts";

/** Runs `f` and returns the message of the {@link ConfigError} it throws. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.message;
  }
  assert.fail("expected a refusal");
}

Deno.test("shown quotes a short word and only counts anything else", () => {
  const table: [raw: string, text: string][] = [
    ["5s", '"5s"'],
    ["abc_DEF.1+2-", '"abc_DEF.1+2-"'],
    ["abcdefghijklm", "a value of 13 characters"],
    ["a b", "a value of 3 characters"],
    ["", "a value of 0 characters"],
  ];
  for (const [raw, text] of table) assert.equal(shown(raw), text, raw);
});

Deno.test("positiveMs reads whole milliseconds >= 1 within the maximum", () => {
  const table: [env: VenueEnv, max: number | undefined, ms: number | undefined][] = [
    [{}, undefined, undefined],
    [{ T: "" }, undefined, undefined],
    [{ T: "  " }, undefined, undefined],
    [{ T: "1" }, undefined, 1],
    [{ T: " 250 " }, undefined, 250],
    [{ T: "60000" }, 60000, 60000],
  ];
  for (const [env, max, ms] of table) assert.equal(positiveMs(env, "T", max), ms, JSON.stringify(env));
});

Deno.test("positiveMs refusals name the variable", () => {
  const table: [raw: string, max: number | undefined, message: string][] = [
    ["0", undefined, 'T: "0" must be a whole number of milliseconds >= 1'],
    ["-5", undefined, 'T: "-5" must be a whole number of milliseconds >= 1'],
    ["1.5", undefined, 'T: "1.5" must be a whole number of milliseconds >= 1'],
    ["5s", undefined, 'T: "5s" must be a whole number of milliseconds >= 1'],
    [
      "99999999999999999",
      undefined,
      "T: a value of 17 characters must be a whole number of milliseconds >= 1",
    ],
    [
      "secret key pasted",
      undefined,
      "T: a value of 17 characters must be a whole number of milliseconds >= 1",
    ],
    ["60001", 60000, 'T: "60001" must be at most 60000 ms'],
  ];
  for (const [raw, max, message] of table) {
    assert.equal(refusal(() => positiveMs({ T: raw }, "T", max)), message);
  }
});

Deno.test("url keeps a valid URL without trailing slashes, or the fallback", () => {
  const https = ["https:", "http:"];
  const table: [raw: string | undefined, options: UrlOptions, result: string][] = [
    [undefined, {}, "https://default"],
    ["", {}, "https://default"],
    ["https://a.example", {}, "https://a.example"],
    ["http://127.0.0.1:8080/", { hostOnly: true }, "http://127.0.0.1:8080"],
    ["https://a.example/prefix//", {}, "https://a.example/prefix"],
  ];
  for (const [raw, options, result] of table) {
    const env: VenueEnv = raw === undefined ? {} : { U: raw };
    assert.equal(url(env, "U", "https://default", https, options), result, String(raw));
  }
});

Deno.test("url refusals name the variable", () => {
  const https = ["https:", "http:"];
  const table: [raw: string, schemes: string[], options: UrlOptions, message: string][] = [
    ["not a url", https, {}, "U: a value of 9 characters is not a URL"],
    ["ftp://a.example", https, {}, 'U: "ftp://a.example" must start with https:// or http://'],
    ["https://a.example", ["wss:", "ws:"], {}, 'U: "https://a.example" must start with wss:// or ws://'],
    ["https://a.example/p?k=v", https, {}, 'U: "https://a.example/p" must not carry a query or fragment'],
    ["https://a.example#f", https, {}, 'U: "https://a.example/" must not carry a query or fragment'],
    [
      "wss://me:t0ken-secret@a.example",
      ["wss:"],
      {},
      "U: must not carry a user name or password (wss://a.example)",
    ],
    [
      "https://a.example/api",
      https,
      { hostOnly: true },
      'U: "https://a.example/api" must be a host without a path (the paths are added per request)',
    ],
  ];
  for (const [raw, schemes, options, message] of table) {
    assert.equal(refusal(() => url({ U: raw }, "U", "https://default", schemes, options)), message);
  }
});
