/**
 * The Backpack fake itself: it accepts exactly what the venue documents (the signing vectors), refuses bad
 * and stale signatures and malformed fields the way the venue does, keeps orders, positions and the book,
 * streams the documented messages, and injects the faults it is asked to.
 *
 * Requests here are built and signed by this file alone (not by the adapter): a shared mistake cannot pass.
 */
import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { type Clock, RealClock } from "../../bot/clock.ts";
import {
  BACKPACK_TEST_KEY,
  BackpackFake,
  type BackpackFakeOptions,
  type BackpackOrderEvent,
} from "./backpack.ts";
import { WsClient as LoopbackWsClient } from "./ws_client.ts";

// ---------------------------------------------------------------- signing, independently

const SEED = Uint8Array.from(BACKPACK_TEST_KEY.seedHex.match(/../g)!.map((h) => parseInt(h, 16)));

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function signText(text: string, seed: Uint8Array = SEED): string {
  return b64(ed25519.sign(new TextEncoder().encode(text), seed));
}

type Value = string | number | boolean;

function signingString(
  instruction: string,
  params: Record<string, Value>,
  ts: number,
  window: number,
): string {
  const keys = Object.keys(params).sort();
  const pairs = keys.map((k) => `&${k}=${params[k]}`).join("");
  return `instruction=${instruction}${pairs}&timestamp=${ts}&window=${window}`;
}

/** Signing examples of the venue's documentation, signed with the RFC 8032 test-1 key. */
const VECTORS = {
  execute: {
    signing: "instruction=orderExecute&clientId=123&orderType=Limit&postOnly=true&price=141.25&quantity=0.5" +
      "&side=Bid&symbol=SOL_USDC_PERP&timeInForce=GTC&timestamp=1750793021519&window=5000",
    sig: "cP7J2tZgdeeSNy+DJiCSAdEyTj0hxmfeq4N4XfsUrUZ+C4FmtI27NzVLEYhoOR2MUCSZSSiOTT144IMnFsYuDA==",
  },
  cancel: {
    signing: "instruction=orderCancel&orderId=114575813313101824&symbol=SOL_USDC_PERP" +
      "&timestamp=1750793021519&window=5000",
    sig: "1i9X4DH8neR+WE+2zT3LUA+3LNZQF5v97kmixrWm3gA7YXldP3OEFC2QIZhc8wq84yAMXo4KbacBEsUFzoqqCw==",
  },
  queryAll: {
    signing: "instruction=orderQueryAll&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000",
    sig: "DHHX5AB8ALRMPRT2XTeR6gc1ZGhLdcPeHN5ZXymv98N+U1jp+0EETsBR2NI3tZK9gSuu4Ang1E9uF74g1BY0Dw==",
  },
  position: {
    signing: "instruction=positionQuery&timestamp=1750793021519&window=5000",
    sig: "c80OtrD3l/fPmQLhuAK6npWrn40LvprSuRgg6f4QmhrV1VEaY8+ruH/Ry5UwNDKr5kUnvpq2rlcgDLMtYPa6Bg==",
  },
  batch: {
    signing: "instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid&symbol=SOL_USDC_PERP" +
      "&instruction=orderExecute&orderType=Limit&price=140&quantity=11&side=Bid&symbol=SOL_USDC_PERP" +
      "&timestamp=1750793021519&window=5000",
    sig: "vPFtn5Js/Bow3UsENNogoyaEcTqy8fxLH2ASbpAcTSClJf1v4VAj7+61T7IRwMt9kvGvGxhtlXqlvtCzzbFxAQ==",
  },
  subscribe: {
    signing: "instruction=subscribe&timestamp=1614550000000&window=5000",
    sig: "nnH9lOoIF3v72vbmeopqLLUggbPuhAuXgYbQc6qJnYSsFW0ZM3hUVK4feOAmIHQA02vH16oz+C3+6HQmPkggDA==",
  },
} as const;

const VECTOR_TS = 1750793021519;

/** A clock stopped at `t` (the vectors' timestamps); sleeps are real. */
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

interface CallOptions {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Signs with this instruction; none sends an unsigned request. */
  instruction?: string | undefined;
  ts?: number;
  window?: number;
  /** Leave the X-Window header out (the signature still covers `window`). */
  omitWindowHeader?: boolean;
  signature?: string;
  apiKey?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  json: any;
  headers: Headers;
}

