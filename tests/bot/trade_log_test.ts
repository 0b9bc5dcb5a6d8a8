/** The order CSV and the activity log: names, formats, time zones, levels and redaction. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../bot/clock.ts";
import { REDACTED, Redactor } from "../../bot/redact.ts";
import {
  CSV_HEADER,
  formatTimestamp,
  logBaseName,
  TradeLog,
  type TradeLogOptions,
} from "../../bot/trade_log.ts";

/** 2025-09-25 10:29:30.147 in Shanghai. */
const START = Date.UTC(2025, 8, 25, 2, 29, 30, 147);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "perpbot_log_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function options(dir: string, overrides: Partial<TradeLogOptions> = {}): TradeLogOptions {
  return {
    logDir: dir,
    exchange: "paper",
    ticker: "ETH",
    accountName: undefined,
    timezone: "Asia/Shanghai",
    clock: new VirtualClock(START),
    redactor: new Redactor([]),
    console: null,
    ...overrides,
  };
}

const lines = (path: string) => Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");

Deno.test("logBaseName: <exchange>_<TICKER>[_<ACCOUNT_NAME>]", () => {
  assert.equal(logBaseName("paper", "ETH", undefined), "paper_ETH");
  assert.equal(logBaseName("backpack", "SOL", "main"), "backpack_SOL_main");
  assert.equal(logBaseName("edgex", "1000PEPE", "acc-2.b"), "edgex_1000PEPE_acc-2.b");
});

Deno.test("formatTimestamp in the configured time zone", () => {
  const table: [ms: number, tz: string, withMillis: boolean, expected: string][] = [
    [START, "Asia/Shanghai", true, "2025-09-25 10:29:30.147"],
    [START, "UTC", true, "2025-09-25 02:29:30.147"],
    [START, "America/New_York", true, "2025-09-24 22:29:30.147"], // EDT, and the day before
    [START, "Asia/Kolkata", true, "2025-09-25 07:59:30.147"], // half-hour offset
    [START, "Asia/Shanghai", false, "2025-09-25 10:29:30"],
    [Date.UTC(2025, 0, 15, 16, 0, 0, 5), "Asia/Shanghai", true, "2025-01-16 00:00:00.005"], // midnight, not 24:00
    [Date.UTC(2025, 0, 15, 5, 0, 0, 0), "America/New_York", true, "2025-01-15 00:00:00.000"], // EST
    [Date.UTC(2025, 11, 31, 23, 59, 59, 999), "UTC", true, "2025-12-31 23:59:59.999"],
    [Date.UTC(2025, 11, 31, 23, 59, 59, 999), "Asia/Tokyo", false, "2026-01-01 08:59:59"],
    [0, "UTC", true, "1970-01-01 00:00:00.000"],
  ];
  for (const [ms, tz, withMillis, expected] of table) {
    assert.equal(formatTimestamp(ms, tz, withMillis), expected, `${new Date(ms).toISOString()} in ${tz}`);
  }
});

Deno.test("file names follow the exchange, ticker and account name", async () => {
  await withDir(async (dir) => {
    const plain = await TradeLog.open(options(dir));
    assert.equal(plain.activityPath, `${dir}/paper_ETH_activity.log`);
    assert.equal(plain.csvPath, `${dir}/paper_ETH_orders.csv`);
    await plain.close();
    const named = await TradeLog.open(
      options(dir, { exchange: "backpack", ticker: "SOL", accountName: "main" }),
    );
    assert.equal(named.activityPath, `${dir}/backpack_SOL_main_activity.log`);
    assert.equal(named.csvPath, `${dir}/backpack_SOL_main_orders.csv`);
    await named.close();
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      "backpack_SOL_main_activity.log",
      "backpack_SOL_main_orders.csv",
      "paper_ETH_activity.log",
      "paper_ETH_orders.csv",
    ]);
  });
});

