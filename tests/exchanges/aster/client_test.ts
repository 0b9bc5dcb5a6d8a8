/**
 * AsterClient against scripted in-test `fetch` stubs: the request shapes of both signing modes (query for
 * GET/DELETE, form body for POST/PUT, signature last and valid), a lost placement answer looked up by client
 * id before any resend (no duplicate, no nested retries), 503, duplicate client id, post-only expiry, cancel
 * of a filled order (`-2011`), 418 ban, 429 with `Retry-After`, authentication codes, weight pacing, positions
 * and cancel-all. Retry waits run on a VirtualClock: nothing sleeps for real.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../../bot/clock.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import {
  AuthenticationError,
  RateLimitError,
  VenueRejectedError,
  VenueUnavailableError,
} from "../../../exchanges/venue.ts";
import { AsterClient, DEFAULT_BAN_MS, weightDelayMs } from "../../../exchanges/aster/client.ts";
import { AsterHmacSigner, AsterWalletSigner, hmacSignature } from "../../../exchanges/aster/signer.ts";
import { asterDigest } from "../../../exchanges/aster/signer.ts";
import { recoverDigestSigner } from "../../../exchanges/evm/eip712.ts";
import { restOrder } from "./samples.ts";

const V1_KEY = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83";
const V1_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const V3 = {
  user: "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
  signer: "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0",
  key: "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1",
};

/** One request as the stub saw it. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly headers: Headers;
  readonly at: number;
  /** Query and body parameters together. */
  readonly params: URLSearchParams;
}

type Answer = Response | "hang";
type Handler = (req: Seen, index: number) => Answer | Promise<Answer>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function stub(clock: VirtualClock, handler: Handler) {
  const seen: Seen[] = [];
  const fetchStub: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = typeof init?.body === "string" ? init.body : "";
    const params = new URLSearchParams(url.search);
    new URLSearchParams(body).forEach((v, k) => params.append(k, v));
    const req: Seen = {
      method: init?.method ?? "GET",
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      body,
      headers: new Headers(init?.headers),
      at: clock.now(),
      params,
    };
    seen.push(req);
    const answer = await handler(req, seen.length - 1);
    if (answer === "hang") {
      // A request whose answer is lost: it ends only when the client gives up.
      return await new Promise<Response>((_, reject) => {
        const signal = init?.signal;
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    return answer;
  };
  return { seen, fetch: fetchStub };
}

function v1Client(clock: VirtualClock, handler: Handler, extra: Record<string, unknown> = {}) {
  const s = stub(clock, handler);
  const client = new AsterClient({
    baseUrl: "http://127.0.0.1:9",
    signer: new AsterHmacSigner(V1_KEY, V1_SECRET),
    clock,
    symbol: "SOLUSDT",
    fetch: s.fetch,
    timeoutMs: 50,
    jitter: () => 0,
    ...extra,
  });
  return { client, seen: s.seen };
}

function v3Client(clock: VirtualClock, handler: Handler) {
  const s = stub(clock, handler);
  const client = new AsterClient({
    baseUrl: "http://127.0.0.1:9",
    signer: new AsterWalletSigner(V3.user, V3.signer, V3.key, 1666),
    clock,
    symbol: "SOLUSDT",
    fetch: s.fetch,
    timeoutMs: 50,
    jitter: () => 0,
  });
  return { client, seen: s.seen };
}

const LIMIT = {
  side: "buy" as const,
  price: new Decimal("150.05"),
  quantity: new Decimal("0.40"),
  postOnly: true,
  reduceOnly: false,
  clientId: "55",
};

const isPlace = (r: Seen) => r.method === "POST" && r.path.endsWith("/order");

Deno.test("aster client V1: a post-only placement is a signed form body, signature last, no attribution", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, () => json(restOrder()));
  const result = await client.placeLimit(LIMIT);
  assert.equal(result.kind, "accepted");
  assert.equal(seen.length, 1);
  const r = seen[0]!;
  assert.equal(r.path, "/fapi/v1/order");
  assert.equal(r.query, "", "POST carries no query");
  assert.equal(r.headers.get("content-type"), "application/x-www-form-urlencoded");
  assert.equal(r.headers.get("x-mbx-apikey"), V1_KEY);
  assert.equal(
    r.body.replace(/&signature=.*$/, ""),
    "symbol=SOLUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.4&price=150.05&newClientOrderId=55" +
      "&newOrderRespType=RESULT&timestamp=1700000000000&recvWindow=5000",
  );
  const [signed, signature] = r.body.split("&signature=");
  assert.equal(signature, hmacSignature(V1_SECRET, signed!));
  for (const [k] of r.params) assert.ok(!/broker|referr|affiliate|agent|source/i.test(k), k);
  for (const [k] of r.headers) assert.ok(!/broker|referr|affiliate/i.test(k), k);
});