async function call(fake: BackpackFake, o: CallOptions): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  const query = o.query ?? {};
  const ts = o.ts ?? fake.clock.now();
  const window = o.window ?? 5000;
  if (o.instruction !== undefined) {
    const params: Record<string, Value> = { ...query };
    let signing: string;
    if (Array.isArray(o.body)) {
      signing = o.body.map((item: Record<string, Value>) => signingString(o.instruction!, item, 0, 0))
        .map((s) => s.replace(/&timestamp=0&window=0$/, "")).join("&") + `&timestamp=${ts}&window=${window}`;
    } else {
      Object.assign(params, o.body ?? {});
      signing = signingString(o.instruction, params, ts, window);
    }
    headers["X-API-Key"] = o.apiKey ?? BACKPACK_TEST_KEY.publicB64;
    headers["X-Signature"] = o.signature ?? signText(signing);
    headers["X-Timestamp"] = String(ts);
    if (!o.omitWindowHeader) headers["X-Window"] = String(window);
  }
  let body: string | undefined;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["Content-Type"] = o.contentType ?? "application/json; charset=utf-8";
  }
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${fake.baseUrl}${o.path}${qs === "" ? "" : `?${qs}`}`, {
    method: o.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (ping): the text is the answer.
  }
  return { status: res.status, json, headers: res.headers };
}

async function withFake(
  options: BackpackFakeOptions,
  fn: (fake: BackpackFake) => Promise<void>,
): Promise<void> {
  const fake = await BackpackFake.start(options);
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

const SOL = "SOL_USDC_PERP";

function limitBody(extra: Record<string, Value> = {}): Record<string, Value> {
  return { symbol: SOL, side: "Bid", orderType: "Limit", price: "149.00", quantity: "1", ...extra };
}

// ---------------------------------------------------------------- a WebSocket client for the tests

/** The Backpack fake's messages are `{stream, data}` frames, answers and errors; `on` picks one stream's data. */
class WsClient extends LoopbackWsClient<
  { stream?: string; data?: Record<string, unknown>; error?: unknown; id?: unknown }
> {
  on(stream: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m.stream === stream).map((m) => m.data!);
  }
}

/** Lets the event loop run a few turns: enough for loopback messages to arrive. */
async function settle(ms = 30): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------- signing

Deno.test("test signer reproduces the documented signing strings and signatures", () => {
  assert.equal(b64(ed25519.getPublicKey(SEED)), BACKPACK_TEST_KEY.publicB64);
  assert.equal(b64(SEED), BACKPACK_TEST_KEY.secretB64);
  const execute = signingString(
    "orderExecute",
    {
      symbol: SOL,
      side: "Bid",
      orderType: "Limit",
      quantity: "0.5",
      price: "141.25",
      postOnly: true,
      timeInForce: "GTC",
      clientId: 123,
    },
    VECTOR_TS,
    5000,
  );
  assert.equal(execute, VECTORS.execute.signing);
  for (const v of Object.values(VECTORS)) assert.equal(signText(v.signing), v.sig, v.signing);
});

Deno.test("fake accepts the documented requests signed with the documented signatures", async () => {
  const clock = new FixedClock(VECTOR_TS);
  await withFake({ clock, bid: "141.00", ask: "142.00" }, async (fake) => {
    const placed = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: {
        symbol: SOL,
        side: "Bid",
        orderType: "Limit",
        quantity: "0.5",
        price: "141.25",
        postOnly: true,
        timeInForce: "GTC",
        clientId: 123,
      },
      instruction: "orderExecute",
      signature: VECTORS.execute.sig,
    });
    assert.equal(placed.status, 200, JSON.stringify(placed.json));
    assert.equal(placed.json.status, "New");
    assert.equal(placed.json.clientId, 123);
    assert.equal(placed.json.price, "141.25");
    assert.equal(placed.json.orderType, "Limit");
    assert.equal(placed.json.postOnly, true);

    const all = await call(fake, {
      method: "GET",
      path: "/api/v1/orders",
      query: { symbol: SOL },
      instruction: "orderQueryAll",
      signature: VECTORS.queryAll.sig,
    });
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.map((o: { id: string }) => o.id), [placed.json.id]);

    const pos = await call(fake, {
      method: "GET",
      path: "/api/v1/position",
      instruction: "positionQuery",
      signature: VECTORS.position.sig,
    });
    assert.deepEqual([pos.status, pos.json], [200, []]);

    // A valid signature for an order the fake does not have: past authentication, then not found.
    const cancel = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      body: { orderId: "114575813313101824", symbol: SOL },
      instruction: "orderCancel",
      signature: VECTORS.cancel.sig,
    });
    assert.deepEqual([cancel.status, cancel.json.code], [404, "RESOURCE_NOT_FOUND"]);

    const batch = await call(fake, {
      method: "POST",
      path: "/api/v1/orders",
      body: [
        { symbol: SOL, side: "Bid", orderType: "Limit", price: "141", quantity: "12" },
        { symbol: SOL, side: "Bid", orderType: "Limit", price: "140", quantity: "11" },
      ],
      instruction: "orderExecute",
      signature: VECTORS.batch.sig,
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.json));
    assert.deepEqual(batch.json.map((o: { price: string; status: string }) => `${o.price} ${o.status}`), [
      "141 New",
      "140 New",
    ]);
  });
});

Deno.test("fake verifies the documented subscription signature and streams order updates on it", async () => {
  const clock = new FixedClock(1614550000000);
  await withFake({ clock }, async (fake) => {
    const ws = await WsClient.open(fake.wsUrl);
    try {
      ws.send({
        method: "SUBSCRIBE",
        params: ["account.orderUpdate"],
        signature: [BACKPACK_TEST_KEY.publicB64, VECTORS.subscribe.sig, "1614550000000", "5000"],
      });
      await ws.waitFor(() => fake.subscriptions.length === 1, "the subscription");
      const placed = await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body: limitBody({ clientId: 9 }),
        instruction: "orderExecute",
      });
      assert.equal(placed.status, 200);
      await ws.waitFor(() => ws.on("account.orderUpdate").length === 1, "orderAccepted");
      const [accepted] = ws.on("account.orderUpdate");
      assert.equal(accepted!.e, "orderAccepted");
      assert.equal(accepted!.i, placed.json.id);
      assert.equal(accepted!.c, 9);
      assert.deepEqual(ws.messages.filter((m) => m.error !== undefined), []);
    } finally {
      await ws.close();
    }
  });
});

// ---------------------------------------------------------------- refusals

Deno.test("fake refuses bad, stale and missing signatures the way the venue does", async () => {
  // A stopped clock makes the window's edges exact.
  await withFake({ clock: new FixedClock(VECTOR_TS) }, async (fake) => {
    const now = VECTOR_TS;
    const other = new Uint8Array(32).fill(7);
    const base: CallOptions = {
      method: "GET",
      path: "/api/v1/orders",
      query: { symbol: SOL },
      instruction: "orderQueryAll",
    };
    const table: [string, CallOptions, number, string | undefined][] = [
      ["valid", base, 200, undefined],
      ["timestamp exactly one window old", { ...base, ts: now - 5000 }, 200, undefined],
      ["timestamp 1 ms older", { ...base, ts: now - 5001 }, 400, "INVALID_CLIENT_REQUEST"],
      ["timestamp exactly one window ahead", { ...base, ts: now + 5000 }, 200, undefined],
      ["timestamp 1 ms further ahead", { ...base, ts: now + 5001 }, 400, "INVALID_CLIENT_REQUEST"],
      ["the widest window admits 60 s", { ...base, ts: now - 60_000, window: 60_000 }, 200, undefined],
      ["a narrow window", { ...base, ts: now - 101, window: 100 }, 400, "INVALID_CLIENT_REQUEST"],
      ["window above 60000", { ...base, window: 60_001 }, 400, "INVALID_CLIENT_REQUEST"],
      ["window 0", { ...base, window: 0 }, 400, "INVALID_CLIENT_REQUEST"],
      ["no X-Window header: 5000 signed", { ...base, omitWindowHeader: true }, 200, undefined],
      [
        "no X-Window header, 6000 signed",
        { ...base, window: 6000, omitWindowHeader: true },
        401,
        "INVALID_SIGNATURE",
      ],
      ["wrong instruction", { ...base, instruction: "orderQuery" }, 401, "INVALID_SIGNATURE"],
      [
        "signature of another key",
        {
          ...base,
          signature: signText(signingString("orderQueryAll", { symbol: SOL }, now, 5000), other),
        },
        401,
        "INVALID_SIGNATURE",
      ],
      ["signature not base64", { ...base, signature: "not base64!" }, 401, "INVALID_SIGNATURE"],
      ["unknown API key", { ...base, apiKey: b64(ed25519.getPublicKey(other)) }, 401, "UNAUTHORIZED"],
      ["no signature headers", { ...base, instruction: undefined }, 401, "UNAUTHORIZED"],
    ];
    for (const [what, opts, status, code] of table) {
      const res = await call(fake, opts);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.json)}`);
      if (code !== undefined) {
        assert.equal(res.json.code, code, what);
        assert.equal(typeof res.json.message, "string", what);
      }
    }
  });
});