Deno.test("the log directory is created when missing", async () => {
  await withDir(async (dir) => {
    const log = await TradeLog.open(options(`${dir}/a/b`));
    log.log("hello");
    await log.close();
    assert.equal(lines(`${dir}/a/b/paper_ETH_activity.log`).length, 1);
  });
});

Deno.test("activity lines: timestamp in TIMEZONE - LEVEL - [EXCHANGE_TICKER] message", async () => {
  await withDir(async (dir) => {
    const shanghai = await TradeLog.open(options(dir));
    shanghai.log("[OPEN] [P1] BUY 0.1 @ 3000");
    await shanghai.close();
    assert.deepEqual(lines(shanghai.activityPath), [
      "2025-09-25 10:29:30.147 - INFO - [PAPER_ETH] [OPEN] [P1] BUY 0.1 @ 3000",
    ]);

    const utc = await TradeLog.open(options(dir, { ticker: "BTC", timezone: "UTC" }));
    utc.log("Current Position: 0");
    await utc.close();
    assert.deepEqual(lines(utc.activityPath), [
      "2025-09-25 02:29:30.147 - INFO - [PAPER_BTC] Current Position: 0",
    ]);
  });
});

Deno.test("every level goes to the file; DEBUG stays off the console", async () => {
  await withDir(async (dir) => {
    const clock = new VirtualClock(START);
    const consoleLines: string[] = [];
    const log = await TradeLog.open(options(dir, { clock, console: (line) => consoleLines.push(line) }));
    log.log("debug detail", "DEBUG");
    await clock.sleep(1);
    log.log("info line");
    await clock.sleep(1);
    log.log("warning line", "WARNING");
    await clock.sleep(1_000);
    log.log("error line", "ERROR");
    await log.close();
    const expected = [
      "2025-09-25 10:29:30.147 - DEBUG - [PAPER_ETH] debug detail",
      "2025-09-25 10:29:30.148 - INFO - [PAPER_ETH] info line",
      "2025-09-25 10:29:30.149 - WARNING - [PAPER_ETH] warning line",
      "2025-09-25 10:29:31.149 - ERROR - [PAPER_ETH] error line",
    ];
    assert.deepEqual(lines(log.activityPath), expected);
    assert.deepEqual(consoleLines, expected.slice(1));
  });
});

Deno.test("messages with braces are written as they are", async () => {
  await withDir(async (dir) => {
    const log = await TradeLog.open(options(dir));
    log.log('payload {"price":"3000"} {text}');
    await log.close();
    assert.ok(lines(log.activityPath)[0]!.endsWith('[PAPER_ETH] payload {"price":"3000"} {text}'));
  });
});

Deno.test("the CSV header is written once, also when the file is reopened", async () => {
  await withDir(async (dir) => {
    const clock = new VirtualClock(START);
    const first = await TradeLog.open(options(dir, { clock }));
    first.order("P1", "buy", "0.1", "3000", "OPEN");
    await first.close();
    await clock.sleep(60_000);
    const second = await TradeLog.open(options(dir, { clock }));
    second.order("P1", "buy", "0.1", "3000", "FILLED");
    await second.close();
    assert.equal(CSV_HEADER, "Timestamp,OrderID,Side,Quantity,Price,Status");
    assert.deepEqual(lines(second.csvPath), [
      CSV_HEADER,
      "2025-09-25 10:29:30,P1,buy,0.1,3000,OPEN",
      "2025-09-25 10:30:30,P1,buy,0.1,3000,FILLED",
    ]);
  });
});

