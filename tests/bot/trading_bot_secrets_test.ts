/**
 * The bot in process, its venue failing with errors that carry known secrets in every encoding a venue or a
 * library prints them in: nothing the bot writes (activity log, CSV) or sends (notifications) contains one.
 */
import assert from "node:assert/strict";
import { BotHarness, d, HOUR_MS, isOpenOrder } from "../fakes/bot_harness.ts";
import { findLeaks, TEST_SECRETS } from "../fakes/secrets.ts";

/** A market falling one tick a second: a buy fills within a second, its take-profit never does. */
const falling = (elapsed: number) => d(3000).minus(d("0.01").mul(Math.floor(elapsed / 1000)));

const hex = TEST_SECRETS.ASTER_SIGNER_PRIVATE_KEY.slice(2);
const b64 = TEST_SECRETS.BACKPACK_SECRET_KEY;
/** What the failing venue's errors say: each secret as written, and in other encodings. */
const ECHOES = [
  `signer ${hex.toUpperCase()} rejected`,
  `key=${encodeURIComponent(TEST_SECRETS.ASTER_SECRET_KEY)}&x=1`,
  `{"secret":${JSON.stringify(TEST_SECRETS.ASTER_SECRET_KEY)}}`,
  `seed ${b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")} invalid`,
  `as integer ${BigInt(TEST_SECRETS.EDGEX_STARK_PRIVATE_KEY)}`,
  `https://api.telegram.org/bot${TEST_SECRETS.TELEGRAM_BOT_TOKEN}/sendMessage`,
];

Deno.test("venue errors carrying secrets in any encoding reach no log line, CSV row or notification", async () => {
  const h = await BotHarness.create({ driveMarket: false });
  let n = 0;
  const next = () => ECHOES[n++ % ECHOES.length]!;
  for (const method of ["bbo", "openOrders", "position"] as const) {
    h.faulty.failRandomly(method, 0.05, { kind: "unavailable", detail: next() });
  }
  h.recorder.onPlaced((o) => {
    if (isOpenOrder(o, "buy") && h.recorder.placements.filter((p) => p.created).length > 20) {
      h.faulty.failBetween("placeLimit", h.clock.now(), h.clock.now() + HOUR_MS, {
        kind: "unavailable",
        detail: ECHOES.join(" | "),
      });
    }
  });
  const run = await h.runBot({
    env: { ...TEST_SECRETS },
    flags: { waitTime: "60" },
    script: (r) => r.scriptMarket(falling),
  });
  await h.close();
  // The secrets did reach the bot's messages (so the checks below mean something)...
  assert.ok(h.log.lines.some((l) => l.message.includes(hex.toUpperCase())));
  assert.equal(run.result.reason, "take-profit-failed");
  assert.ok(run.files !== undefined && run.files.activity.includes("[REDACTED]"));
  assert.ok(h.notifications.messages.length >= 1);
  // ...but nothing written or sent contains one.
  const outputs: Record<string, string> = { activity: run.files.activity, csv: run.files.csv };
  h.notifications.messages.forEach((m, i) => outputs[`notification ${i}`] = m.text);
  assert.deepEqual(findLeaks(outputs, TEST_SECRETS), []);
});