Deno.test("fake rebuilds the signed string from what it received: a changed body fails", async () => {
  await withFake({}, async (fake) => {
    const ts = fake.clock.now();
    const signed = signText(signingString("orderExecute", limitBody(), ts, 5000));
    const tampered = [
      limitBody({ price: "148.00" }),
      limitBody({ postOnly: true }),
      { ...limitBody(), quantity: undefined },
    ];
    for (const body of tampered) {
      const res = await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body,
        instruction: "orderExecute",
        signature: signed,
        ts,
      });
      assert.deepEqual([res.status, res.json.code], [401, "INVALID_SIGNATURE"], JSON.stringify(body));
    }
    // Key order in the JSON does not matter; the sorted string does.
    const reordered = Object.fromEntries(Object.entries(limitBody()).reverse());
    const ok = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: reordered,
      instruction: "orderExecute",
      signature: signed,
      ts,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(fake.orders().length, 1, "refused requests placed nothing");
  });
});

Deno.test("fake rejects missing and malformed order fields", async () => {
  await withFake(
    { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2", bid: "150.00", ask: "150.10" },
    async (fake) => {
      const table: [string, Record<string, unknown>, number, string][] = [
        ["missing side", { ...limitBody(), side: undefined }, 400, "INVALID_CLIENT_REQUEST"],
        ["side Buy", limitBody({ side: "Buy" }), 400, "INVALID_CLIENT_REQUEST"],
        ["missing orderType", { ...limitBody(), orderType: undefined }, 400, "INVALID_CLIENT_REQUEST"],
        ["missing price", { ...limitBody(), price: undefined }, 400, "INVALID_CLIENT_REQUEST"],
        ["price as a number", limitBody({ price: 149 }), 400, "INVALID_CLIENT_REQUEST"],
        ["price in exponent notation", limitBody({ price: "1.49e2" }), 400, "INVALID_CLIENT_REQUEST"],
        ["price between ticks", limitBody({ price: "149.02" }), 400, "INVALID_PRICE"],
        ["price with too many decimals", limitBody({ price: "149.001" }), 400, "INVALID_PRICE"],
        ["price zero", limitBody({ price: "0" }), 400, "INVALID_PRICE"],
        ["quantity between steps", limitBody({ quantity: "1.05" }), 400, "INVALID_QUANTITY"],
        ["quantity below the minimum", limitBody({ quantity: "0.1" }), 400, "INVALID_QUANTITY"],
        ["clientId as a string", limitBody({ clientId: "12" }), 400, "INVALID_CLIENT_REQUEST"],
        ["clientId above uint32", limitBody({ clientId: 4294967296 }), 400, "INVALID_CLIENT_REQUEST"],
        ["clientId fractional", limitBody({ clientId: 1.5 }), 400, "INVALID_CLIENT_REQUEST"],
        ["postOnly as a string", limitBody({ postOnly: "true" }), 400, "INVALID_CLIENT_REQUEST"],
        ["unknown timeInForce", limitBody({ timeInForce: "GTX" }), 400, "INVALID_CLIENT_REQUEST"],
        ["unknown symbol", limitBody({ symbol: "NOPE_USDC_PERP" }), 400, "INVALID_SYMBOL"],
        ["spot symbol", limitBody({ symbol: "SOL_USDC" }), 400, "INVALID_MARKET"],
        [
          "nested object",
          limitBody({ price: { value: "149" } as unknown as string }),
          400,
          "INVALID_CLIENT_REQUEST",
        ],
        [
          "market order with price and quantity",
          {
            symbol: SOL,
            side: "Bid",
            orderType: "Market",
            quantity: "1",
            price: "150",
          },
          400,
          "INVALID_CLIENT_REQUEST",
        ],
        [
          "market order with quantity and quoteQuantity",
          {
            symbol: SOL,
            side: "Bid",
            orderType: "Market",
            quantity: "1",
            quoteQuantity: "100",
          },
          400,
          "INVALID_CLIENT_REQUEST",
        ],
      ];
      for (const [what, raw, status, code] of table) {
        const body = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as Record<
          string,
          Value
        >;
        const res = await call(fake, {
          method: "POST",
          path: "/api/v1/order",
          body,
          instruction: "orderExecute",
        });
        assert.deepEqual([res.status, res.json.code], [status, code], `${what}: ${JSON.stringify(res.json)}`);
      }
      const wrongType = await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body: limitBody(),
        instruction: "orderExecute",
        contentType: "text/plain",
      });
      assert.equal(wrongType.status, 415);
      const boundary = await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body: limitBody({ price: "149.95", quantity: "0.2" }),
        instruction: "orderExecute",
      });
      assert.equal(
        boundary.status,
        200,
        `the minimum quantity on the tick is accepted: ${JSON.stringify(boundary.json)}`,
      );
      assert.equal(fake.orders().length, 1);
    },
  );
});

