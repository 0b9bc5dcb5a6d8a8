/** HttpClient against a real loopback server: status mapping, Retry-After, timeouts, refusals, redaction. */
import assert from "node:assert/strict";
import {
  DEFAULT_TIMEOUT_MS,
  HttpClient,
  type HttpResponse,
  MAX_BODY_IN_ERROR,
  parseRetryAfter,
  RequestAbortedError,
  throwForStatus,
} from "../../exchanges/http.ts";
import {
  AuthenticationError,
  RateLimitError,
  VenueDataError,
  VenueError,
  VenueRejectedError,
  VenueTimeoutError,
  VenueUnavailableError,
} from "../../exchanges/venue.ts";

const SECRET = "sk-live-9f8e7d6c5b4a";
const redact = (s: string) => s.split(SECRET).join("[REDACTED]");

interface Seen {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: string;
}

/** Runs `fn` against a server on 127.0.0.1 port 0 and always shuts it down. */
async function withServer(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (base: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening.resolve(port) },
    async (req) => {
      const url = new URL(req.url);
      seen.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body: await req.text(),
      });
      return handler(req);
    },
  );
  try {
    await fn(`http://127.0.0.1:${await listening.promise}`, seen);
  } finally {
    await server.shutdown();
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected the request to reject");
}

const client = () => new HttpClient({ venue: "testvenue", redact, userAgent: "perpbot-test/1" });

Deno.test("request returns status, headers and body, and sends method, headers and body", async () => {
  await withServer(
    () => new Response('{"a":1,"b":[2]}', { status: 200, headers: { "x-answer": "yes" } }),
    async (base, seen) => {
      const res = await client().request({
        method: "POST",
        url: `${base}/api/v1/order?x=1`,
        headers: { "content-type": "application/json", "x-key": "k" },
        body: '{"q":"1"}',
      });
      assert.equal(res.status, 200);
      assert.equal(res.ok, true);
      assert.equal(res.headers.get("x-answer"), "yes");
      assert.equal(res.text, '{"a":1,"b":[2]}');
      assert.deepEqual(res.json(), { a: 1, b: [2] });
      assert.equal(res.path, "/api/v1/order");
      assert.equal(res.method, "POST");
      assert.equal(res.venue, "testvenue");
      assert.equal(throwForStatus(res), res);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.method, "POST");
      assert.equal(seen[0]!.path, "/api/v1/order");
      assert.equal(seen[0]!.search, "?x=1");
      assert.equal(seen[0]!.body, '{"q":"1"}');
      assert.equal(seen[0]!.headers.get("x-key"), "k");
      assert.equal(seen[0]!.headers.get("user-agent"), "perpbot-test/1");
    },
  );
});

Deno.test("a User-Agent set by the request wins over the client's", async () => {
  await withServer(() => new Response("ok"), async (base, seen) => {
    await client().request({ method: "GET", url: `${base}/`, headers: { "User-Agent": "custom/2" } });
    assert.equal(seen[0]!.headers.get("user-agent"), "custom/2");
  });
});

Deno.test("status mapping: which statuses throw which error, and which resolve", async () => {
  const table: Array<[number, (new (...a: never[]) => VenueError) | undefined, boolean]> = [
    [200, undefined, false],
    [201, undefined, false],
    [204, undefined, false],
    [299, undefined, false],
    [400, undefined, false],
    [404, undefined, false],
    [409, undefined, false],
    [422, undefined, false],
    [499, undefined, false],
    [401, AuthenticationError, false],
    [403, AuthenticationError, false],
    [418, RateLimitError, true],
    [429, RateLimitError, true],
    [500, VenueUnavailableError, true],
    [502, VenueUnavailableError, true],
    [503, VenueUnavailableError, true],
    [599, VenueUnavailableError, true],
  ];
  let status = 0;
  await withServer(
    () => new Response(status === 204 ? null : `body of ${status}`, { status }),
    async (base) => {
      for (const [s, errorClass, retriable] of table) {
        status = s;
        const p = client().request({ method: "GET", url: `${base}/v1/thing?sig=abc` });
        if (errorClass === undefined) {
          const res = await p;
          assert.equal(res.status, s, `status ${s}`);
          assert.equal(res.ok, s < 300, `ok for ${s}`);
          continue;
        }
        const e = await rejection(p);
        assert.ok(e instanceof errorClass, `status ${s} gave ${String(e)}`);
        assert.ok(!(e instanceof VenueTimeoutError), `status ${s} is not a timeout`);
        assert.equal((e as VenueError).retriable, retriable, `retriable for ${s}`);
        const m = (e as Error).message;
        assert.match(m, new RegExp(`^testvenue GET /v1/thing .*HTTP ${s}`), m);
        assert.ok(m.includes(`body of ${s}`), m);
        assert.ok(!m.includes("sig=abc") && !m.includes("?"), `no query string in: ${m}`);
      }
    },
  );
});