Deno.test("an empty existing CSV gets the header", async () => {
  await withDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/paper_ETH_orders.csv`, "");
    const log = await TradeLog.open(options(dir));
    await log.close();
    assert.deepEqual(lines(log.csvPath), [CSV_HEADER]);
  });
});

Deno.test("CSV timestamps use TIMEZONE and fields with commas or quotes are quoted", async () => {
  await withDir(async (dir) => {
    const log = await TradeLog.open(options(dir, { timezone: "UTC" }));
    log.order("id,1", "sell", "0.1", "3000.6", 'say "hi"');
    await log.close();
    assert.deepEqual(lines(log.csvPath), [
      CSV_HEADER,
      '2025-09-25 02:29:30,"id,1",sell,0.1,3000.6,"say ""hi"""',
    ]);
  });
});

Deno.test("a secret never reaches the activity log, the console or the CSV", async () => {
  const secret = "0x8f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e";
  await withDir(async (dir) => {
    const consoleLines: string[] = [];
    const log = await TradeLog.open(options(dir, {
      redactor: Redactor.fromEnv({ EDGEX_STARK_PRIVATE_KEY: secret, TIMEZONE: "UTC" }),
      console: (line) => consoleLines.push(line),
    }));
    log.log(`signing failed with key ${secret}`, "ERROR");
    log.log(`raw ${secret.slice(2)}`, "DEBUG");
    log.order(`order-${secret}`, "buy", "0.1", "3000", "OPEN");
    await log.close();
    const written = [
      Deno.readTextFileSync(log.activityPath),
      Deno.readTextFileSync(log.csvPath),
      ...consoleLines,
    ];
    for (const text of written) {
      assert.ok(!text.includes(secret.slice(2)), text);
      assert.ok(text.includes(REDACTED), text);
    }
    assert.ok(lines(log.activityPath)[0]!.endsWith(`[PAPER_ETH] signing failed with key ${REDACTED}`));
    assert.equal(lines(log.csvPath)[1], `2025-09-25 10:29:30,order-${REDACTED},buy,0.1,3000,OPEN`);
  });
});

// Fails until fixed: the row is redacted after CSV quoting, and quoting doubles the quote inside the secret.
Deno.test("a secret containing a quote or a comma is redacted in the CSV too", async () => {
  const secret = 'pa"ss,word-123';
  await withDir(async (dir) => {
    const log = await TradeLog.open(options(dir, { redactor: new Redactor([secret]) }));
    log.order(secret, "buy", "0.1", "3000", "OPEN");
    await log.close();
    const csv = Deno.readTextFileSync(log.csvPath);
    assert.ok(!csv.includes("ss,word-123"), csv);
    assert.ok(csv.includes(REDACTED), csv);
  });
});

Deno.test("writes after close are ignored and close is idempotent", async () => {
  await withDir(async (dir) => {
    const log = await TradeLog.open(options(dir));
    log.log("before");
    await log.close();
    log.log("after");
    log.order("P9", "buy", "1", "1", "OPEN");
    await log.close();
    assert.equal(lines(log.activityPath).length, 1);
    assert.deepEqual(lines(log.csvPath), [CSV_HEADER]);
  });
});

Deno.test("reopening appends to the activity log", async () => {
  await withDir(async (dir) => {
    const a = await TradeLog.open(options(dir));
    a.log("run 1");
    await a.close();
    const b = await TradeLog.open(options(dir));
    b.log("run 2");
    await b.close();
    assert.deepEqual(lines(b.activityPath).map((l) => l.split("] ")[1]), ["run 1", "run 2"]);
  });
});

// Fails until fixed: each open() reconfigures LogTape with reset, which disconnects every other open log.
Deno.test("two logs open at the same time both keep writing", async () => {
  await withDir(async (dir) => {
    const eth = await TradeLog.open(options(dir));
    eth.log("eth 1");
    const btc = await TradeLog.open(options(dir, { ticker: "BTC" }));
    eth.log("eth 2");
    btc.log("btc 1");
    await btc.close();
    eth.log("eth 3");
    await eth.close();
    assert.deepEqual(lines(eth.activityPath).map((l) => l.split("[PAPER_ETH] ")[1]), [
      "eth 1",
      "eth 2",
      "eth 3",
    ]);
    assert.deepEqual(lines(btc.activityPath).map((l) => l.split("[PAPER_BTC] ")[1]), ["btc 1"]);
  });
});