Deno.test("fake rejects a crossing post-only order with the venue's error, fills a taker", async () => {
  await withFake({ bid: "150.00", ask: "150.02" }, async (fake) => {
    const cases: [string, Record<string, Value>, number][] = [
      ["buy at the ask", limitBody({ price: "150.02", postOnly: true }), 400],
      ["sell at the bid", limitBody({ side: "Ask", price: "150.00", postOnly: true }), 400],
      ["buy inside the spread", limitBody({ price: "150.01", postOnly: true }), 200],
      ["sell inside the spread", limitBody({ side: "Ask", price: "150.01", postOnly: true }), 200],
    ];
    for (const [what, body, status] of cases) {
      const res = await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body,
        instruction: "orderExecute",
      });
      assert.equal(res.status, status, what);
      if (status === 400) {
        assert.deepEqual(res.json, {
          code: "INVALID_ORDER",
          message: "Order would immediately match and take.",
        });
      }
    }
    const taker = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: limitBody({ price: "150.05", quantity: "2" }),
      instruction: "orderExecute",
    });
    assert.equal(taker.status, 200);
    assert.equal(taker.json.status, "Filled");
    assert.equal(taker.json.executedQuantity, "2");
    assert.equal(taker.json.executedQuoteQuantity, "300.04", "filled at the ask 150.02");
    assert.equal(fake.position().toString(), "2");
    assert.equal(fake.fills.at(-1)!.isMaker, false);
  });
});

// ---------------------------------------------------------------- orders, positions, market data

Deno.test("fake keeps the order lifecycle: open, query, partial fill, cancel, history", async () => {
  await withFake({}, async (fake) => {
    const placed = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: limitBody({ postOnly: true, clientId: 55, quantity: "3" }),
      instruction: "orderExecute",
    });
    const id = placed.json.id as string;
    assert.match(id, /^\d{18}$/);
    const byClient = await call(fake, {
      method: "GET",
      path: "/api/v1/order",
      query: { symbol: SOL, clientId: "55" },
      instruction: "orderQuery",
    });
    assert.equal(byClient.json.id, id);
    const both = await call(fake, {
      method: "GET",
      path: "/api/v1/order",
      query: { symbol: SOL, clientId: "55", orderId: id },
      instruction: "orderQuery",
    });
    assert.equal(both.status, 400, "orderId and clientId together are refused");
    fake.forceFill(id, "1");
    const partial = await call(fake, {
      method: "GET",
      path: "/api/v1/order",
      query: { symbol: SOL, orderId: id },
      instruction: "orderQuery",
    });
    assert.deepEqual([partial.json.status, partial.json.executedQuantity], ["PartiallyFilled", "1"]);
    const cancelled = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      body: { symbol: SOL, orderId: id },
      instruction: "orderCancel",
    });
    assert.deepEqual([cancelled.status, cancelled.json.status, cancelled.json.executedQuantity], [
      200,
      "Cancelled",
      "1",
    ]);
    const gone = await call(fake, {
      method: "GET",
      path: "/api/v1/order",
      query: { symbol: SOL, orderId: id },
      instruction: "orderQuery",
    });
    assert.deepEqual([gone.status, gone.json], [404, {
      code: "RESOURCE_NOT_FOUND",
      message: "Order not found",
    }]);
    const again = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      body: { symbol: SOL, orderId: id },
      instruction: "orderCancel",
    });
    assert.equal(again.status, 404, "a finished order cannot be cancelled");
    const history = await call(fake, {
      method: "GET",
      path: "/wapi/v1/history/orders",
      query: { orderId: id },
      instruction: "orderHistoryQueryAll",
    });
    assert.deepEqual(history.json.map((o: { id: string; status: string }) => `${o.id} ${o.status}`), [
      `${id} Cancelled`,
    ]);
    const fills = await call(fake, {
      method: "GET",
      path: "/wapi/v1/history/fills",
      query: { orderId: id },
      instruction: "fillHistoryQueryAll",
    });
    assert.deepEqual(fills.json.map((f: { quantity: string; price: string }) => `${f.quantity}@${f.price}`), [
      "1@149",
    ]);
  });
});