Deno.test("Retry-After in seconds and as an HTTP date; absent or unreadable gives undefined", async () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  let header: string | undefined;
  await withServer(
    () =>
      new Response("slow down", {
        status: 429,
        headers: header === undefined ? {} : { "retry-after": header },
      }),
    async (base) => {
      const http = new HttpClient({ venue: "testvenue", now: () => now });
      const cases: Array<[string | undefined, number | undefined]> = [
        ["7", 7000],
        ["0", 0],
        ["1.5", 1500],
        [new Date(now + 30_000).toUTCString(), 30_000],
        [new Date(now - 5_000).toUTCString(), 0],
        [undefined, undefined],
        ["soon", undefined],
        ["-3", undefined],
      ];
      for (const [value, expected] of cases) {
        header = value;
        const e = await rejection(http.request({ method: "GET", url: `${base}/limited` }));
        assert.ok(e instanceof RateLimitError, String(e));
        assert.equal(e.retryAfterMs, expected, `Retry-After ${value}`);
        if (expected !== undefined) assert.ok(e.message.includes(`retry after ${expected} ms`), e.message);
      }
    },
  );
});

Deno.test("parseRetryAfter table", () => {
  const now = Date.UTC(2025, 0, 1);
  const cases: Array<[string | null, number | undefined]> = [
    [null, undefined],
    ["", undefined],
    ["  ", undefined],
    ["120", 120_000],
    [" 2 ", 2000],
    ["0.001", 1],
    ["1e3", undefined],
    ["-1", undefined],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10_000],
    ["Tue, 31 Dec 2024 23:59:59 GMT", 0],
    ["not a date", undefined],
  ];
  for (const [value, expected] of cases) assert.equal(parseRetryAfter(value, now), expected, `${value}`);
});

Deno.test("a handler that never answers times out with VenueTimeoutError", async () => {
  const release = Promise.withResolvers<void>();
  try {
    await withServer(async () => {
      await release.promise;
      return new Response("too late");
    }, async (base) => {
      const started = performance.now();
      const e = await rejection(
        client().request({ method: "GET", url: `${base}/slow?sig=1`, timeoutMs: 100 }),
      );
      const elapsed = performance.now() - started;
      assert.ok(e instanceof VenueTimeoutError, String(e));
      assert.ok(e instanceof VenueUnavailableError);
      assert.equal(e.retriable, true);
      assert.equal(e.message, "testvenue GET /slow did not answer within 100 ms");
      assert.ok(elapsed >= 90 && elapsed < 2000, `elapsed ${elapsed} ms`);
      release.resolve();
    });
  } finally {
    release.resolve();
  }
});

Deno.test("headers that arrive but a body that stalls is still a timeout", async () => {
  const release = Promise.withResolvers<void>();
  try {
    await withServer(() => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode("{"));
          await release.promise;
          controller.close();
        },
      });
      return new Response(body, { status: 200 });
    }, async (base) => {
      const e = await rejection(client().request({ method: "GET", url: `${base}/stream`, timeoutMs: 100 }));
      assert.ok(e instanceof VenueTimeoutError, String(e));
      assert.equal(e.message, "testvenue GET /stream did not answer within 100 ms");
      release.resolve();
    });
  } finally {
    release.resolve();
  }
});

Deno.test("the default timeout is 10000 ms", () => {
  assert.equal(DEFAULT_TIMEOUT_MS, 10_000);
});

