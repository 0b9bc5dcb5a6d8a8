/** Stream logging: one line per socket event, log calls that cannot throw, the venue's redacted log. */
import assert from "node:assert/strict";
import type { SocketEvent } from "../../exchanges/socket.ts";
import { logSafely, logSocketEvent, type StreamLogLevel, venueLog } from "../../exchanges/stream_log.ts";

Deno.test("logSocketEvent writes one line per event, at its level", () => {
  const table: [event: SocketEvent, line: string | undefined][] = [
    [{ type: "connecting", attempt: 1 }, undefined],
    [{ type: "open", connection: 2 }, "info: x stream connected (connection 2)"],
    [{ type: "close", code: 1006, reason: "" }, "info: x stream closed: code 1006"],
    [{ type: "close", code: 1000, reason: "bye" }, "info: x stream closed: code 1000 (bye)"],
    [{ type: "stale", silentMs: 30000 }, "warning: x stream silent for 30000 ms; reconnecting"],
    [{ type: "error", message: "boom" }, "warning: boom"],
    [{ type: "backoff", delayMs: 500, attempt: 3 }, "debug: x stream reconnects in 500 ms (attempt 3)"],
  ];
  for (const [event, line] of table) {
    const lines: string[] = [];
    logSocketEvent((level, message) => lines.push(`${level}: ${message}`), "x stream", event);
    assert.deepEqual(lines, line === undefined ? [] : [line], JSON.stringify(event));
  }
});

Deno.test("logSafely swallows a failing log and accepts none", () => {
  logSafely(undefined, "info", "nobody listens");
  logSafely(
    () => {
      throw new Error("sink down");
    },
    "error",
    "lost",
  );
  const lines: string[] = [];
  logSafely((level, message) => lines.push(`${level}: ${message}`), "warning", "kept");
  assert.deepEqual(lines, ["warning: kept"]);
});

Deno.test("venueLog redacts every message before it reaches the log", () => {
  const lines: [StreamLogLevel, string][] = [];
  const log = venueLog(
    "x",
    (level, message) => lines.push([level, message]),
    (t) => t.replaceAll("s3cret", "***"),
  );
  log("error", "key s3cret refused");
  log("debug", "plain");
  assert.deepEqual(lines, [["error", "key *** refused"], ["debug", "plain"]]);
  const unredacted: string[] = [];
  venueLog("x", (_, message) => unredacted.push(message), undefined)("info", "s3cret");
  assert.deepEqual(unredacted, ["s3cret"]);
});