Deno.test("fake: a repeated client id makes a second order unless configured to refuse it", async () => {
  for (const [policy, statuses, orders] of [["accept", [200, 200], 2], ["reject", [200, 400], 1]] as const) {
    await withFake({ duplicateClientId: policy }, async (fake) => {
      const got: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await call(fake, {
          method: "POST",
          path: "/api/v1/order",
          body: limitBody({ clientId: 7 }),
          instruction: "orderExecute",
        });
        got.push(res.status);
      }
      assert.deepEqual(got, [...statuses], policy);
      assert.equal(fake.ordersWithClientId(7).length, orders, policy);
    });
  }
});

Deno.test("fake: cancel-all, open orders by market type, signed positions", async () => {
  await withFake({}, async (fake) => {
    const place = (body: Record<string, Value>) =>
      call(fake, { method: "POST", path: "/api/v1/order", body, instruction: "orderExecute" });
    const buy = (await place(limitBody({ quantity: "2" }))).json.id;
    await place(limitBody({ side: "Ask", price: "151.00" }));
    const open = (query: Record<string, string>) =>
      call(fake, { method: "GET", path: "/api/v1/orders", query, instruction: "orderQueryAll" });
    assert.equal((await open({ symbol: SOL })).json.length, 2);
    assert.equal((await open({ marketType: "PERP" })).json.length, 2);
    assert.equal((await open({ marketType: "SPOT" })).json.length, 0);

    fake.forceFill(buy, "2");
    const position = () =>
      call(fake, { method: "GET", path: "/api/v1/position", instruction: "positionQuery" });
    const long = await position();
    assert.equal(long.json.length, 1);
    assert.deepEqual([long.json[0].symbol, long.json[0].netQuantity, long.json[0].entryPrice], [
      SOL,
      "2",
      "149",
    ]);

    const all = await call(fake, {
      method: "DELETE",
      path: "/api/v1/orders",
      body: { symbol: SOL },
      instruction: "orderCancelAll",
    });
    assert.deepEqual(all.json.map((o: { side: string; status: string }) => `${o.side} ${o.status}`), [
      "Ask Cancelled",
    ]);
    assert.equal((await open({ symbol: SOL })).json.length, 0);

    const sell = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: { symbol: SOL, side: "Ask", orderType: "Market", quantity: "5" },
      instruction: "orderExecute",
    });
    assert.deepEqual([sell.json.orderType, sell.json.status, sell.json.executedQuantity], [
      "Market",
      "Filled",
      "5",
    ]);
    assert.equal((await position()).json[0].netQuantity, "-3");
    const close = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: { symbol: SOL, side: "Bid", orderType: "Market", quantity: "3", reduceOnly: true },
      instruction: "orderExecute",
    });
    assert.equal(close.json.status, "Filled");
    assert.deepEqual((await position()).json, [], "a flat position is not listed");
    const wrongWay = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: { symbol: SOL, side: "Bid", orderType: "Market", quantity: "1", reduceOnly: true },
      instruction: "orderExecute",
    });
    assert.deepEqual([wrongWay.status, wrongWay.json.code], [400, "INVALID_ORDER"]);
  });
});

Deno.test("fake serves markets, depth (ascending, best bid last) and ticker", async () => {
  await withFake(
    { tickSize: "0.05", stepSize: "0.1", minQuantity: "0.2", bid: "150.00", ask: "150.10" },
    async (fake) => {
      const markets = await call(fake, { method: "GET", path: "/api/v1/markets" });
      const perp = markets.json.find((m: { symbol: string }) => m.symbol === SOL);
      assert.equal(perp.marketType, "PERP");
      assert.deepEqual(
        [perp.filters.price.tickSize, perp.filters.quantity.stepSize, perp.filters.quantity.minQuantity],
        ["0.05", "0.1", "0.2"],
      );
      assert.ok(
        markets.json.findIndex((m: { symbol: string }) => m.symbol === "SOL_USDC") <
          markets.json.indexOf(perp),
      );
      const depth = await call(fake, {
        method: "GET",
        path: "/api/v1/depth",
        query: { symbol: SOL, limit: "5" },
      });
      assert.deepEqual(depth.json.bids.map((l: string[]) => l[0]), [
        "149.8",
        "149.85",
        "149.9",
        "149.95",
        "150",
      ]);
      assert.deepEqual(depth.json.asks.map((l: string[]) => l[0]), [
        "150.1",
        "150.15",
        "150.2",
        "150.25",
        "150.3",
      ]);
      assert.equal(typeof depth.json.lastUpdateId, "string");
      fake.setQuote("150.50", "150.55");
      const moved = await call(fake, { method: "GET", path: "/api/v1/depth", query: { symbol: SOL } });
      assert.deepEqual([moved.json.bids.at(-1)[0], moved.json.asks[0][0]], ["150.5", "150.55"]);
      assert.ok(Number(moved.json.lastUpdateId) > Number(depth.json.lastUpdateId));
      const ticker = await call(fake, { method: "GET", path: "/api/v1/ticker", query: { symbol: SOL } });
      assert.equal(ticker.json.symbol, SOL);
      const bad = await call(fake, {
        method: "GET",
        path: "/api/v1/depth",
        query: { symbol: SOL, limit: "0" },
      });
      assert.equal(bad.status, 400);
      const unknown = await call(fake, { method: "GET", path: "/api/v1/nothing" });
      assert.deepEqual([unknown.status, unknown.json.code], [404, "RESOURCE_NOT_FOUND"]);
    },
  );
});