Deno.test("aster client V1: GET puts every parameter in the query, DELETE in a form body; listen keys need the key only", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (r.path === "/fapi/v1/listenKey") {
      return r.method === "POST" ? json({ listenKey: "abc123" }) : new Response("", { status: 200 });
    }
    if (r.path === "/fapi/v2/positionRisk") return json([{ symbol: "SOLUSDT", positionAmt: "-0.3" }]);
    return json(restOrder({ status: "CANCELED" }));
  });
  assert.equal((await client.position()).toFixed(), "-0.3");
  await client.cancel("101");
  assert.equal(await client.createListenKey(), "abc123");
  await client.keepAliveListenKey();
  await client.closeListenKey();
  const [pos, cancel, create, keep, close] = seen;
  assert.equal(pos!.path, "/fapi/v2/positionRisk");
  assert.match(pos!.query, /^symbol=SOLUSDT&timestamp=\d+&recvWindow=5000&signature=[0-9a-f]{64}$/);
  assert.equal(pos!.body, "");
  assert.equal(cancel!.method, "DELETE");
  assert.match(
    cancel!.body,
    /^symbol=SOLUSDT&orderId=101&timestamp=\d+&recvWindow=5000&signature=[0-9a-f]{64}$/,
  );
  assert.equal(cancel!.query, "");
  assert.equal(cancel!.headers.get("content-type"), "application/x-www-form-urlencoded");
  for (const r of [create!, keep!, close!]) {
    assert.equal(r.path, "/fapi/v1/listenKey");
    assert.equal(r.headers.get("x-mbx-apikey"), V1_KEY);
    assert.ok(!r.params.has("signature"), `${r.method} listenKey is not signed in V1`);
  }
  assert.deepEqual([create!.method, keep!.method, close!.method], ["POST", "PUT", "DELETE"]);
});

Deno.test("aster client V3: /fapi/v3 paths, nonce/user/signer then a signature that recovers the signer", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v3Client(clock, (r) => {
    if (r.path === "/fapi/v3/listenKey") return json({ listenKey: "k1" });
    if (r.path === "/fapi/v3/positionRisk") return json([]);
    return json(restOrder());
  });
  await client.placeLimit(LIMIT);
  await client.order("101");
  await client.position();
  await client.createListenKey();
  assert.deepEqual(seen.map((r) => `${r.method} ${r.path}`), [
    "POST /fapi/v3/order",
    "GET /fapi/v3/order",
    "GET /fapi/v3/positionRisk",
    "POST /fapi/v3/listenKey",
  ]);
  for (const r of seen) {
    const sent = r.method === "GET" ? r.query : r.body;
    const [msg, signature] = sent.split("&signature=");
    assert.match(msg!, new RegExp(`nonce=\\d{16}&user=${V3.user}&signer=${V3.signer}$`));
    assert.ok(!msg!.includes("timestamp="), "V3 uses the nonce, not a timestamp");
    assert.equal(recoverDigestSigner(asterDigest(msg!, 1666), signature!), V3.signer);
    assert.equal(r.headers.get("x-mbx-apikey"), null);
  }
  const nonces = seen.map((r) => BigInt(r.params.get("nonce")!));
  for (let i = 1; i < nonces.length; i++) assert.ok(nonces[i]! > nonces[i - 1]!, "nonces increase");
});

