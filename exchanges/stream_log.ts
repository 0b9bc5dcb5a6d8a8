/**
 * Logging of a venue's streams: levels, one line per socket event, a log call that cannot break the stream,
 * and the venue's logger (redacted, text in a property).
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { SocketEvent } from "./socket.ts";

/** Log levels the streams report at. */
export type StreamLogLevel = "debug" | "info" | "warning" | "error";

/** Where a venue or stream logs. */
export type StreamLog = (level: StreamLogLevel, message: string) => void;

/** Logs to `log`, if any; a failing log call is swallowed: logging must not break the stream. */
export function logSafely(log: StreamLog | undefined, level: StreamLogLevel, message: string): void {
  try {
    log?.(level, message);
  } catch {
    // Logging must not break the stream.
  }
}

/** Logs one socket event of the socket called `label` (`aster market stream`). */
export function logSocketEvent(log: StreamLog | undefined, label: string, e: SocketEvent): void {
  switch (e.type) {
    case "open":
      return logSafely(log, "info", `${label} connected (connection ${e.connection})`);
    case "close":
      return logSafely(log, "info", `${label} closed: code ${e.code}${e.reason ? ` (${e.reason})` : ""}`);
    case "stale":
      return logSafely(log, "warning", `${label} silent for ${e.silentMs} ms; reconnecting`);
    case "error":
      return logSafely(log, "warning", e.message);
    case "backoff":
      return logSafely(log, "debug", `${label} reconnects in ${e.delayMs} ms (attempt ${e.attempt})`);
    default:
      return;
  }
}

/**
 * The log of the venue named `venue`: every message goes through `redact` (stream messages quote what the
 * venue sent, which may echo a secret), then to `log`, or by default to the `perpbot.venue.<venue>` logger.
 */
export function venueLog(
  venue: string,
  log: StreamLog | undefined,
  redact: ((text: string) => string) | undefined,
): StreamLog {
  const logger = getLogger(["perpbot", "venue", venue]);
  // The text goes in a property, not the template, so braces in venue messages are not placeholders.
  const sink: StreamLog = log ?? ((level, text) => {
    if (level === "debug") logger.debug("{text}", { text });
    else if (level === "info") logger.info("{text}", { text });
    else if (level === "warning") logger.warn("{text}", { text });
    else logger.error("{text}", { text });
  });
  const clean = redact ?? ((text: string) => text);
  return (level, text) => sink(level, clean(text));
}