// ---------------------------------------------------------------- streams

Deno.test("fake streams book ticker and depth, and refuses bad subscriptions", async () => {
  await withFake({ bid: "150.00", ask: "150.02" }, async (fake) => {
    const ws = await WsClient.open(fake.wsUrl);
    try {
      ws.send({ method: "SUBSCRIBE", params: [`bookTicker.${SOL}`, `depth.${SOL}`] });
      await ws.waitFor(() => ws.on(`bookTicker.${SOL}`).length === 1, "the first ticker");
      assert.deepEqual([ws.on(`bookTicker.${SOL}`)[0]!.b, ws.on(`bookTicker.${SOL}`)[0]!.a], [
        "150",
        "150.02",
      ]);
      fake.setQuote("150.01", "150.03");
      await ws.waitFor(() => ws.on(`bookTicker.${SOL}`).length === 2, "the moved ticker");
      const t = ws.on(`bookTicker.${SOL}`)[1]!;
      assert.deepEqual([t.e, t.s, t.b, t.a], ["bookTicker", SOL, "150.01", "150.03"]);
      assert.ok(typeof t.E === "number" && t.E > 1e15, "microseconds");
      const d = ws.on(`depth.${SOL}`)[0]!;
      assert.equal(d.e, "depth");
      assert.ok((d.b as string[][]).some(([p, q]) => p === "150.01" && q !== "0"), "new best bid level");
      assert.equal(d.u, d.U, "one update");

      const refused: [string, unknown, number][] = [
        ["not JSON", "{", 4000],
        ["unknown method", { method: "LIST", params: [] }, 4001],
        ["unknown stream", { method: "SUBSCRIBE", params: ["trade.NOPE"] }, 4005],
        ["private without signature", { method: "SUBSCRIBE", params: ["account.orderUpdate"] }, 4006],
        ["private, bad signature", {
          method: "SUBSCRIBE",
          params: ["account.orderUpdate"],
          signature: [BACKPACK_TEST_KEY.publicB64, VECTORS.subscribe.sig, String(fake.clock.now()), "5000"],
        }, 4006],
        ["private, stale signature", {
          method: "SUBSCRIBE",
          params: ["account.orderUpdate"],
          signature: [
            BACKPACK_TEST_KEY.publicB64,
            signText(`instruction=subscribe&timestamp=${fake.clock.now() - 6000}&window=5000`),
            String(fake.clock.now() - 6000),
            "5000",
          ],
        }, 4006],
      ];
      for (const [what, msg] of refused) {
        const before = ws.messages.length;
        if (typeof msg === "string") ws.sendRaw(msg);
        else ws.send(msg);
        await ws.waitFor(() => ws.messages.length > before, what);
        const last = ws.messages.at(-1)!;
        assert.ok(last.error !== undefined, `${what}: ${JSON.stringify(last)}`);
      }
      assert.equal(fake.subscriptions.filter((s) => s.stream.startsWith("account.")).length, 0);
    } finally {
      await ws.close();
    }
  });
});

async function privateSocket(fake: BackpackFake, stream = "account.orderUpdate"): Promise<WsClient> {
  const ws = await WsClient.open(fake.wsUrl);
  const ts = fake.clock.now();
  ws.send({
    method: "SUBSCRIBE",
    params: [stream],
    signature: [
      BACKPACK_TEST_KEY.publicB64,
      signText(`instruction=subscribe&timestamp=${ts}&window=5000`),
      String(ts),
      "5000",
    ],
  });
  await ws.waitFor(() => fake.subscribers(stream).length > 0, "the private subscription");
  return ws;
}

Deno.test("fake streams the documented order events, accepted to expired", async () => {
  await withFake({}, async (fake) => {
    const ws = await privateSocket(fake, `account.orderUpdate.${SOL}`);
    try {
      const place = (body: Record<string, Value>) =>
        call(fake, { method: "POST", path: "/api/v1/order", body, instruction: "orderExecute" });
      const a = (await place(limitBody({ quantity: "4", clientId: 1, postOnly: true }))).json.id;
      fake.forceFill(a, "1");
      fake.forceFill(a, "3");
      const b = (await place(limitBody({ side: "Ask", price: "152.00", quantity: "2" }))).json.id;
      fake.forceFill(b, "0.5");
      await call(fake, {
        method: "DELETE",
        path: "/api/v1/order",
        body: { symbol: SOL, orderId: b },
        instruction: "orderCancel",
      });
      await place({
        symbol: SOL,
        side: "Ask",
        orderType: "Limit",
        price: "160.00",
        quantity: "1",
        timeInForce: "IOC",
      });
      const stream = `account.orderUpdate.${SOL}`;
      await ws.waitFor(() => ws.on(stream).length === 8, "eight order events");
      await settle();
      const got = ws.on(stream).map((e) => `${e.e} ${e.X} z=${e.z} l=${e.l ?? "-"}`);
      assert.deepEqual(got, [
        "orderAccepted New z=0 l=-",
        "orderFill PartiallyFilled z=1 l=1",
        "orderFill Filled z=4 l=3",
        "orderAccepted New z=0 l=-",
        "orderFill PartiallyFilled z=0.5 l=0.5",
        "orderCancelled Cancelled z=0.5 l=-",
        "orderAccepted New z=0 l=-",
        "orderExpired Expired z=0 l=-",
      ]);
      const fill = ws.on(stream)[2]!;
      assert.deepEqual(
        [
          fill.s,
          fill.c,
          fill.S,
          fill.o,
          fill.f,
          fill.q,
          fill.p,
          fill.i,
          fill.L,
          fill.m,
          fill.y,
          fill.r,
          fill.N,
        ],
        [SOL, 1, "Bid", "LIMIT", "GTC", "4", "149", a, "149", true, true, false, "USDC"],
      );
      assert.equal(fill.Z, "596");
      assert.equal(typeof fill.t, "number");
    } finally {
      await ws.close();
    }
  });
});

