/**
 * The Aster adapter, in both signing modes, against its fake when the venue echoes secrets back: the V1 HMAC
 * secret and the V3 API-wallet private key (with and without `0x`, in upper-case hex) in error bodies of
 * every status (400, 401, 418, 429, 503, a clock-skew `-1021`, a nonce `-4225`), in bodies that are not JSON,
 * in fields of otherwise valid answers and in stream frames and close reasons; and the venue's own refusal of a
 * request signed on a clock it finds skewed. No error message (causes included) and no line the adapter logs
 * may contain a secret in any form or a fragment of one. The lines are read raw from the adapter's logtape
 * category, before any sink could redact them.
 *
 * Also: a private key pasted into the wrong variable is never echoed by the ConfigError.
 */
import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { RealClock, VirtualClock } from "../../../bot/clock.ts";
import { ConfigError } from "../../../bot/errors.ts";
import { createAsterVenue } from "../../../exchanges/aster/venue.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { ASTER_TEST_V3, AsterFake } from "../../fakes/aster.ts";
import { findLeaks, TEST_SECRETS } from "../../fakes/secrets.ts";
import { failureMessages } from "../error_messages.ts";

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The real clock, moved by `skewMs`: the venue's clock running ahead of the machine's. */
class SkewedClock extends RealClock {
  skewMs = 0;
  override now(): number {
    return super.now() + this.skewMs;
  }
}

/** The adapter's log lines, exactly as it emits them to logtape. */
async function captureLogs(): Promise<string[]> {
  const lines: string[] = [];
  await configure({
    reset: true,
    sinks: {
      capture: (record: LogRecord) => {
        lines.push(`${record.level}: ${record.message.map(String).join("")}`);
      },
    },
    loggers: [
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
      { category: ["perpbot"], sinks: ["capture"], lowestLevel: "debug" },
    ],
  });
  return lines;
}