Deno.test("aster client: a lost placement answer is looked up by client id; a found order is not sent again", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (isPlace(r)) return "hang";
    // The order was placed and has filled meanwhile: a blind resend would double the position.
    return json(restOrder({ status: "FILLED", executedQty: "0.4", avgPrice: "150.05" }));
  });
  const result = await client.placeLimit(LIMIT);
  assert.equal(result.kind, "accepted");
  assert.equal(result.kind === "accepted" && result.order.status, "FILLED");
  assert.equal(seen.filter(isPlace).length, 1, "one placement only");
  const lookup = seen[1]!;
  assert.equal(lookup.method, "GET");
  assert.equal(lookup.params.get("origClientOrderId"), "55");
});

Deno.test("aster client: a lost answer is sent again once, only after its recvWindow has passed with the order still unknown", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  let places = 0;
  const sentAt: number[] = [];
  const { client, seen } = v1Client(clock, (r) => {
    if (isPlace(r)) sentAt.push(clock.now());
    if (isPlace(r)) return ++places === 1 ? "hang" : json(restOrder());
    return json({ code: -2013, msg: "Order does not exist." }, 400);
  });
  const result = await client.placeLimit(LIMIT);
  assert.equal(result.kind, "accepted");
  assert.deepEqual(seen.map((r) => r.method), ["POST", "GET", "GET", "POST"]);
  // The lost request could still execute until timestamp + recvWindow (5 s): the resend waits past it.
  assert.equal(sentAt.length, 2);
  assert.ok(sentAt[1]! - sentAt[0]! >= 5000, `resent ${sentAt[1]! - sentAt[0]!} ms after the first send`);
});

Deno.test("aster client: 503 (unknown execution status) looks the order up before any resend", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (isPlace(r)) return json({ code: -1000, msg: "Unknown error, execution status unknown" }, 503);
    return json(restOrder());
  });
  const result = await client.placeLimit(LIMIT);
  assert.equal(result.kind, "accepted");
  assert.deepEqual(seen.map((r) => r.method), ["POST", "GET"]);
});

Deno.test("aster client: lookups inside a placement are not retried on their own (no nested retries)", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, () => "hang");
  await assert.rejects(client.placeLimit(LIMIT), VenueUnavailableError);
  // 3 attempts: the placement, then two attempts of one lookup each (which also time out).
  assert.deepEqual(seen.map((r) => r.method), ["POST", "GET", "GET"]);
  // The caller's retry, same client id: the order is looked up first, not sent blindly.
  const before = seen.length;
  await assert.rejects(client.placeLimit(LIMIT), VenueUnavailableError);
  assert.deepEqual(seen.slice(before).map((r) => r.method), ["GET", "GET", "GET"]);
});

Deno.test("aster client: duplicate client id (-4116) resolves to the existing order", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (isPlace(r)) return json({ code: -4116, msg: "ClientOrderId is duplicated." }, 400);
    return json(restOrder({ orderId: 777 }));
  });
  const result = await client.placeLimit(LIMIT);
  assert.ok(result.kind === "accepted" && result.order.orderId === "777");
  assert.deepEqual(seen.map((r) => r.method), ["POST", "GET"]);
});

Deno.test("aster client: a GTX order answered EXPIRED is a post-only rejection, not an error", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client } = v1Client(clock, () => json(restOrder({ status: "EXPIRED" })));
  const result = await client.placeLimit(LIMIT);
  assert.equal(result.kind, "rejected");
  assert.equal(result.kind === "rejected" && result.postOnlyWouldCross, true);
  const other = v1Client(clock, () => json({ code: -2022, msg: "ReduceOnly Order is rejected." }, 400));
  await assert.rejects(other.client.placeLimit(LIMIT), (e: unknown) => {
    assert.ok(e instanceof VenueRejectedError);
    assert.equal(e.code, "-2022");
    return true;
  });
});