// ---------------------------------------------------------------- faults

Deno.test("faults: added latency, 429 with Retry-After, 5xx, each once and logged", async () => {
  await withFake({}, async (fake) => {
    const ping = () => call(fake, { method: "GET", path: "/api/v1/markets" });
    fake.faults.latency(60, { path: "/api/v1/markets" });
    const t0 = Date.now();
    assert.equal((await ping()).status, 200);
    assert.ok(Date.now() - t0 >= 55, `latency applied: ${Date.now() - t0} ms`);
    fake.faults.clear();

    fake.rateLimit({ path: "/api/v1/markets" }, 1.5, 2);
    fake.faults.serverError({ path: "/api/v1/markets" }, 502);
    const answers = [await ping(), await ping(), await ping(), await ping()];
    assert.deepEqual(answers.map((a) => a.status), [429, 429, 502, 200]);
    assert.equal(answers[0]!.headers.get("retry-after"), "1.5");
    assert.deepEqual(answers[0]!.json, { code: "TOO_MANY_REQUESTS", message: "Too many requests" });
    assert.equal(answers[2]!.json.code, "SERVER_ERROR");
    const log = fake.requests.slice(-4);
    assert.deepEqual(log.map((r) => `${r.status} ${r.fault ?? "-"}`), [
      "429 status 429",
      "429 status 429",
      "502 status 502",
      "200 -",
    ]);
    assert.ok(log.every((r, i) => i === 0 || r.time >= log[i - 1]!.time));
    assert.ok(log.every((r) => r.method === "GET" && r.path === "/api/v1/markets"));
  });
});

Deno.test("faults: a placement applied with its answer lost, then an outage; released at stop", async () => {
  await withFake({}, async (fake) => {
    fake.loseNextPlacementAnswer(10_000);
    const lost = await fetch(`${fake.baseUrl}/api/v1/order`, {
      method: "POST",
      headers: signedHeaders("orderExecute", limitBody({ clientId: 5 }), fake.clock.now()),
      body: JSON.stringify(limitBody({ clientId: 5 })),
      signal: AbortSignal.timeout(150),
    }).then(() => "answered", (e) => (e as Error).name);
    assert.equal(lost, "TimeoutError");
    assert.equal(fake.ordersWithClientId(5).length, 1, "the order was placed although the answer was lost");
    const during = await fetch(`${fake.baseUrl}/api/v1/markets`, { signal: AbortSignal.timeout(100) })
      .then(() => "answered", (e) => (e as Error).name);
    assert.equal(during, "TimeoutError", "nothing answers during the outage");
    const held = fake.requests.filter((r) => r.status === undefined).map((r) => r.fault);
    assert.deepEqual(held, ["hang after apply", "hang"]);
  });
  // withFake's close() returned: the held requests were released, or the sanitizers would fail this test.
});

Deno.test("faults: a fill lands between a cancel's arrival and its handling", async () => {
  await withFake({}, async (fake) => {
    const id = (await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: limitBody({ quantity: "2" }),
      instruction: "orderExecute",
    })).json.id;
    fake.fillDuringNextCancel("0.5");
    const res = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      body: { symbol: SOL, orderId: id },
      instruction: "orderCancel",
    });
    assert.deepEqual([res.status, res.json.status, res.json.executedQuantity], [200, "Cancelled", "0.5"]);
    const id2 = (await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      body: limitBody({ quantity: "2" }),
      instruction: "orderExecute",
    })).json.id;
    fake.fillDuringNextCancel();
    const lost = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      body: { symbol: SOL, orderId: id2 },
      instruction: "orderCancel",
    });
    assert.deepEqual(
      [lost.status, lost.json.code],
      [404, "RESOURCE_NOT_FOUND"],
      "filled before the cancel ran",
    );
    assert.equal(fake.orders().find((o) => o.orderId === id2)!.status, "FILLED");
  });
});