for (const mode of ["v1", "v3"] as const) {
  Deno.test(`aster ${mode}: secrets echoed by the venue reach no error message and no log line`, async () => {
    const lines = await captureLogs();
    const clock = new RealClock();
    const venueClock = new SkewedClock();
    const fake = await AsterFake.start({ ticker: "SOL", clock: venueClock, tickerIntervalMs: 50 });
    // The mode's own secret comes from the fake; the other kinds stay in the environment as a user has them.
    const env: Record<string, string> = {
      ...TEST_SECRETS,
      ...fake.env(mode),
      ASTER_HTTP_TIMEOUT_MS: "300",
    };
    const secrets: Record<string, string> = {
      ...TEST_SECRETS,
      ...(mode === "v1"
        ? { ASTER_SECRET_KEY: fake.secretKey }
        : { ASTER_SIGNER_PRIVATE_KEY: ASTER_TEST_V3.signerPrivateKey }),
    };
    const own = mode === "v1" ? fake.secretKey : ASTER_TEST_V3.signerPrivateKey;
    const key = env.ASTER_SIGNER_PRIVATE_KEY!;
    // What a careless venue echoes: the key with and without 0x, upper case, and the other secrets.
    const echo = [
      own,
      key,
      key.slice(2),
      key.slice(2).toUpperCase(),
      env.ASTER_SECRET_KEY!,
      TEST_SECRETS.TELEGRAM_BOT_TOKEN,
    ].join(" ");
    const venue = createAsterVenue({
      ticker: "SOL",
      env,
      clock,
      logDir: "/nonexistent",
      accountName: undefined,
      trading: true,
    });
    const errors: string[] = [];
    const v = mode === "v1" ? /^\/fapi\/v[12]\// : /^\/fapi\/v3\//;
    const path = (p: string) => new RegExp(`${v.source}${p}$`);
    const status = (method: string, p: string, code: number, body: string, times = 1, retryAfter?: string) =>
      fake.faults.http(
        { method, path: path(p) },
        { kind: "status", status: code, body, ...(retryAfter === undefined ? {} : { retryAfter }) },
        times,
      );
    const order = {
      orderId: 7,
      clientOrderId: "c-7",
      symbol: "SOLUSDT",
      status: "NEW",
      price: "149.5",
      avgPrice: "0",
      origQty: "0.4",
      executedQty: "0",
      timeInForce: "GTX",
      type: "LIMIT",
      side: "BUY",
    };
    const place = () =>
      venue.placeLimit({
        side: "buy",
        price: new Decimal("149.50"),
        quantity: new Decimal("0.4"),
        postOnly: true,
        reduceOnly: false,
        clientId: "c-77",
      });
    try {
      await venue.connect();

      // Error bodies of every status.
      status("GET", "positionRisk", 400, JSON.stringify({ code: -1102, msg: `bad key ${echo}` }));
      errors.push(...await failureMessages(venue.position()));
      status("GET", "positionRisk", 401, `unauthorised: ${echo}`);
      errors.push(...await failureMessages(venue.position()));
      status("GET", "positionRisk", 429, JSON.stringify({ code: -1003, msg: `slow down ${echo}` }), 1, "60");
      errors.push(...await failureMessages(venue.position()));
      // Three attempts, each answered 503 with the key.
      status("GET", "openOrders", 503, `upstream said ${echo}`, 3);
      errors.push(...await failureMessages(venue.openOrders()));
      // A clock-skew refusal from the venue itself (its clock jumped after the adapter measured it).
      venueClock.skewMs = 120_000;
      const skew = await failureMessages(venue.position());
      venueClock.skewMs = 0;
      assert.match(skew[0]!, /^AuthenticationError: .*code -1021/, skew.join("\n"));
      errors.push(...skew);
      // A clock-skew refusal that echoes the secrets, and one whose long body (no msg) is quoted in place of a message.
      status("GET", "positionRisk", 400, JSON.stringify({ code: -1021, msg: `outside recvWindow ${echo}` }));
      errors.push(...await failureMessages(venue.position()));
      const padded = JSON.stringify({ code: -1022, pad: "w ".repeat(80), echo });
      status("GET", "positionRisk", 400, padded);
      errors.push(...await failureMessages(venue.position()));
      status("GET", "positionRisk", 400, JSON.stringify({ code: -1100, pad: "w ".repeat(80), echo }));
      errors.push(...await failureMessages(venue.position()));
      // A placement refused with the key in the message, and a nonce refusal (retried) with it.
      status("POST", "order", 400, JSON.stringify({ code: -2010, msg: `signature by ${echo}` }));
      errors.push(...await failureMessages(place()));
      status("POST", "order", 400, JSON.stringify({ code: -4225, msg: `Nonce Expired ${echo}` }), 3);
      errors.push(...await failureMessages(place()));

      // Not JSON, with the key right where the quote of the body is cut.
      status("GET", "ticker/bookTicker", 200, `${"<html> ".repeat(41)}${echo}`);
      errors.push(...await failureMessages(venue.client.bookTicker()));
      // Valid JSON whose fields carry the key: a parser quotes the value it refuses.
      status("GET", "positionRisk", 200, JSON.stringify([{ symbol: "SOLUSDT", positionAmt: key }]));
      errors.push(...await failureMessages(venue.position()));
      const badStatus = { ...order, status: `NEW ${"w ".repeat(30)}${key}` };
      status("GET", "openOrders", 200, JSON.stringify([badStatus]));
      errors.push(...await failureMessages(venue.openOrders()));
      status("GET", "order", 200, JSON.stringify({ ...order, symbol: `${"w ".repeat(40)}${own}` }), 3);
      errors.push(...await failureMessages(venue.order("7")));
      const info = await (await fetch(`${fake.baseUrl}/fapi/v1/exchangeInfo`)).json() as {
        symbols: Record<string, unknown>[];
      };
      for (const s of info.symbols) s.status = `HALT ${own}`;
      status("GET", "exchangeInfo", 200, JSON.stringify(info));
      errors.push(...await failureMessages(venue.client.market("SOL")));
      status("POST", "listenKey", 200, JSON.stringify({ listenKey: `k ${own}` }));
      errors.push(...await failureMessages(venue.client.createListenKey()));

      // An IP ban whose body carries the key; the requests after it are refused without being sent.
      status("GET", "positionRisk", 418, JSON.stringify({ code: -1003, msg: `banned ${echo}` }), 1, "30");
      errors.push(...await failureMessages(venue.position()));
      errors.push(...await failureMessages(venue.openOrders()));

      // Stream frames: garbage cut at the key, an order update and a quote with the key in their fields.
      const before = lines.length;
      fake.server.broadcast(`${"garbage ".repeat(8)}${own} ${echo}`);
      fake.server.broadcast({
        e: "ORDER_TRADE_UPDATE",
        E: 1,
        o: { s: "SOLUSDT", i: 7, S: "BUY", o: "LIMIT", q: key, z: "0", p: "1", X: "NEW", x: "NEW" },
      });
      fake.server.broadcast({
        e: "ORDER_TRADE_UPDATE",
        E: 1,
        o: {
          s: "SOLUSDT",
          i: 7,
          S: "BUY",
          o: "LIMIT",
          q: "1",
          z: "0",
          p: "1",
          X: `${"w ".repeat(20)}${own}`,
        },
      });
      fake.server.broadcast({ e: "bookTicker", s: "SOLUSDT", b: own, a: "150.1" });
      // A close reason with the key.
      for (const s of fake.userSessions()) s.close(4000, `bye ${own}`);
      await until(
        "the refused frames and the close to be logged",
        () =>
          lines.slice(before).filter((l) => /message ignored/.test(l)).length >= 4 &&
          lines.slice(before).some((l) => /closed: code 4000/.test(l)),
      );
    } finally {
      await venue.close();
      await fake.close();
      await reset();
    }
    // The echoes did arrive (so the checks below mean something) and were replaced.
    assert.ok(errors.filter((m) => m.includes("[REDACTED]")).length >= 10, errors.join("\n"));
    assert.ok(lines.filter((l) => l.includes("[REDACTED]")).length >= 3, lines.join("\n"));
    const outputs: Record<string, string> = { log: lines.join("\n") };
    errors.forEach((m, i) => outputs[`error ${i}`] = m);
    assert.deepEqual(findLeaks(outputs, secrets), [], `${errors.join("\n")}\n${lines.join("\n")}`);
  });
}