Deno.test("aster client: cancel of a filled order (-2011) returns its final state, filled", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (r.method === "DELETE") return json({ code: -2011, msg: "Unknown order sent." }, 400);
    return json(restOrder({ status: "FILLED", executedQty: "0.4", avgPrice: "150.05" }));
  });
  const final = await client.cancel("101");
  assert.equal(final.status, "FILLED");
  assert.equal(final.filled.toFixed(), "0.4");
  assert.deepEqual(seen.map((r) => r.method), ["DELETE", "GET"]);
  const unknown = v1Client(
    clock,
    (r) =>
      r.method === "DELETE"
        ? json({ code: -2011, msg: "Unknown order sent." }, 400)
        : json({ code: -2013, msg: "Order does not exist." }, 400),
  );
  await assert.rejects(unknown.client.cancel("5"), VenueRejectedError);
  assert.equal(await unknown.client.order("5"), undefined);
});

Deno.test("aster client: HTTP 418 bans every request for Retry-After (default two minutes)", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(
    clock,
    () => json({ code: -1003, msg: "Way too many requests; IP banned" }, 418, { "retry-after": "300" }),
  );
  await assert.rejects(client.position(), (e: unknown) => {
    assert.ok(e instanceof RateLimitError, String(e));
    assert.equal(e.retryAfterMs, 300_000);
    return true;
  });
  assert.equal(seen.length, 1, "a ban is not retried here");
  await clock.sleep(1000);
  await assert.rejects(client.placeLimit(LIMIT), (e: unknown) => {
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfterMs, 299_000);
    return true;
  });
  assert.equal(seen.length, 1, "nothing is sent while banned");
  await clock.sleep(299_000);
  await assert.rejects(client.position(), RateLimitError);
  assert.equal(seen.length, 2, "requests resume after the ban");

  const bare = v1Client(clock, () => json({ code: -1003, msg: "banned" }, 418));
  await assert.rejects(bare.client.position(), (e: unknown) => {
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfterMs, DEFAULT_BAN_MS);
    return true;
  });
});

Deno.test("aster client: 429 is retried no sooner than Retry-After; -1003 is a rate limit too", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  let n = 0;
  const { client, seen } = v1Client(
    clock,
    () =>
      ++n <= 2
        ? json({ code: -1003, msg: "Too many requests" }, 429, { "retry-after": "2" })
        : json([{ symbol: "SOLUSDT", positionAmt: "1" }]),
  );
  assert.equal((await client.position()).toFixed(), "1");
  assert.equal(seen.length, 3);
  assert.ok(seen[1]!.at - seen[0]!.at >= 2000);
  assert.ok(seen[2]!.at - seen[1]!.at >= 2000);
  const long = v1Client(clock, () => json({ code: -1003, msg: "slow down" }, 400, { "retry-after": "60" }));
  await assert.rejects(long.client.position(), (e: unknown) => {
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfterMs, 60_000);
    return true;
  });
  assert.equal(long.seen.length, 1, "a wait longer than the client's limit goes to the caller");
});

Deno.test("aster client: -1021, -1022, -2014, -2015 are authentication errors whatever the status", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  for (
    const [code, status] of [[-1021, 400], [-1022, 400], [-1022, 401], [-2014, 400], [-2015, 401]] as const
  ) {
    const { client, seen } = v1Client(clock, () => json({ code, msg: "refused" }, status));
    await assert.rejects(client.openOrders(), AuthenticationError, `${code} at ${status}`);
    assert.equal(seen.length, 1, "not retried");
  }
});