Deno.test("a caller abort is RequestAbortedError, not retriable, and not a timeout", async () => {
  const release = Promise.withResolvers<void>();
  try {
    await withServer(async () => {
      await release.promise;
      return new Response("late");
    }, async (base) => {
      const controller = new AbortController();
      const p = client().request({ method: "DELETE", url: `${base}/order/1`, signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      const e = await rejection(p);
      assert.ok(e instanceof RequestAbortedError, String(e));
      assert.ok(!(e instanceof VenueTimeoutError));
      assert.equal(e.name, "AbortError");
      assert.equal(e.retriable, false);
      assert.equal(e.message, "testvenue DELETE /order/1 was aborted");
      release.resolve();
    });
  } finally {
    release.resolve();
  }
});

Deno.test("a signal aborted before the request is RequestAbortedError and sends nothing", async () => {
  await withServer(() => new Response("ok"), async (base, seen) => {
    const e = await rejection(
      client().request({ method: "GET", url: `${base}/x`, signal: AbortSignal.abort() }),
    );
    assert.ok(e instanceof RequestAbortedError, String(e));
    assert.equal(seen.length, 0);
  });
});

Deno.test("connection refused is VenueUnavailableError without the query string", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const e = await rejection(
    client().request({ method: "GET", url: `http://127.0.0.1:${port}/v1/depth?signature=${SECRET}deadbeef` }),
  );
  assert.ok(e instanceof VenueUnavailableError, String(e));
  assert.ok(!(e instanceof VenueTimeoutError));
  assert.equal(e.retriable, true);
  assert.match(e.message, /^Cannot reach testvenue GET \/v1\/depth: /);
  assert.match(e.message, /refused/i);
  // Deno quotes the full URL in fetch errors; neither the message nor the cause chain may keep the query.
  let chain = "";
  for (let c: unknown = e; c instanceof Error; c = c.cause) chain += `${c.name}: ${c.message}\n`;
  assert.ok(!chain.includes("signature") && !chain.includes("deadbeef"), chain);
  assert.ok(!chain.includes(SECRET), chain);
});

Deno.test("an invalid URL is a non-retriable VenueError that does not quote the query", async () => {
  const e = await rejection(client().request({ method: "GET", url: "not a url?sig=abc" }));
  assert.ok(e instanceof VenueError, String(e));
  assert.equal(e.retriable, false);
  assert.ok(!e.message.includes("sig=abc"), e.message);
});

Deno.test("an invalid URL quotes no fragment of a secret where its path is cut", async () => {
  for (let pad = 180; pad < 200; pad++) {
    const e = await rejection(
      client().request({ method: "GET", url: `${"a".repeat(pad)} ${SECRET}/rest?sig=1` }),
    );
    const message = (e as Error).message;
    assert.ok(!message.includes(SECRET.slice(0, 4)), `pad ${pad}: ${message}`);
  }
});

Deno.test("a non-positive timeout is refused and names the value", async () => {
  const e = await rejection(client().request({ method: "GET", url: "http://127.0.0.1:1/", timeoutMs: 0 }));
  assert.ok(e instanceof RangeError);
  assert.match(e.message, /got 0/);
});

Deno.test("json() on a body that is not JSON throws VenueDataError naming venue, method and path", async () => {
  await withServer(() => new Response("<html>bad gateway</html>", { status: 200 }), async (base) => {
    const res = await client().request({ method: "GET", url: `${base}/v1/markets?page=2` });
    assert.throws(() => res.json(), (e: unknown) => {
      assert.ok(e instanceof VenueDataError, String(e));
      assert.equal(e.retriable, true);
      assert.equal(
        e.message,
        "testvenue GET /v1/markets answered HTTP 200 with a body that is not JSON: <html>bad gateway</html>",
      );
      return true;
    });
  });
  await withServer(() => new Response("", { status: 200 }), async (base) => {
    const res = await client().request({ method: "GET", url: `${base}/empty` });
    assert.throws(
      () => res.json(),
      /testvenue GET \/empty answered HTTP 200 with a body that is not JSON \(empty/,
    );
  });
});

Deno.test("a secret echoed in the body or carried in the query never reaches an error message", async () => {
  const body = JSON.stringify({ error: "bad signature", echo: { apiKey: SECRET, query: `key=${SECRET}` } });
  for (const status of [400, 401, 429, 500]) {
    await withServer(() => new Response(body, { status }), async (base) => {
      const p = client().request({ method: "POST", url: `${base}/v1/order?key=${SECRET}&sig=f00d` });
      let message: string;
      if (status === 400) {
        const res = await p;
        message = (() => {
          try {
            throwForStatus(res);
          } catch (e) {
            return (e as Error).message;
          }
          assert.fail("throwForStatus should throw for 400");
        })();
      } else {
        message = ((await rejection(p)) as Error).message;
      }
      assert.ok(!message.includes(SECRET), `status ${status}: ${message}`);
      assert.ok(!message.includes("f00d"), `status ${status}: ${message}`);
      assert.ok(message.includes("[REDACTED]"), `status ${status}: ${message}`);
      assert.ok(message.includes("bad signature"), `status ${status}: ${message}`);
    });
  }
});

Deno.test("a secret in the URL path is redacted from the label", async () => {
  await withServer(() => new Response("nope", { status: 503 }), async (base) => {
    const e = await rejection(client().request({ method: "GET", url: `${base}/bot${SECRET}/sendMessage` }));
    assert.equal(
      (e as Error).message,
      "testvenue GET /bot[REDACTED]/sendMessage failed on the venue's side: HTTP 503: nope",
    );
  });
});

Deno.test("error messages quote at most 300 characters of the body, redacted before it is cut", async () => {
  // The secret straddles the cut: redacting after cutting would leave its first half in the message.
  const body = "x".repeat(MAX_BODY_IN_ERROR - 5) + SECRET + "y".repeat(1000);
  await withServer(() => new Response(body, { status: 502 }), async (base) => {
    const e = await rejection(client().request({ method: "GET", url: `${base}/big` }));
    const m = (e as Error).message;
    const quoted = m.slice(m.indexOf("HTTP 502: ") + "HTTP 502: ".length);
    assert.equal(
      quoted,
      ("x".repeat(MAX_BODY_IN_ERROR - 5) + "[REDACTED]").slice(0, MAX_BODY_IN_ERROR) + "…",
    );
    assert.ok(!m.includes(SECRET.slice(0, 5)), m);
  });
});

Deno.test("throwForStatus: 4xx becomes VenueRejectedError with the venue's code and reason", async () => {
  await withServer(
    () =>
      new Response(JSON.stringify({ code: "INVALID_PRICE", message: "price not a multiple of tick" }), {
        status: 400,
      }),
    async (base) => {
      const res = await client().request({ method: "POST", url: `${base}/api/v1/order` });
      assert.equal(res.status, 400);
      const describe = (r: HttpResponse) => {
        const j = r.json<{ code: string; message: string }>();
        return { code: j.code, reason: j.message };
      };
      assert.throws(() => throwForStatus(res, describe), (e: unknown) => {
        assert.ok(e instanceof VenueRejectedError, String(e));
        assert.equal(e.retriable, false);
        assert.equal(e.code, "INVALID_PRICE");
        assert.equal(
          e.message,
          "testvenue POST /api/v1/order was rejected: HTTP 400, code INVALID_PRICE: price not a multiple of tick",
        );
        return true;
      });
    },
  );
});

Deno.test("throwForStatus: a describe that throws falls back to the raw body", async () => {
  await withServer(() => new Response("plain words", { status: 404 }), async (base) => {
    const res = await client().request({ method: "GET", url: `${base}/order/9` });
    assert.throws(
      () => throwForStatus(res, (r) => ({ reason: r.json<{ m: string }>().m })),
      (e: unknown) => {
        assert.ok(e instanceof VenueRejectedError);
        assert.equal(e.code, undefined);
        assert.equal(e.message, "testvenue GET /order/9 was rejected: HTTP 404: plain words");
        return true;
      },
    );
  });
});

Deno.test("throwForStatus: an unfollowed redirect is VenueDataError", async () => {
  await withServer(() => new Response(null, { status: 304 }), async (base) => {
    const res = await client().request({ method: "GET", url: `${base}/cached` });
    assert.equal(res.status, 304);
    assert.throws(
      () => throwForStatus(res),
      (e: unknown) => e instanceof VenueDataError && /HTTP 304/.test(e.message),
    );
  });
});

Deno.test("an injected fetch is used, and a TypeError from it is VenueUnavailableError", async () => {
  const calls: string[] = [];
  const http = new HttpClient({
    venue: "fake",
    fetch: (input) => {
      calls.push(String(input));
      return Promise.reject(new TypeError("network down"));
    },
  });
  const e = await rejection(http.request({ method: "GET", url: "http://example.invalid/a?b=c" }));
  assert.deepEqual(calls, ["http://example.invalid/a?b=c"]);
  assert.ok(e instanceof VenueUnavailableError, String(e));
  assert.equal(e.message, "Cannot reach fake GET /a: network down");
});