Deno.test("faults: order events duplicated, reordered and dropped on the wire", async () => {
  await withFake({}, async (fake) => {
    const ws = await privateSocket(fake);
    try {
      const id = (await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body: limitBody({ quantity: "4" }),
        instruction: "orderExecute",
      })).json.id;
      fake.faults.events.duplicate((e: BackpackOrderEvent) => e.e === "orderFill");
      fake.forceFill(id, "1");
      fake.faults.events.reorder();
      fake.forceFill(id, "1");
      fake.forceFill(id, "1");
      fake.faults.events.drop((e) => e.X === "Filled");
      fake.forceFill(id, "1");
      const probe = (await call(fake, {
        method: "POST",
        path: "/api/v1/order",
        body: limitBody({ price: "148.00" }),
        instruction: "orderExecute",
      })).json.id;
      await ws.waitFor(() => ws.on("account.orderUpdate").some((e) => e.i === probe), "the probe order");
      const z = ws.on("account.orderUpdate").filter((e) => e.i === id).map((e) => `${e.e}:${e.z}`);
      assert.deepEqual(z, ["orderAccepted:0", "orderFill:1", "orderFill:1", "orderFill:3", "orderFill:2"]);
      assert.equal(fake.orderEvents.filter((e) => e.i === id).length, 5, "the fake's own record is complete");
    } finally {
      await ws.close();
    }
  });
});

Deno.test("faults: sockets dropped by the server, silenced, refused", async () => {
  await withFake({ tickerIntervalMs: 20 }, async (fake) => {
    const a = await WsClient.open(fake.wsUrl);
    a.send({ method: "SUBSCRIBE", params: [`bookTicker.${SOL}`] });
    await a.waitFor(() => a.on(`bookTicker.${SOL}`).length >= 2, "periodic tickers");
    assert.equal(fake.dropSockets(), 1);
    await a.closed;
    assert.equal(a.closeCode, 1001);

    const b = await WsClient.open(fake.wsUrl);
    b.send({ method: "SUBSCRIBE", params: [`bookTicker.${SOL}`] });
    await b.waitFor(() => b.on(`bookTicker.${SOL}`).length >= 1, "a ticker");
    assert.equal(fake.silenceSockets(), 1);
    const count = b.messages.length;
    await settle(100);
    assert.equal(b.messages.length, count, "a silent socket sends nothing");
    b.send({ method: "SUBSCRIBE", params: [`depth.${SOL}`] });
    await settle();
    assert.equal(fake.subscribers(`depth.${SOL}`).length, 0, "and ignores what it receives");
    await b.close();

    fake.faults.refuseSockets(1, 503);
    const refused = new WsClient(fake.wsUrl);
    await refused.closed;
    assert.notEqual(refused.closeCode, 1000);
    const c = await WsClient.open(fake.wsUrl);
    await c.close();
    assert.equal(fake.server.sessionCount, 3, "the refused upgrade made no session");
  });
});

Deno.test("faults: a private subscription refused once, then accepted", async () => {
  await withFake({}, async (fake) => {
    fake.refusePrivateSubscriptions(1);
    const ws = await WsClient.open(fake.wsUrl);
    try {
      const subscribe = () => {
        const ts = fake.clock.now();
        ws.send({
          method: "SUBSCRIBE",
          params: ["account.orderUpdate", `bookTicker.${SOL}`],
          signature: [
            BACKPACK_TEST_KEY.publicB64,
            signText(`instruction=subscribe&timestamp=${ts}&window=5000`),
            String(ts),
            "5000",
          ],
        });
      };
      subscribe();
      await ws.waitFor(() => ws.messages.some((m) => m.error !== undefined), "the refusal");
      assert.equal(fake.subscriptions.length, 0, "nothing of a refused request is subscribed");
      subscribe();
      await ws.waitFor(() => fake.subscriptions.length === 2, "the second attempt");
    } finally {
      await ws.close();
    }
  });
});

Deno.test("fake stops cleanly with open sockets and can be closed twice", async () => {
  const fake = await BackpackFake.start({ tickerIntervalMs: 10, marketStepMs: 10 });
  const ws = await privateSocket(fake);
  await call(fake, { method: "POST", path: "/api/v1/order", body: limitBody(), instruction: "orderExecute" });
  await fake.close();
  await ws.closed;
  await fake.close();
  const after = await fetch(`${fake.baseUrl}/api/v1/markets`).then(() => "answered", () => "refused");
  assert.equal(after, "refused");
});

function signedHeaders(instruction: string, body: Record<string, Value>, ts: number): Record<string, string> {
  return {
    "X-API-Key": BACKPACK_TEST_KEY.publicB64,
    "X-Signature": signText(signingString(instruction, body, ts, 5000)),
    "X-Timestamp": String(ts),
    "X-Window": "5000",
    "Content-Type": "application/json",
  };
}

Deno.test("fake refuses the parameters of a POST or DELETE in the query string, signed or not", async () => {
  await withFake({}, async (fake) => {
    const asQuery = Object.fromEntries(Object.entries(limitBody()).map(([k, v]) => [k, String(v)]));
    const place = await call(fake, {
      method: "POST",
      path: "/api/v1/order",
      query: asQuery,
      instruction: "orderExecute",
    });
    assert.equal(place.status, 400, JSON.stringify(place.json));
    assert.equal(place.json.code, "INVALID_CLIENT_REQUEST");
    const batch = await call(fake, {
      method: "POST",
      path: "/api/v1/orders",
      query: { unsigned: "1" },
      body: [limitBody()],
      instruction: "orderExecute",
    });
    assert.equal(batch.status, 400, JSON.stringify(batch.json));
    const cancel = await call(fake, {
      method: "DELETE",
      path: "/api/v1/order",
      query: { symbol: SOL, orderId: "1" },
      instruction: "orderCancel",
    });
    assert.equal(cancel.status, 400, JSON.stringify(cancel.json));
    assert.equal(fake.orders().length, 0);
  });
});