Deno.test("aster: a private key pasted into the wrong variable is never echoed by the ConfigError", () => {
  const key = ASTER_TEST_V3.signerPrivateKey;
  const forms = [key, key.slice(2), key.toUpperCase().replace("0X", "0x"), key.slice(2).toUpperCase()];
  const v3 = {
    ASTER_USER: ASTER_TEST_V3.user,
    ASTER_SIGNER: ASTER_TEST_V3.signer,
    ASTER_SIGNER_PRIVATE_KEY: key,
  };
  const v1 = { ASTER_API_KEY: "public-api-key", ASTER_SECRET_KEY: TEST_SECRETS.ASTER_SECRET_KEY };
  const cases: Record<string, string>[] = [];
  for (const form of forms) {
    cases.push(
      { ...v3, ASTER_SIGNER: form },
      { ...v3, ASTER_USER: form },
      { ...v3, ASTER_USER: form, ASTER_SIGNER: form },
      { ...v3, ASTER_SIGNER_PRIVATE_KEY: ASTER_TEST_V3.signer, ASTER_SIGNER: form },
      { ...v1, ASTER_BASE_URL: form },
      { ...v1, ASTER_WS_URL: form },
      { ...v1, ASTER_ENVIRONMENT: form },
      { ...v1, ASTER_RECV_WINDOW_MS: form },
      { ...v1, ASTER_HTTP_TIMEOUT_MS: form },
      { ...v1, ASTER_API_KEY: `${form} ${form}` },
    );
  }
  let refused = 0;
  for (const env of cases) {
    const shown = Object.entries(env).filter(([, v]) => forms.some((f) => v.includes(f))).map(([k]) => k);
    let message: string;
    try {
      createAsterVenue({
        ticker: "SOL",
        env,
        clock: new VirtualClock(),
        logDir: "/nonexistent",
        accountName: undefined,
        trading: true,
      });
      continue;
    } catch (e) {
      assert.ok(e instanceof ConfigError, `${shown}: ${e}`);
      message = e.message;
    }
    refused++;
    assert.deepEqual(
      findLeaks({ [shown.join("+")]: message }, { ASTER_SIGNER_PRIVATE_KEY: key }),
      [],
      message,
    );
  }
  assert.equal(refused, cases.length, "every misplaced key is refused");
});
