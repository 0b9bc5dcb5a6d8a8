/**
 * The Aster fake itself: it accepts exactly what the venue documents (the V1 HMAC vectors, the V3 EIP-712
 * demo signature), refuses bad keys, signatures, stale timestamps and reused nonces the way the venue does,
 * validates orders against the filters, expires a crossing post-only order, streams the documented messages,
 * expires listen keys, and injects the faults it is asked to.
 *
 * Requests here are built and signed by this file alone (HMAC with `@noble/hashes`, EIP-712 with `ethers`),
 * not by the adapter: a shared mistake cannot pass.
 */
import assert from "node:assert/strict";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { Wallet } from "ethers";
import { type Clock, RealClock } from "../../bot/clock.ts";
import {
  ASTER_TEST_V1,
  ASTER_TEST_V3,
  ASTER_TESTNET_CHAIN_ID,
  ASTER_TYPES,
  asterDomain,
  AsterFake,
  type AsterFakeOptions,
  type AsterOrderEvent,
} from "./aster.ts";
import { WsClient as LoopbackWsClient } from "./ws_client.ts";

// ---------------------------------------------------------------- signing, independently

const enc = new TextEncoder();

function hmacHex(secret: string, text: string): string {
  return bytesToHex(hmac(sha256, enc.encode(secret), enc.encode(text)));
}

const API_WALLET = new Wallet(ASTER_TEST_V3.signerPrivateKey);
/** An API wallet nobody registered. */
const STRANGER = new Wallet("0x" + "11".repeat(32));

/** A clock stopped at `t`; sleeps are real. */
class FixedClock implements Clock {
  readonly #real = new RealClock();
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#real.sleep(ms, signal);
  }
}

type Pairs = [string, string][];

interface CallOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  /** Parameters, in order; signing fields are appended by the mode. */
  params?: Pairs;
  /** Where the parameters go; `split` puts the first `splitAt` in the query and the rest in the body. */
  where?: "query" | "body" | "split";
  splitAt?: number;
  /** `v1` adds timestamp and an HMAC signature; `v3` adds nonce, user, signer and an EIP-712 signature. */
  sign?: "v1" | "v3" | "none";
  apiKey?: string | null;
  secret?: string;
  timestamp?: number;
  recvWindow?: number;
  nonce?: number;
  user?: string;
  signerAddress?: string;
  wallet?: Wallet;
  chainId?: number;
  /** Replace the computed signature. */
  signature?: string;
  /** Leave signature out. */
  omitSignature?: boolean;
}

interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  json: any;
  headers: Headers;
}

let nonceSeq = 0;

function encodePairs(pairs: Pairs): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

async function call(fake: AsterFake, o: CallOptions): Promise<Answer> {
  const sign = o.sign ?? "none";
  const pairs: Pairs = [...(o.params ?? [])];
  if (sign === "v1") {
    if (o.recvWindow !== undefined) pairs.push(["recvWindow", String(o.recvWindow)]);
    pairs.push(["timestamp", String(o.timestamp ?? fake.clock.now())]);
  }
  if (sign === "v3") {
    if (o.timestamp !== undefined) pairs.push(["timestamp", String(o.timestamp)]);
    pairs.push(["nonce", String(o.nonce ?? fake.clock.now() * 1000 + (nonceSeq++ % 1000))]);
    pairs.push(["user", o.user ?? ASTER_TEST_V3.user]);
    pairs.push(["signer", o.signerAddress ?? (o.wallet ?? API_WALLET).address]);
  }
  const where = o.where ?? (o.method === "GET" ? "query" : "body");
  const cut = where === "query" ? pairs.length : where === "body" ? 0 : o.splitAt ?? 0;
  const query = encodePairs(pairs.slice(0, cut));
  let body = encodePairs(pairs.slice(cut));
  if (sign !== "none" && !o.omitSignature) {
    let signature = o.signature;
    if (signature === undefined && sign === "v1") {
      signature = hmacHex(o.secret ?? ASTER_TEST_V1.secretKey, query + body);
    }
    if (signature === undefined && sign === "v3") {
      const msg = query !== "" && body !== "" ? `${query}&${body}` : query + body;
      signature = await (o.wallet ?? API_WALLET).signTypedData(
        asterDomain(o.chainId ?? fake.chainId),
        ASTER_TYPES,
        { msg },
      );
    }
    const pair = `signature=${signature}`;
    if (body !== "" || where === "body") body = body === "" ? pair : `${body}&${pair}`;
    else body = "";
    if (body === "") return send(fake, o, query === "" ? pair : `${query}&${pair}`, "");
  }
  return send(fake, o, query, body);
}

