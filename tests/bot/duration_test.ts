/** Time spans on the command line (`--duration 6h`, `1h30m`) and back. */
import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../bot/duration.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

Deno.test("parseDuration reads spans with units ms, s, m, h, d and their combinations", () => {
  const table: [text: string, ms: number][] = [
    ["250ms", 250],
    ["1ms", 1],
    ["90s", 90 * S],
    ["45m", 45 * M],
    ["2h", 2 * H],
    ["1d", D],
    ["1h30m", H + 30 * M],
    ["1m5s", M + 5 * S], // "m" followed by a number is minutes, not the start of "ms"
    ["1ms5s", 1 + 5 * S],
    ["1d2h3m4s5ms", D + 2 * H + 3 * M + 4 * S + 5],
    ["0s", 0],
    ["0h0m", 0],
    ["  6h ", 6 * H], // trimmed
    ["007m", 7 * M],
    ["1h1h", 2 * H], // repeated units add up
    ["30m1h", H + 30 * M], // any order
    ["1000000s", 1_000_000 * S],
  ];
  for (const [text, ms] of table) assert.equal(parseDuration(text), ms, JSON.stringify(text));
});

Deno.test("parseDuration refuses text that is not a span", () => {
  for (
    const text of [
      "",
      "   ",
      "90", // no unit
      "h",
      "1.5h", // no fractions
      "-1h",
      "+1h",
      "1H", // units are lower case
      "1 h",
      "1h 30m",
      "1hour",
      "1w",
      "1h30",
      "abc",
      "1e3s",
      "1h,30m",
    ]
  ) {
    assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  }
});

Deno.test("parseDuration has no state left over between calls", () => {
  // The parser uses a sticky regular expression: a failed parse must not affect the next one.
  assert.equal(parseDuration("1hx"), undefined);
  assert.equal(parseDuration("2h"), 2 * H);
  assert.equal(parseDuration("5m"), 5 * M);
  assert.equal(parseDuration("5mx"), undefined);
  assert.equal(parseDuration("5m"), 5 * M);
});

Deno.test("formatDuration prints largest units first and skips zero parts", () => {
  const table: [ms: number, text: string][] = [
    [0, "0s"],
    [1, "1ms"],
    [250, "250ms"],
    [999, "999ms"],
    [S, "1s"],
    [45 * S, "45s"],
    [90 * S, "1m30s"],
    [H, "1h"],
    [H + 30 * M, "1h30m"],
    [6 * H, "6h"],
    [D, "1d"],
    [D + 1, "1d1ms"],
    [D + 2 * H + 3 * M + 4 * S + 5, "1d2h3m4s5ms"],
    [3 * D + 59 * S, "3d59s"],
  ];
  for (const [ms, text] of table) assert.equal(formatDuration(ms), text, String(ms));
});

Deno.test("formatDuration output parses back to the same span", () => {
  for (const ms of [0, 1, 999, 1000, 61_001, 3_599_999, 3_600_000, 86_399_999, 90_061_001, 10 * D + 7]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
  }
});