Deno.test("aster client: an error message never shows the secret, even when the venue echoes it", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client } = v1Client(
    clock,
    () => json({ code: -1100, msg: `bad ${V1_SECRET}` }, 400),
    { redact: (t: string) => t.split(V1_SECRET).join("[REDACTED]") },
  );
  await assert.rejects(client.openOrders(), (e: unknown) => {
    assert.ok(e instanceof VenueRejectedError);
    assert.ok(!e.message.includes(V1_SECRET), e.message);
    return true;
  });
});

Deno.test("aster client: near the weight limit, requests wait for the next minute", async () => {
  assert.equal(weightDelayMs(100, 2400, 60_000, 61_000), 0);
  assert.equal(weightDelayMs(2160, 2400, 60_500, 61_000), 59_000);
  assert.equal(weightDelayMs(2400, 2400, 60_500, 125_000), 0, "a new minute starts afresh");
  assert.equal(weightDelayMs(5000, 0, 0, 0), 0);
  const clock = new VirtualClock(1_700_000_020_000); // 40 s into a minute
  const { client, seen } = v1Client(
    clock,
    (_r, i) =>
      json([{ symbol: "SOLUSDT", positionAmt: "0" }], 200, {
        "X-MBX-USED-WEIGHT-1M": i === 0 ? "2300" : "5",
      }),
  );
  await client.position();
  await client.position();
  await client.position();
  assert.equal(seen[0]!.at, 1_700_000_020_000);
  assert.equal(seen[1]!.at, 1_700_000_020_000 + 20_000, "held until the minute turned");
  assert.equal(seen[2]!.at, seen[1]!.at, "no hold once the weight is low");
});

Deno.test("aster client: cancel-all cancels then reports the final state of each order that was open", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, (r) => {
    if (r.path === "/fapi/v1/openOrders") return json([restOrder({ orderId: 1 }), restOrder({ orderId: 2 })]);
    if (r.path === "/fapi/v1/allOpenOrders") {
      return json({ code: 200, msg: "The operation of cancel all open order is done." });
    }
    const id = r.params.get("orderId");
    return json(
      id === "1"
        ? restOrder({ orderId: 1, status: "CANCELED", executedQty: "0.1", avgPrice: "150.05" })
        : restOrder({ orderId: 2, status: "FILLED", executedQty: "0.4", avgPrice: "150.05" }),
    );
  });
  const out = await client.cancelAll();
  assert.deepEqual(out.map((o) => `${o.orderId} ${o.status} ${o.filled}`), [
    "1 CANCELED 0.1",
    "2 FILLED 0.4",
  ]);
  assert.deepEqual(seen.map((r) => `${r.method} ${r.path}`), [
    "GET /fapi/v1/openOrders",
    "DELETE /fapi/v1/allOpenOrders",
    "GET /fapi/v1/order",
    "GET /fapi/v1/order",
  ]);
});

Deno.test("aster client: market orders ask for the result; invalid client ids are refused before sending", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const { client, seen } = v1Client(clock, () =>
    json(restOrder({
      type: "MARKET",
      timeInForce: "GTC",
      price: "0",
      status: "FILLED",
      executedQty: "0.4",
      avgPrice: "150.1",
    })));
  const o = await client.placeMarket({
    side: "sell",
    quantity: new Decimal("0.4"),
    reduceOnly: true,
    clientId: "9",
  });
  assert.equal(o.avgPrice!.toFixed(), "150.1");
  assert.equal(o.price.toFixed(), "150.1");
  const p = seen[0]!.params;
  assert.equal(p.get("type"), "MARKET");
  assert.equal(p.get("newOrderRespType"), "RESULT");
  assert.equal(p.get("reduceOnly"), "true");
  assert.equal(p.get("timeInForce"), null);
  await assert.rejects(client.placeLimit({ ...LIMIT, clientId: "bad id!" }), VenueRejectedError);
  await assert.rejects(client.placeLimit({ ...LIMIT, price: new Decimal(0) }), VenueRejectedError);
  assert.equal(seen.length, 1);
});
