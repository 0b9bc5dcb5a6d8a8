/**
 * The bot's two files and its console: `<exchange>_<TICKER>[_<ACCOUNT_NAME>]_orders.csv` and `…_activity.log`,
 * timestamps in `TIMEZONE`, console at INFO and above. Everything written passes through the {@link Redactor}.
 * @module
 */
import { configure, getLogger, type Logger, type LogLevel, type LogRecord, reset } from "@logtape/logtape";
import type { Clock } from "./clock.ts";
import type { Redactor } from "./redact.ts";

/** Header of the order CSV (kept from the original so existing spreadsheets still work). */
export const CSV_HEADER = "Timestamp,OrderID,Side,Quantity,Price,Status";

/** Levels the activity log writes. */
export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR";

const TO_LOGTAPE: Record<Level, LogLevel> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warning",
  ERROR: "error",
};
const FROM_LOGTAPE: Record<LogLevel, Level> = {
  trace: "DEBUG",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARNING",
  error: "ERROR",
  fatal: "ERROR",
};

/** Base name of the log files: `paper_ETH` or `paper_ETH_main`. */
export function logBaseName(exchange: string, ticker: string, accountName: string | undefined): string {
  return accountName === undefined ? `${exchange}_${ticker}` : `${exchange}_${ticker}_${accountName}`;
}

/** Formats `ms` as `YYYY-MM-DD HH:mm:ss.SSS` in `timeZone`. */
export function formatTimestamp(ms: number, timeZone: string, withMillis = true): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  const base = `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${
    get("second")
  }`;
  return withMillis ? `${base}.${String(((ms % 1000) + 1000) % 1000).padStart(3, "0")}` : base;
}

/** Where the log goes. */
export interface TradeLogOptions {
  readonly logDir: string;
  readonly exchange: string;
  readonly ticker: string;
  readonly accountName: string | undefined;
  readonly timezone: string;
  readonly clock: Clock;
  readonly redactor: Redactor;
  /** Console writer (stderr by default); `null` silences the console. */
  readonly console?: ((line: string) => void) | null;
}

/** What the bot writes to: activity lines and order rows. {@link TradeLog} is the real one. */
export interface BotLog {
  /** Logs one activity line. */
  log(message: string, level?: Level): void;
  /** Appends one order row. */
  order(orderId: string, side: string, quantity: string, price: string, status: string): void;
}

let instances = 0;
/** Logs open in this process; the LogTape configuration routes each one's category to its own sink. */
const openLogs = new Map<string, TradeLog>();

async function routeOpenLogs(): Promise<void> {
  if (openLogs.size === 0) return await reset();
  const sinks: Record<string, (record: LogRecord) => void> = {};
  const loggers: { category: string[]; sinks: string[]; lowestLevel: LogLevel }[] = [
    { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
  ];
  for (const [name, log] of openLogs) {
    sinks[name] = (record) => log.write(record);
    loggers.push({ category: ["perpbot", name], sinks: [name], lowestLevel: "debug" });
  }
  // Venue adapters log under ["perpbot", "venue", <name>] (reconnects, stale sockets, refused data).
  loggers.push({ category: ["perpbot", "venue"], sinks: [...openLogs.keys()], lowestLevel: "info" });
  await configure({ reset: true, sinks, loggers });
}

/** The activity log and the order CSV of one bot. */
export class TradeLog implements BotLog {
  readonly activityPath: string;
  readonly csvPath: string;
  readonly #opts: TradeLogOptions;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #activity: Deno.FsFile;
  readonly #csv: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  readonly #name: string;
  #closed = false;

  private constructor(opts: TradeLogOptions, name: string) {
    this.#opts = opts;
    this.#name = name;
    this.#logger = getLogger(["perpbot", name]);
    this.#prefix = `[${opts.exchange.toUpperCase()}_${opts.ticker.toUpperCase()}]`;
    Deno.mkdirSync(opts.logDir, { recursive: true });
    const base = `${opts.logDir}/${logBaseName(opts.exchange, opts.ticker, opts.accountName)}`;
    this.activityPath = `${base}_activity.log`;
    this.csvPath = `${base}_orders.csv`;
    this.#activity = Deno.openSync(this.activityPath, { append: true, create: true });
    let csvIsNew = true;
    try {
      csvIsNew = Deno.statSync(this.csvPath).size === 0;
    } catch {
      csvIsNew = true;
    }
    this.#csv = Deno.openSync(this.csvPath, { append: true, create: true });
    if (csvIsNew) this.#csv.writeSync(this.#encoder.encode(`${CSV_HEADER}\n`));
  }

  /** Opens (appending) the files and routes the `perpbot` log category to them. */
  static async open(opts: TradeLogOptions): Promise<TradeLog> {
    const name = `log${instances++}`;
    const log = new TradeLog(opts, name);
    openLogs.set(name, log);
    await routeOpenLogs();
    return log;
  }

  /** Logs one line. */
  log(message: string, level: Level = "INFO"): void {
    if (this.#closed) return;
    const props = { text: message, at: this.#opts.clock.now() };
    switch (TO_LOGTAPE[level]) {
      case "debug":
        return this.#logger.debug("{text}", props);
      case "warning":
        return this.#logger.warn("{text}", props);
      case "error":
        return this.#logger.error("{text}", props);
      default:
        return this.#logger.info("{text}", props);
    }
  }

  /** Appends one order row to the CSV. */
  order(orderId: string, side: string, quantity: string, price: string, status: string): void {
    if (this.#closed) return;
    const ts = formatTimestamp(this.#opts.clock.now(), this.#opts.timezone, false);
    // Redact each field before quoting: quoting doubles a `"` inside a secret, which would hide it.
    const row = [ts, orderId, side, quantity, price, status]
      .map((field) => csvField(this.#opts.redactor.redact(field)))
      .join(",");
    this.#csv.writeSync(this.#encoder.encode(`${row}\n`));
  }

  /** The sink: formats a record and writes it to the file and (INFO and above) the console. */
  write(record: LogRecord): void {
    const level = FROM_LOGTAPE[record.level];
    const at = typeof record.properties.at === "number" ? record.properties.at : record.timestamp;
    const text = this.#opts.redactor.redact(String(record.properties.text ?? record.rawMessage));
    const line = `${formatTimestamp(at, this.#opts.timezone)} - ${level} - ${this.#prefix} ${text}`;
    this.#activity.writeSync(this.#encoder.encode(`${line}\n`));
    if (level !== "DEBUG" && this.#opts.console !== null) (this.#opts.console ?? writeStderr)(line);
  }

  /** Flushes and closes both files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#activity.syncSync();
    this.#csv.syncSync();
    this.#activity.close();
    this.#csv.close();
    openLogs.delete(this.#name);
    await routeOpenLogs();
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const stderrEncoder = new TextEncoder();
function writeStderr(line: string): void {
  Deno.stderr.writeSync(stderrEncoder.encode(`${line}\n`));
}