async function send(fake: AsterFake, o: CallOptions, query: string, body: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  const key = o.apiKey === undefined ? ASTER_TEST_V1.apiKey : o.apiKey;
  if (key !== null && (o.sign ?? "none") !== "v3") headers["X-MBX-APIKEY"] = key;
  if (body !== "") headers["Content-Type"] = "application/x-www-form-urlencoded";
  const res = await fetch(`${fake.baseUrl}${o.path}${query === "" ? "" : `?${query}`}`, {
    method: o.method,
    headers,
    ...(body === "" ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the text is the answer.
  }
  return { status: res.status, json, headers: res.headers };
}

async function withFake(options: AsterFakeOptions, fn: (fake: AsterFake) => Promise<void>): Promise<void> {
  const fake = await AsterFake.start({ bid: "150.00", ask: "150.10", ...options });
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

const SOL = "SOLUSDT";

function limit(extra: Pairs = [], price = "149.00", quantity = "1"): Pairs {
  return [
    ["symbol", SOL],
    ["side", "BUY"],
    ["type", "LIMIT"],
    ["timeInForce", "GTC"],
    ["quantity", quantity],
    ["price", price],
    ...extra,
  ];
}

function expectError(a: Answer, status: number, code: number, what: string): void {
  assert.deepEqual([a.status, a.json?.code], [status, code], `${what}: ${JSON.stringify(a.json)}`);
  assert.equal(typeof a.json.msg, "string", what);
}

// ---------------------------------------------------------------- a WebSocket client for the tests

/** The Aster fake's messages are event objects; `of` picks those of one event type. */
// deno-lint-ignore no-explicit-any
class WsClient extends LoopbackWsClient<any> {
  // deno-lint-ignore no-explicit-any
  of(e: string): any[] {
    return this.messages.filter((m) => m.e === e);
  }
}

async function settle(ms = 40): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function listenKey(fake: AsterFake, mode: "v1" | "v3" = "v1"): Promise<string> {
  const a = mode === "v1"
    ? await call(fake, { method: "POST", path: "/fapi/v1/listenKey" })
    : await call(fake, { method: "POST", path: "/fapi/v3/listenKey", sign: "v3" });
  assert.equal(a.status, 200, JSON.stringify(a.json));
  return a.json.listenKey;
}

async function place(fake: AsterFake, params: Pairs, mode: "v1" | "v3" = "v1"): Promise<Answer> {
  return await call(fake, { method: "POST", path: `/fapi/${mode}/order`, params, sign: mode });
}

// ---------------------------------------------------------------- V1 signing

const VECTOR_TS = 1591702613943;
const VECTORS = Deno.readTextFileSync(new URL("../testdata/aster_v1.txt", import.meta.url))
  .split("\n").filter((l) => l.includes(" -> ")).map((l) => {
    const [payload, sig] = l.split(" -> ");
    return { payload: payload!.trim(), sig: sig!.trim() };
  });

Deno.test("aster fake: V1 HMAC of the documented strings gives the documented signatures", () => {
  assert.ok(VECTORS.length >= 4, `vectors read: ${VECTORS.length}`);
  for (const v of VECTORS) assert.equal(hmacHex(ASTER_TEST_V1.secretKey, v.payload), v.sig, v.payload);
});

Deno.test("aster fake: accepts the documented V1 requests with the documented signatures", async () => {
  const clock = new FixedClock(VECTOR_TS);
  await withFake(
    { ticker: "BTC", tickSize: "0.10", stepSize: "0.001", clock, bid: "8990", ask: "9010" },
    async (fake) => {
      const byPayload = new Map(VECTORS.map((v) => [v.payload, v.sig]));
      const doc1 =
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000" +
        "&timestamp=1591702613943";
      const o = { method: "POST" as const, path: "/fapi/v1/order" };
      // All in the query string.
      const a = await send(fake, o, `${doc1}&signature=${byPayload.get(doc1)}`, "");
      assert.equal(a.status, 200, JSON.stringify(a.json));
      assert.equal(a.json.status, "NEW");
      assert.equal(typeof a.json.orderId, "number");
      // All in the body, signature upper case (hex is case-insensitive).
      const b = await send(fake, o, "", `${doc1}&signature=${byPayload.get(doc1)!.toUpperCase()}`);
      assert.equal(b.status, 200, JSON.stringify(b.json));
      // Mixed: query + body with nothing between them, the documentation's third example.
      const q = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";
      const body = "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943";
      const c = await send(
        fake,
        o,
        q,
        `${body}&signature=30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4`,
      );
      assert.equal(c.status, 200, JSON.stringify(c.json));
      // The GTX vector crosses the ask (60000.1 > 9010): signature accepted, the order expires.
      const gtx = VECTORS.find((v) => v.payload.includes("GTX"))!;
      const d = await send(fake, o, "", `${gtx.payload}&signature=${gtx.sig}`);
      assert.deepEqual([d.status, d.json.status, d.json.clientOrderId, d.json.executedQty], [
        200,
        "EXPIRED",
        "bot-1",
        "0.000",
      ]);
      // A query of an order the fake does not have: past authentication, then -2013.
      const query = VECTORS.find((v) => v.payload.includes("orderId=22542179"))!;
      const f = await send(
        fake,
        { method: "GET", path: "/fapi/v1/order" },
        `${query.payload}&signature=${query.sig}`,
        "",
      );
      expectError(f, 400, -2013, "unknown order");
      const ts = VECTORS.find((v) => v.payload === `timestamp=${VECTOR_TS}`)!;
      const g = await send(
        fake,
        { method: "GET", path: "/fapi/v2/positionRisk" },
        `${ts.payload}&signature=${ts.sig}`,
        "",
      );
      assert.equal(g.status, 200, JSON.stringify(g.json));
      assert.equal(g.json[0].positionAmt, "0.000");
      assert.equal(fake.openOrders().length, 3);
    },
  );
});

Deno.test("aster fake: V1 refuses a missing or wrong key, a bad signature and a stale timestamp", async () => {
  await withFake({}, async (fake) => {
    const post = { method: "POST" as const, path: "/fapi/v1/order", params: limit(), sign: "v1" as const };
    assert.equal((await call(fake, post)).status, 200);
    expectError(await call(fake, { ...post, apiKey: null }), 401, -2015, "no key header");
    expectError(await call(fake, { ...post, apiKey: "x".repeat(64) }), 401, -2015, "wrong key");
    expectError(await call(fake, { ...post, secret: "wrong" }), 401, -1022, "wrong secret");
    expectError(await call(fake, { ...post, signature: "00".repeat(32) }), 401, -1022, "bad signature");
    expectError(await call(fake, { ...post, omitSignature: true }), 400, -1102, "no signature");
    const now = fake.clock.now();
    expectError(
      await call(fake, { ...post, timestamp: now - 6000 }),
      400,
      -1021,
      "older than the default 5000",
    );
    assert.equal((await call(fake, { ...post, timestamp: now - 6000, recvWindow: 10_000 })).status, 200);
    expectError(await call(fake, { ...post, timestamp: now + 1500 }), 400, -1021, "more than 1 s ahead");
    expectError(await call(fake, { ...post, recvWindow: 60_001 }), 400, -1131, "recvWindow above 60000");
    // The signature must be the last parameter.
    const qs = encodePairs([...limit(), ["timestamp", String(now)]]);
    const sig = hmacHex(ASTER_TEST_V1.secretKey, qs);
    const moved = await send(fake, post, `signature=${sig}&${qs}`, "");
    expectError(moved, 401, -1022, "signature first");
    // Signed over different bytes than sent (re-encoded): refused.
    const raw = encodePairs([["symbol", SOL], ["timestamp", String(now)]]);
    const reencoded = await send(
      fake,
      { method: "GET", path: "/fapi/v1/openOrders" },
      `${raw.replace("symbol=SOLUSDT", "symbol=%53OLUSDT")}&signature=${
        hmacHex(ASTER_TEST_V1.secretKey, raw)
      }`,
      "",
    );
    expectError(reencoded, 401, -1022, "signature over other bytes");
    // Listen keys need the key header only; public data nothing.
    assert.equal((await call(fake, { method: "POST", path: "/fapi/v1/listenKey" })).status, 200);
    expectError(
      await call(fake, { method: "POST", path: "/fapi/v1/listenKey", apiKey: null }),
      401,
      -2015,
      "listenKey",
    );
    assert.equal(
      (await call(fake, { method: "GET", path: "/fapi/v1/exchangeInfo", apiKey: null })).status,
      200,
    );
    // Only the first, the recvWindow one and the listen key went through.
    assert.equal(fake.orders().length, 2);
  });
});

Deno.test("aster fake: parameters from the query win over the same key in the body", async () => {
  await withFake({}, async (fake) => {
    const now = String(fake.clock.now());
    const query = encodePairs([["price", "148.00"]]);
    const body = encodePairs([...limit([], "149.00"), ["timestamp", now]]);
    const sig = hmacHex(ASTER_TEST_V1.secretKey, query + body);
    const a = await send(fake, { method: "POST", path: "/fapi/v1/order" }, query, `${body}&signature=${sig}`);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.equal(a.json.price, "148.00");
    assert.ok(fake.orders()[0]!.price.eq("148"));
  });
});

// ---------------------------------------------------------------- V3 signing

Deno.test("aster fake: accepts the documented V3 demo signature, on mainnet and testnet chain ids", async () => {
  const msg =
    "symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867" +
    "&user=0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e&signer=0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
  const sigs = {
    1666:
      "0x0a56c5923ebf3524475c5f631940ec4c0e41dbd300ad28198d1915d8f3ca49ce26fd1aeb8b0c3079133595da0de38322ae7e860e0c76d032c4a491d27c1430b01c",
    714:
      "0xf91e000376f360c1661cf0fbc79a816e915dce485c616bd49c5e35c6cbc5ba5042ccf75a2bffd282676dbf698087a73982bfd1491a993eeedc276f6827c94a8c1c",
  };
  assert.equal(await API_WALLET.signTypedData(asterDomain(1666), ASTER_TYPES, { msg }), sigs[1666]);
  for (const chainId of [1666, ASTER_TESTNET_CHAIN_ID] as const) {
    const clock = new FixedClock(1748310859508);
    await withFake({
      ticker: "ASTER",
      tickSize: "0.0001",
      stepSize: "1",
      clock,
      chainId,
      bid: "0.4",
      ask: "0.6",
    }, async (fake) => {
      const o = { method: "POST" as const, path: "/fapi/v3/order" };
      const a = await send(fake, o, `${msg}&signature=${sigs[chainId]}`, "");
      assert.equal(a.status, 200, `chain ${chainId}: ${JSON.stringify(a.json)}`);
      assert.equal(a.json.status, "NEW");
      // The other chain's signature recovers another address.
      const other = chainId === 1666 ? sigs[714] : sigs[1666];
      const b = await send(fake, o, "", `${msg.replace("508867", "508868")}&signature=${other}`);
      expectError(b, 401, -1022, `chain ${chainId}, other domain`);
    });
  }
});

Deno.test("aster fake: V3 refuses a bad signature, an unregistered wallet and a reused or stale nonce", async () => {
  await withFake({}, async (fake) => {
    const post = { method: "POST" as const, path: "/fapi/v3/order", params: limit(), sign: "v3" as const };
    const ok = await call(fake, post);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    // Also with the signature in the query and without 0x.
    assert.equal((await call(fake, { ...post, where: "query" })).status, 200);
    // Signed by another key while naming the API wallet: the recovered address is not the signer.
    expectError(
      await call(fake, { ...post, wallet: STRANGER, signerAddress: API_WALLET.address }),
      401,
      -1022,
      "forged",
    );
    // A correctly signed request from a wallet the user never registered.
    expectError(await call(fake, { ...post, wallet: STRANGER }), 401, -2015, "unregistered wallet");
    expectError(await call(fake, { ...post, user: STRANGER.address }), 401, -2015, "other user");
    expectError(await call(fake, { ...post, chainId: 714 }), 401, -1022, "testnet domain on mainnet");
    expectError(
      await call(fake, { ...post, signature: "0x" + "ab".repeat(65) }),
      401,
      -1022,
      "garbage signature",
    );
    expectError(await call(fake, { ...post, omitSignature: true }), 400, -1102, "no signature");
    // Nonces: reused, too far from the server's time.
    const n = fake.clock.now() * 1000 + 777;
    assert.equal((await call(fake, { ...post, nonce: n, params: limit([], "148.00") })).status, 200);
    expectError(
      await call(fake, { ...post, nonce: n, params: limit([], "147.00") }),
      400,
      -4225,
      "reused nonce",
    );
    expectError(await call(fake, { ...post, nonce: n - 11_000_000 }), 400, -1021, "nonce 11 s old");
    expectError(await call(fake, { ...post, nonce: n + 11_000_000 }), 400, -1021, "nonce 11 s ahead");
    // Query and body together: the signed text joins them with `&`.
    const split = await call(fake, { ...post, where: "split", splitAt: 2, params: limit([], "146.00") });
    assert.equal(split.status, 200, JSON.stringify(split.json));
    // Signed over the sorted parameters but sent in another order: the received string is what counts.
    const pairs: Pairs = [
      ...limit([], "145.00"),
      ["nonce", String(fake.clock.now() * 1000 + 999)],
      ["user", ASTER_TEST_V3.user],
      ["signer", API_WALLET.address],
    ];
    const sorted = encodePairs([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const sortedSig = await API_WALLET.signTypedData(asterDomain(fake.chainId), ASTER_TYPES, { msg: sorted });
    const reordered = await send(fake, post, "", `${encodePairs(pairs)}&signature=${sortedSig}`);
    expectError(reordered, 401, -1022, "signed sorted, sent unsorted");
    // Listen keys are signed in V3.
    expectError(
      await call(fake, { method: "POST", path: "/fapi/v3/listenKey" }),
      400,
      -1102,
      "unsigned listenKey",
    );
    assert.equal((await call(fake, { method: "POST", path: "/fapi/v3/listenKey", sign: "v3" })).status, 200);
    assert.equal(fake.orders().length, 4);
  });
});

Deno.test("aster fake: V3 keeps the last 100 nonces; older than all of them is expired", async () => {
  await withFake({}, async (fake) => {
    const base = fake.clock.now() * 1000 - 5_000_000;
    for (let i = 0; i < 100; i++) {
      const a = await call(fake, {
        method: "GET",
        path: "/fapi/v3/openOrders",
        sign: "v3",
        nonce: base + 10 + i,
      });
      assert.equal(a.status, 200, JSON.stringify(a.json));
    }
    const get = { method: "GET" as const, path: "/fapi/v3/openOrders", sign: "v3" as const };
    expectError(await call(fake, { ...get, nonce: base + 5 }), 400, -4225, "older than the kept minimum");
    assert.equal((await call(fake, { ...get, nonce: base + 200 })).status, 200);
    // base+10 was pushed out; still below the minimum now kept.
    expectError(await call(fake, { ...get, nonce: base + 10 }), 400, -4225, "pushed out");
  });
});

// ---------------------------------------------------------------- orders

Deno.test("aster fake: order fields are validated like the venue", async () => {
  await withFake({ tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2" }, async (fake) => {
    const cases: [string, Pairs, number][] = [
      ["price between ticks", limit([], "149.02"), -4014],
      ["price with too many decimals", limit([], "149.051"), -1111],
      ["price with an exponent", limit([], "1.49e2"), -1100],
      ["negative price", limit([], "-149"), -1100],
      ["quantity between steps", limit([], "149.00", "0.25"), -1111],
      ["quantity below the minimum", limit([], "149.00", "0.1"), -4003],
      ["notional below 5", limit([], "10.00", "0.2"), -4164],
      ["unknown symbol", limit().map(([k, v]) => [k, k === "symbol" ? "NOPEUSDT" : v]), -1121],
      ["bad side", limit().map(([k, v]) => [k, k === "side" ? "buy" : v]), -1117],
      ["bad type", limit().map(([k, v]) => [k, k === "type" ? "POST_ONLY" : v]), -1116],
      ["bad time in force", limit().map(([k, v]) => [k, k === "timeInForce" ? "PO" : v]), -1115],
      ["missing price", limit().filter(([k]) => k !== "price"), -1102],
      ["missing time in force", limit().filter(([k]) => k !== "timeInForce"), -1102],
      ["missing side", limit().filter(([k]) => k !== "side"), -1102],
      ["bad client id", limit([["newClientOrderId", "has space"]]), -4015],
      ["client id too long", limit([["newClientOrderId", "x".repeat(37)]]), -4015],
      ["bad reduceOnly", limit([["reduceOnly", "TRUE"]]), -1100],
      ["reduce-only buy on a flat position", limit([["reduceOnly", "true"]]), -2022],
      ["hedge position side", limit([["positionSide", "LONG"]]), -4061],
      ["market with a price", [["symbol", SOL], ["side", "BUY"], ["type", "MARKET"], ["quantity", "1"], [
        "price",
        "150",
      ]], -1106],
    ];
    for (const [what, params, code] of cases) {
      const a = await place(fake, params);
      expectError(a, 400, code, what);
    }
    // 0.3 is a multiple of 0.1; 0.35 has too many decimals; a value with trailing zeros is fine.
    expectError(await place(fake, limit([], "149.00", "0.35")), 400, -1111, "0.35");
    assert.equal((await place(fake, limit([], "149.0500", "0.30"))).status, 200);
    assert.equal(fake.orders().length, 1);
  });
});

Deno.test("aster fake: step not a multiple → -4023; an integer tick of 10", async () => {
  await withFake({
    ticker: "BTC",
    tickSize: "10",
    stepSize: "0.002",
    minQuantity: "0.002",
    bid: "60000",
    ask: "60010",
  }, async (fake) => {
    const btc = (price: string, qty: string) =>
      limit([], price, qty).map(([k, v]) => [k, k === "symbol" ? "BTCUSDT" : v] as [string, string]);
    expectError(await place(fake, btc("59990", "0.003")), 400, -4023, "0.003 of step 0.002");
    expectError(await place(fake, btc("59995", "0.002")), 400, -4014, "59995 of tick 10");
    expectError(await place(fake, btc("59990.5", "0.002")), 400, -1111, "decimals on an integer tick");
    const a = await place(fake, btc("59990", "0.004"));
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.deepEqual([a.json.price, a.json.origQty], ["59990", "0.004"]);
    const info = await call(fake, { method: "GET", path: "/fapi/v1/exchangeInfo" });
    const sym = info.json.symbols.find((s: { symbol: string }) => s.symbol === "BTCUSDT");
    const f = Object.fromEntries(sym.filters.map((x: { filterType: string }) => [x.filterType, x]));
    assert.equal(f.PRICE_FILTER.tickSize, "10");
    assert.equal(f.LOT_SIZE.stepSize, "0.002");
  });
});

Deno.test("aster fake: exchangeInfo sends the filters verbatim, padded ones included", async () => {
  await withFake({
    tickSize: "0.01000000",
    stepSize: "0.10000000",
    minQuantity: "0.20000000",
    minNotional: "5.0",
  }, async (fake) => {
    const info = await call(fake, { method: "GET", path: "/fapi/v3/exchangeInfo" });
    assert.equal(info.status, 200);
    assert.ok(info.headers.get("x-mbx-used-weight-1m") !== null);
    assert.ok(Array.isArray(info.json.rateLimits) && info.json.rateLimits.length > 0);
    const symbols = info.json.symbols.map((s: { symbol: string }) => s.symbol);
    assert.ok(symbols.includes("SOLUSDT") && symbols.indexOf("SOLUSDT") > 0, symbols.join(","));
    const sym = info.json.symbols.find((s: { symbol: string }) => s.symbol === "SOLUSDT");
    assert.deepEqual([sym.baseAsset, sym.quoteAsset, sym.status, sym.contractType], [
      "SOL",
      "USDT",
      "TRADING",
      "PERPETUAL",
    ]);
    const f = Object.fromEntries(sym.filters.map((x: { filterType: string }) => [x.filterType, x]));
    assert.deepEqual(
      [
        f.PRICE_FILTER.tickSize,
        f.PRICE_FILTER.minPrice,
        f.LOT_SIZE.stepSize,
        f.LOT_SIZE.minQty,
        f.MIN_NOTIONAL.notional,
      ],
      ["0.01000000", "0.01000000", "0.10000000", "0.20000000", "5.0"],
    );
    assert.ok(f.PRICE_FILTER.maxPrice !== undefined && f.LOT_SIZE.maxQty !== undefined);
    // Orders follow the values: 0.3 is a multiple of 0.1.
    assert.equal((await place(fake, limit([], "149.01", "0.3"))).status, 200);
  });
});

Deno.test("aster fake: a crossing GTX order answers EXPIRED and streams one EXPIRED update", async () => {
  await withFake({}, async (fake) => {
    const ws = await WsClient.open(`${fake.wsUrl}/ws/${await listenKey(fake)}`);
    try {
      for (
        const [side, price] of [["BUY", "150.10"], ["BUY", "150.20"], ["SELL", "150.00"], ["SELL", "149.90"]]
      ) {
        const cid = `gtx-${side}-${price}`;
        const params = limit([["newClientOrderId", cid]], price).map(([k, v]) =>
          [k, k === "side" ? side! : k === "timeInForce" ? "GTX" : v] as [string, string]
        );
        const a = await place(fake, params);
        assert.equal(a.status, 200, JSON.stringify(a.json));
        assert.deepEqual([a.json.status, a.json.executedQty, a.json.clientOrderId, a.json.timeInForce], [
          "EXPIRED",
          "0.00",
          cid,
          "GTX",
        ]);
        assert.equal(fake.ordersWithClientId(cid).length, 0, "never on the book");
        const q = await call(fake, {
          method: "GET",
          path: "/fapi/v1/order",
          params: [["symbol", SOL], ["origClientOrderId", cid]],
          sign: "v1",
        });
        assert.equal(q.json.status, "EXPIRED");
      }
      await ws.waitFor(() => ws.of("ORDER_TRADE_UPDATE").length === 4, "four updates");
      await settle();
      for (const m of ws.of("ORDER_TRADE_UPDATE")) {
        assert.deepEqual([m.o.x, m.o.X, m.o.f, m.o.z], ["EXPIRED", "EXPIRED", "GTX", "0.00"]);
      }
      assert.equal(ws.messages.length, 4, "no NEW before the EXPIRED");
      // Not crossing: rests.
      const rest = limit([["newClientOrderId", "gtx-ok"]], "150.05").map(([k, v]) =>
        [k, k === "timeInForce" ? "GTX" : v] as [string, string]
      );
      const ok = await place(fake, rest);
      assert.equal(ok.json.status, "NEW");
      assert.equal(fake.ordersWithClientId("gtx-ok").length, 1);
    } finally {
      await ws.close();
    }
  });
});

Deno.test("aster fake: client ids are unique among open orders only", async () => {
  await withFake({}, async (fake) => {
    const first = await place(fake, limit([["newClientOrderId", "dup-1"]]));
    assert.equal(first.status, 200);
    expectError(
      await place(fake, limit([["newClientOrderId", "dup-1"]], "148.00")),
      400,
      -4116,
      "open duplicate",
    );
    const cancel = await call(fake, {
      method: "DELETE",
      path: "/fapi/v1/order",
      params: [["symbol", SOL], ["origClientOrderId", "dup-1"]],
      sign: "v1",
    });
    assert.deepEqual([cancel.status, cancel.json.status], [200, "CANCELED"]);
    const again = await place(fake, limit([["newClientOrderId", "dup-1"]], "148.00"));
    assert.equal(again.status, 200, JSON.stringify(again.json));
    // By client id, the open one is found first.
    const q = await call(fake, {
      method: "GET",
      path: "/fapi/v1/order",
      params: [["symbol", SOL], ["origClientOrderId", "dup-1"]],
      sign: "v1",
    });
    assert.equal(q.json.orderId, again.json.orderId);
    const old = await call(fake, {
      method: "GET",
      path: "/fapi/v1/order",
      params: [["symbol", SOL], ["orderId", String(first.json.orderId)]],
      sign: "v1",
    });
    assert.equal(old.json.status, "CANCELED");
  });
});

Deno.test("aster fake: cancel and query of finished and unknown orders", async () => {
  await withFake({}, async (fake) => {
    const a = await place(fake, limit([["newClientOrderId", "fill-me"]]));
    fake.forceFill(String(a.json.orderId));
    const del = (params: Pairs) =>
      call(fake, {
        method: "DELETE",
        path: "/fapi/v1/order",
        params: [["symbol", SOL], ...params],
        sign: "v1",
      });
    const get = (params: Pairs) =>
      call(fake, { method: "GET", path: "/fapi/v1/order", params: [["symbol", SOL], ...params], sign: "v1" });
    expectError(await del([["orderId", String(a.json.orderId)]]), 400, -2011, "cancel a filled order");
    expectError(await del([["orderId", "123"]]), 400, -2011, "cancel an unknown order");
    expectError(await del([]), 400, -1102, "cancel without an id");
    expectError(await get([["orderId", "123"]]), 400, -2013, "query an unknown order");
    expectError(await get([["origClientOrderId", "nope"]]), 400, -2013, "query an unknown client id");
    const q = await get([["origClientOrderId", "fill-me"]]);
    assert.deepEqual([q.json.status, q.json.executedQty, q.json.avgPrice, q.json.cumQuote], [
      "FILLED",
      "1.00",
      "149.00000",
      "149.00000",
    ]);
    const open = await call(fake, {
      method: "GET",
      path: "/fapi/v1/openOrder",
      params: [["symbol", SOL], ["orderId", String(a.json.orderId)]],
      sign: "v1",
    });
    expectError(open, 400, -2013, "openOrder of a filled order");

    // Partial fill, then cancel: the answer keeps what filled.
    const b = await place(fake, limit([], "148.00", "3"));
    fake.forceFill(String(b.json.orderId), "1");
    const c = await del([["orderId", String(b.json.orderId)]]);
    assert.deepEqual([c.status, c.json.status, c.json.executedQty], [200, "CANCELED", "1.00"]);
    // Cancel-all.
    await place(fake, limit([], "147.00"));
    await place(fake, limit([], "146.00"));
    const all = await call(fake, {
      method: "DELETE",
      path: "/fapi/v1/allOpenOrders",
      params: [["symbol", SOL]],
      sign: "v1",
    });
    assert.deepEqual([all.status, all.json.code], [200, "200"]);
    assert.equal(fake.openOrders().length, 0);
    const pos = await call(fake, {
      method: "GET",
      path: "/fapi/v2/positionRisk",
      params: [["symbol", SOL]],
      sign: "v1",
    });
    assert.deepEqual([pos.json.length, pos.json[0].positionAmt, pos.json[0].positionSide], [
      1,
      "2.00",
      "BOTH",
    ]);
    assert.ok(fake.position().eq(2));
  });
});

Deno.test("aster fake: ACK answers NEW at once, RESULT the filled market order", async () => {
  await withFake({}, async (fake) => {
    const market = (extra: Pairs, side = "BUY") =>
      [["symbol", SOL], ["side", side], ["type", "MARKET"], ["quantity", "1"], ...extra] as Pairs;
    const ack = await place(fake, market([]));
    assert.deepEqual([ack.status, ack.json.status, ack.json.executedQty], [200, "NEW", "0.00"]);
    const q = await call(fake, {
      method: "GET",
      path: "/fapi/v1/order",
      params: [["symbol", SOL], ["orderId", String(ack.json.orderId)]],
      sign: "v1",
    });
    assert.deepEqual([q.json.status, q.json.executedQty, q.json.avgPrice], ["FILLED", "1.00", "150.10000"]);
    const res = await place(
      fake,
      market([["newOrderRespType", "RESULT"], ["reduceOnly", "true"]], "SELL"),
      "v3",
    );
    assert.deepEqual([
      res.status,
      res.json.status,
      res.json.executedQty,
      res.json.avgPrice,
      res.json.cumQuote,
    ], [
      200,
      "FILLED",
      "1.00",
      "150.00000",
      "150.00000",
    ]);
    assert.ok(fake.position().isZero());
    expectError(
      await place(fake, market([["reduceOnly", "true"]], "SELL")),
      400,
      -2022,
      "reduce-only when flat",
    );
  });
});

// ---------------------------------------------------------------- streams

Deno.test("aster fake: user stream sends ORDER_TRADE_UPDATE in the documented shape", async () => {
  await withFake({}, async (fake) => {
    const key = await listenKey(fake, "v3");
    assert.equal(await listenKey(fake, "v1"), key, "a second POST returns the same key");
    const ws = await WsClient.open(`${fake.wsUrl}/ws/${key}`);
    try {
      const a = await place(fake, limit([["newClientOrderId", "ev-1"]], "149.00", "3"));
      fake.forceFill(String(a.json.orderId), "1");
      fake.forceFill(String(a.json.orderId), "2");
      await ws.waitFor(() => ws.of("ORDER_TRADE_UPDATE").length === 3, "three updates");
      const [n, p, f] = ws.of("ORDER_TRADE_UPDATE") as AsterOrderEvent[];
      for (
        const k of [
          "s",
          "c",
          "S",
          "o",
          "f",
          "q",
          "p",
          "ap",
          "sp",
          "x",
          "X",
          "i",
          "l",
          "z",
          "L",
          "n",
          "N",
          "T",
          "t",
          "m",
          "R",
          "ps",
          "rp",
        ]
      ) {
        assert.ok(k in n!.o, `field ${k}`);
      }
      assert.equal(typeof n!.E, "number");
      assert.deepEqual([n!.o.x, n!.o.X, n!.o.c, n!.o.S, n!.o.o, n!.o.f, n!.o.q, n!.o.p, n!.o.i, n!.o.z], [
        "NEW",
        "NEW",
        "ev-1",
        "BUY",
        "LIMIT",
        "GTC",
        "3.00",
        "149.00",
        a.json.orderId,
        "0.00",
      ]);
      assert.deepEqual([p!.o.x, p!.o.X, p!.o.l, p!.o.z, p!.o.L, p!.o.N, p!.o.m], [
        "TRADE",
        "PARTIALLY_FILLED",
        "1.00",
        "1.00",
        "149.00",
        "USDT",
        true,
      ]);
      assert.equal(p!.o.n, "0.01490000", "maker fee of this fill");
      assert.deepEqual([f!.o.x, f!.o.X, f!.o.l, f!.o.z, f!.o.ap], [
        "TRADE",
        "FILLED",
        "2.00",
        "3.00",
        "149.00000",
      ]);
      assert.ok(p!.o.t > 0 && f!.o.t > p!.o.t, "trade ids");
      await ws.waitFor(() => ws.of("ACCOUNT_UPDATE").length >= 2, "account updates");
      assert.equal(ws.of("ACCOUNT_UPDATE").at(-1).a.P[0].pa, "3.00");
      const b = await place(fake, limit([], "148.00"));
      await call(fake, {
        method: "DELETE",
        path: "/fapi/v1/order",
        params: [["symbol", SOL], ["orderId", String(b.json.orderId)]],
        sign: "v1",
      });
      await ws.waitFor(() => ws.of("ORDER_TRADE_UPDATE").at(-1)?.o.X === "CANCELED", "cancel update");
    } finally {
      await ws.close();
    }
  });
});

Deno.test("aster fake: listen keys expire, keepalive extends them, an unknown key is refused", async () => {
  await withFake({ listenKeyTtlMs: 500 }, async (fake) => {
    const bad = new WsClient(`${fake.wsUrl}/ws/not-a-key`);
    await bad.closed;
    assert.equal(bad.closeCode, 1008);
    const key = await listenKey(fake);
    const ws = await WsClient.open(`${fake.wsUrl}/ws/${key}`);
    try {
      // Keepalive before the TTL runs out keeps it.
      for (let i = 0; i < 5; i++) {
        await settle(150);
        const put = await call(fake, { method: "PUT", path: "/fapi/v1/listenKey" });
        assert.equal(put.status, 200, JSON.stringify(put.json));
      }
      assert.equal(fake.listenKey, key);
      await ws.waitFor(() => ws.of("listenKeyExpired").length === 1, "expiry", 2000);
      assert.equal(ws.of("listenKeyExpired")[0].listenKey, key);
      assert.equal(fake.listenKey, undefined);
      expectError(
        await call(fake, { method: "PUT", path: "/fapi/v1/listenKey" }),
        400,
        -1125,
        "keepalive of an expired key",
      );
      await place(fake, limit());
      await settle();
      assert.equal(ws.of("ORDER_TRADE_UPDATE").length, 0, "no events after expiry");
      const fresh = await listenKey(fake);
      assert.notEqual(fresh, key);
      const ws2 = await WsClient.open(`${fake.wsUrl}/ws/${fresh}`);
      try {
        await place(fake, limit([], "148.00"));
        await ws2.waitFor(() => ws2.of("ORDER_TRADE_UPDATE").length === 1, "events on the new key");
        assert.ok(fake.expireListenKey());
        await ws2.waitFor(() => ws2.of("listenKeyExpired").length === 1, "expired now");
        const late = new WsClient(`${fake.wsUrl}/ws/${fresh}`);
        await late.closed;
        assert.equal(late.closeCode, 1008, "an expired key is refused");
      } finally {
        await ws2.close();
      }
      assert.equal(ws.of("ORDER_TRADE_UPDATE").length, 0);
    } finally {
      await ws.close();
    }
  });
});

Deno.test("aster fake: book ticker stream on change and periodically, raw and by SUBSCRIBE", async () => {
  await withFake({ tickerIntervalMs: 50 }, async (fake) => {
    const raw = await WsClient.open(`${fake.wsUrl}/ws/solusdt@bookTicker`);
    const live = await WsClient.open(`${fake.wsUrl}/ws`);
    try {
      live.send({ method: "SUBSCRIBE", params: ["solusdt@bookTicker"], id: 7 });
      await live.waitFor(() => live.messages.some((m) => m.id === 7), "subscribe answer");
      assert.deepEqual(live.messages.find((m) => m.id === 7), { result: null, id: 7 });
      fake.setQuote("151.00", "151.20");
      await raw.waitFor(() => raw.of("bookTicker").some((m) => m.b === "151.00"), "new quote");
      await live.waitFor(() => live.of("bookTicker").some((m) => m.a === "151.20"), "new quote (live)");
      const t = raw.of("bookTicker").find((m) => m.b === "151.00");
      assert.deepEqual(Object.keys(t).sort(), ["A", "B", "E", "T", "a", "b", "e", "s", "u"]);
      assert.equal(t.s, SOL);
      const count = raw.of("bookTicker").length;
      await raw.waitFor(() => raw.of("bookTicker").length >= count + 2, "periodic resend");
      const other = new WsClient(`${fake.wsUrl}/ws/btcusdt@bookTicker`);
      await other.closed;
      assert.equal(other.closeCode, 1008);
    } finally {
      await raw.close();
      await live.close();
    }
  });
});

// ---------------------------------------------------------------- faults and headers

Deno.test("aster fake: weight header on every answer, 429 and 418 with Retry-After", async () => {
  await withFake({}, async (fake) => {
    const t = await call(fake, { method: "GET", path: "/fapi/v1/time" });
    assert.equal(t.headers.get("x-mbx-used-weight-1m"), "1");
    fake.rateLimit({ path: "/fapi/v1/time" }, 2);
    const limited = await call(fake, { method: "GET", path: "/fapi/v1/time" });
    expectError(limited, 429, -1003, "429");
    assert.equal(limited.headers.get("retry-after"), "2");
    assert.equal(limited.headers.get("x-mbx-used-weight-1m"), "2");
    fake.ban(0.3);
    const banned = await place(fake, limit());
    expectError(banned, 418, -1003, "418");
    assert.equal(banned.headers.get("retry-after"), "0.3");
    await settle(400);
    assert.equal((await place(fake, limit())).status, 200, "the ban is over");
    const weights = fake.requests.map((r) => r.status);
    assert.deepEqual(weights, [200, 429, 418, 200]);
  });
});

Deno.test("aster fake: a lost placement answer still places; a fill can race a cancel", async () => {
  await withFake({}, async (fake) => {
    fake.loseNextPlacementAnswer();
    const lost = await fetch(`${fake.baseUrl}/fapi/v1/order`, {
      method: "POST",
      signal: AbortSignal.timeout(200),
      headers: { "X-MBX-APIKEY": ASTER_TEST_V1.apiKey, "Content-Type": "application/x-www-form-urlencoded" },
      body: (() => {
        const b = encodePairs([...limit([["newClientOrderId", "lost-1"]]), [
          "timestamp",
          String(fake.clock.now()),
        ]]);
        return `${b}&signature=${hmacHex(ASTER_TEST_V1.secretKey, b)}`;
      })(),
    }).then((r) => r.text(), (e) => e);
    assert.ok(lost instanceof Error, "the answer never came");
    assert.equal(fake.ordersWithClientId("lost-1").length, 1);
    expectError(
      await place(fake, limit([["newClientOrderId", "lost-1"]])),
      400,
      -4116,
      "the retry is a duplicate",
    );

    const a = await place(fake, limit([], "148.00", "3"));
    fake.fillDuringNextCancel("1");
    const c = await call(fake, {
      method: "DELETE",
      path: "/fapi/v1/order",
      params: [["symbol", SOL], ["orderId", String(a.json.orderId)]],
      sign: "v1",
    });
    assert.deepEqual([c.json.status, c.json.executedQty], ["CANCELED", "1.00"]);
    const b = await place(fake, limit([], "147.00"));
    fake.fillDuringNextCancel();
    const d = await call(fake, {
      method: "DELETE",
      path: "/fapi/v3/order",
      params: [["symbol", SOL], ["orderId", String(b.json.orderId)]],
      sign: "v3",
    });
    expectError(d, 400, -2011, "the order filled first");
  });
});

Deno.test("aster fake: order event faults drop, duplicate and reorder updates", async () => {
  await withFake({}, async (fake) => {
    const ws = await WsClient.open(`${fake.wsUrl}/ws/${await listenKey(fake)}`);
    try {
      const a = await place(fake, limit([], "149.00", "4"));
      await ws.waitFor(() => ws.of("ORDER_TRADE_UPDATE").length === 1, "NEW");
      fake.faults.events.duplicate();
      fake.forceFill(String(a.json.orderId), "1");
      fake.faults.events.reorder();
      fake.forceFill(String(a.json.orderId), "1");
      fake.forceFill(String(a.json.orderId), "1");
      fake.faults.events.drop((e) => e.o.X === "FILLED");
      fake.forceFill(String(a.json.orderId), "1");
      await settle(80);
      const z = ws.of("ORDER_TRADE_UPDATE").map((m) => m.o.z);
      assert.deepEqual(z, ["0.00", "1.00", "1.00", "3.00", "2.00"]);
      assert.equal(fake.orderEvents.length, 5, "the fake's own log has every update");
    } finally {
      await ws.close();
    }
  });
});

Deno.test("fake refuses a parameter sent twice (-1101) and timeInForce on a MARKET order (-1106)", async () => {
  const fake = await AsterFake.start();
  try {
    const send = async (params: string) => {
      const total = `${params}&timestamp=${Date.now()}&recvWindow=5000`;
      const body = `${total}&signature=${hmacHex(ASTER_TEST_V1.secretKey, total)}`;
      const res = await fetch(`${fake.baseUrl}/fapi/v1/order`, {
        method: "POST",
        headers: {
          "X-MBX-APIKEY": ASTER_TEST_V1.apiKey,
          "content-type": "application/x-www-form-urlencoded",
        },
        body,
      });
      return { status: res.status, json: await res.json() };
    };
    const twice = await send("symbol=SOLUSDT&side=BUY&type=MARKET&quantity=0.5&quantity=5");
    assert.equal(twice.json.code, -1101);
    const tif = await send("symbol=SOLUSDT&side=BUY&type=MARKET&quantity=0.5&timeInForce=GTC");
    assert.equal(tif.json.code, -1106);
    assert.equal(fake.orders().length, 0);
    const ok = await send("symbol=SOLUSDT&side=BUY&type=MARKET&quantity=0.5");
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  } finally {
    await fake.close();
  }
});
