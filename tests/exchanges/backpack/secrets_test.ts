/**
 * The Backpack adapter against its fake when the venue echoes secrets back: in error bodies of every status,
 * in fields of otherwise valid answers, in bodies that are not JSON, and in stream frames. No error message,
 * activity log line, console line or CSV row may contain a secret in any form or a fragment of one.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { Redactor } from "../../../bot/redact.ts";
import { TradeLog } from "../../../bot/trade_log.ts";
import { createBackpackVenue } from "../../../exchanges/backpack/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { BACKPACK_TEST_KEY, BackpackFake } from "../../fakes/backpack.ts";
import { findLeaks, TEST_SECRETS } from "../../fakes/secrets.ts";
import { failureMessages } from "../error_messages.ts";

/** The secrets of this run: the key the fake verifies signatures with, and every other kind. */
const SECRETS: Record<string, string> = { ...TEST_SECRETS, BACKPACK_SECRET_KEY: BACKPACK_TEST_KEY.secretB64 };
const KEY = BACKPACK_TEST_KEY.secretB64;

/** What a careless venue echoes: the key as sent, URL-safe, in hex, with escaped slashes, and the others. */
const ECHO = [
  KEY,
  KEY.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
  BACKPACK_TEST_KEY.seedHex.toUpperCase(),
  TEST_SECRETS.ASTER_SIGNER_PRIVATE_KEY,
  TEST_SECRETS.TELEGRAM_BOT_TOKEN,
].join(" ");

Deno.test("backpack: secrets echoed by the venue reach no error message, log line or console line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "perpbot_bp_secrets_" });
  const clock = new RealClock();
  const fake = await BackpackFake.start({ ticker: "SOL", clock, tickerIntervalMs: 50 });
  const env = {
    ...TEST_SECRETS,
    ...fake.env(),
    BACKPACK_HTTP_TIMEOUT_MS: "300",
  };
  const consoleLines: string[] = [];
  const log = await TradeLog.open({
    logDir: dir,
    exchange: "backpack",
    ticker: "SOL",
    accountName: undefined,
    timezone: "UTC",
    clock,
    redactor: Redactor.fromEnv(env),
    console: (line) => consoleLines.push(line),
  });
  const venue = createBackpackVenue({
    ticker: "SOL",
    env,
    clock,
    logDir: dir,
    accountName: undefined,
    trading: true,
  });
  const errors: string[] = [];
  try {
    await venue.connect();
    const status = (path: string, code: number, body: string, method = "GET", times = 1) =>
      fake.faults.http({ method, path }, { kind: "status", status: code, body }, times);

    status(
      "/api/v1/position",
      400,
      JSON.stringify({ code: "INVALID_CLIENT_REQUEST", message: `bad key ${ECHO}` }),
    );
    errors.push(...await failureMessages(venue.position()));
    status("/api/v1/position", 401, `unauthorised: ${ECHO}`);
    errors.push(...await failureMessages(venue.position()));
    // Three attempts, each answered 503 with the key.
    status("/api/v1/orders", 503, `upstream said ${ECHO}`, "GET", 3);
    errors.push(...await failureMessages(venue.openOrders()));
    // Not JSON, with the key right where the quote of the body is cut.
    status("/api/v1/depth", 200, `${"<html> ".repeat(41)}${ECHO}`);
    errors.push(...await failureMessages(venue.client.depth()));
    // Valid JSON whose fields carry the key: the parser quotes the value it refuses.
    status("/api/v1/position", 200, JSON.stringify([{ symbol: "SOL_USDC_PERP", netQuantity: KEY }]));
    errors.push(...await failureMessages(venue.position()));
    const badOrder = {
      id: "1",
      side: "Bid",
      status: `New ${"x ".repeat(30)}${KEY}`,
      quantity: "1",
      executedQuantity: "0",
      price: "1",
    };
    status("/api/v1/orders", 200, JSON.stringify([badOrder]));
    errors.push(...await failureMessages(venue.openOrders()));
    status(
      "/api/v1/order",
      400,
      JSON.stringify({ code: "INVALID_ORDER", message: `signature by ${ECHO}` }),
      "POST",
    );
    errors.push(
      ...await failureMessages(venue.placeLimit({
        side: "buy",
        price: new Decimal("100"),
        quantity: new Decimal("1"),
        postOnly: true,
        reduceOnly: false,
        clientId: "77",
      })),
    );

    // Stream frames: an error naming the key, garbage cut at the key, an order update with the key as its id.
    const before = consoleLines.length;
    fake.server.broadcast(
      JSON.stringify({ id: null, error: { code: 4001, message: `invalid key ${ECHO}` } }),
    );
    fake.server.broadcast(`${"garbage ".repeat(8)}${KEY} ${ECHO}`);
    fake.server.broadcast({
      stream: "account.orderUpdate.SOL_USDC_PERP",
      data: { e: "orderFill", i: 7, S: "Bid", q: KEY, z: "0", p: "1", X: "New" },
    });
    const deadline = Date.now() + 5000;
    while (consoleLines.slice(before).filter((l) => /backpack stream|message ignored/.test(l)).length < 3) {
      if (Date.now() > deadline) {
        assert.fail(`stream lines not logged: ${consoleLines.slice(before).join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await venue.close();
    await fake.close();
    await log.close();
  }
  try {
    const activity = await Deno.readTextFile(log.activityPath);
    const csv = await Deno.readTextFile(log.csvPath);
    // The echoes did arrive (so the checks below mean something) and were replaced.
    assert.ok(errors.filter((m) => m.includes("[REDACTED]")).length >= 4, errors.join("\n"));
    assert.match(activity, /\[REDACTED\]/);
    const outputs: Record<string, string> = { activity, csv, console: consoleLines.join("\n") };
    errors.forEach((m, i) => outputs[`error ${i}`] = m);
    assert.deepEqual(findLeaks(outputs, SECRETS), [], `${errors.join("\n")}\n${activity}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
