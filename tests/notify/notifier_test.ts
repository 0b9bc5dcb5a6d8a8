/** Notifier and its channels against a loopback server: wire format, failures contained, tokens kept out. */
import assert from "node:assert/strict";
import { Redactor } from "../../bot/redact.ts";
import { type Channel, Notifier, withoutSecret } from "../../notify/notifier.ts";
import { fitTelegram, TELEGRAM_MAX_TEXT } from "../../notify/telegram.ts";

const TG_TOKEN = "123456789:AAHsecret-telegram-token_xyz";
const LARK_TOKEN = "b7d3c1e0-lark-secret-token-4f2a";

interface Recorded {
  method: string;
  path: string;
  contentType: string | null;
  body: unknown;
}

type Handler = (path: string) => Response | Promise<Response>;

/** Runs `fn` against a recording server on 127.0.0.1 port 0 and always shuts it down. */
async function withServer(
  handler: Handler,
  fn: (base: string, seen: Recorded[]) => Promise<void>,
): Promise<void> {
  const seen: Recorded[] = [];
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening.resolve(port) },
    async (req) => {
      const path = new URL(req.url).pathname;
      const text = await req.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      seen.push({ method: req.method, path, contentType: req.headers.get("content-type"), body });
      return handler(path);
    },
  );
  try {
    await fn(`http://127.0.0.1:${await listening.promise}`, seen);
  } finally {
    await server.shutdown();
  }
}

const tgOk = () => Response.json({ ok: true, result: { message_id: 1 } });
const larkOk = () => Response.json({ code: 0, msg: "success", data: {} });
const answerOk: Handler = (path) => path.startsWith("/bot") ? tgOk() : larkOk();

function env(base: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_CHAT_ID: "-100200300",
    LARK_TOKEN,
    TELEGRAM_BASE_URL: base,
    LARK_BASE_URL: base,
    ...extra,
  };
}

function assertNoToken(messages: string[]): void {
  for (const m of messages) {
    for (const secret of [TG_TOKEN, encodeURIComponent(TG_TOKEN), LARK_TOKEN, "AAHsecret", "lark-secret"]) {
      assert.ok(!m.includes(secret), `"${secret}" leaked in: ${m}`);
    }
  }
}

Deno.test("fromEnv sends to Telegram and Lark with the exact paths and JSON bodies", async () => {
  await withServer(answerOk, async (base, seen) => {
    const failures: string[] = [];
    const notifier = Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) });
    assert.deepEqual(notifier.channels.map((c) => c.name), ["Telegram", "Lark"]);
    await notifier.notify("Filled buy 0.1 ETH @ 3000.5 <tp> & more");
    assert.deepEqual(failures, []);
    const byPath = [...seen].sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(byPath, [
      {
        method: "POST",
        path: `/bot${TG_TOKEN}/sendMessage`,
        contentType: "application/json",
        body: { chat_id: "-100200300", text: "Filled buy 0.1 ETH @ 3000.5 <tp> & more" },
      },
      {
        method: "POST",
        path: `/flow/api/trigger-webhook/${LARK_TOKEN}`,
        contentType: "application/json",
        body: { msg_type: "text", content: { text: "Filled buy 0.1 ETH @ 3000.5 <tp> & more" } },
      },
    ]);
  });
});

Deno.test("fromEnv trims values and a trailing slash of the base URL", async () => {
  await withServer(answerOk, async (base, seen) => {
    const notifier = Notifier.fromEnv({
      TELEGRAM_BOT_TOKEN: ` ${TG_TOKEN} `,
      TELEGRAM_CHAT_ID: " 42\n",
      TELEGRAM_BASE_URL: `${base}//`,
    });
    await notifier.notify("hi");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.path, `/bot${TG_TOKEN}/sendMessage`);
    assert.deepEqual(seen[0]!.body, { chat_id: "42", text: "hi" });
  });
});

Deno.test("no channels configured: resolves without a request or a failure", async () => {
  await withServer(answerOk, async (base, seen) => {
    const configs: Array<Record<string, string>> = [
      {},
      { TELEGRAM_BASE_URL: base, LARK_BASE_URL: base },
      // Telegram needs both the token and the chat id.
      { TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_BASE_URL: base },
      { TELEGRAM_CHAT_ID: "42", TELEGRAM_BASE_URL: base },
      { TELEGRAM_BOT_TOKEN: "  ", TELEGRAM_CHAT_ID: "42", LARK_TOKEN: " ", TELEGRAM_BASE_URL: base },
    ];
    for (const config of configs) {
      const failures: string[] = [];
      const notifier = Notifier.fromEnv(config, { onFailure: (m) => failures.push(m) });
      assert.equal(notifier.channels.length, 0, JSON.stringify(config));
      await notifier.notify("nobody listens");
      assert.deepEqual(failures, []);
    }
    assert.equal(seen.length, 0);
  });
});

Deno.test("a channel answering 500 fails without rejecting, and the token echoed in the body is scrubbed", async () => {
  await withServer((path) => {
    // The server echoes the path, token included, as some proxies do.
    return path.startsWith("/bot") ? new Response(`internal error at ${path}`, { status: 500 }) : larkOk();
  }, async (base, seen) => {
    const failures: string[] = [];
    // No redactor: each channel must keep its own token out of the message.
    const notifier = Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) });
    await notifier.notify("hello");
    assert.equal(seen.length, 2, "Lark still delivered");
    assert.equal(failures.length, 1);
    assert.equal(
      failures[0],
      "Notification via Telegram failed: HTTP 500: internal error at /bot[REDACTED]/sendMessage",
    );
    assertNoToken(failures);
  });
});

Deno.test("Lark answering 500 with its token in the body is scrubbed too", async () => {
  await withServer(
    (path) =>
      path.startsWith("/bot")
        ? tgOk()
        : Response.json({ error: `bad webhook ${LARK_TOKEN}` }, { status: 500 }),
    async (base) => {
      const failures: string[] = [];
      await Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) }).notify("hello");
      assert.deepEqual(failures, [
        'Notification via Lark failed: HTTP 500: {"error":"bad webhook [REDACTED]"}',
      ]);
    },
  );
});

/** Fails when any run of 8 characters of `secret` appears in `text`. */
function assertNoFragment(text: string, secret: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    assert.ok(!text.includes(piece), `"${piece}" of a token leaked in: ${text}`);
  }
}

Deno.test("a token echoed where the quoted answer is cut leaves no fragment (4xx, ok:false, non-zero code)", async () => {
  // Padding so that the 200-character cut falls inside the echoed token, whatever the JSON around it.
  for (let pad = 150; pad <= 200; pad += 5) {
    const filler = "x ".repeat(pad / 2);
    const answers: Array<[string, Handler]> = [
      [
        "4xx",
        (path) =>
          new Response(`${filler}${path.startsWith("/bot") ? TG_TOKEN : LARK_TOKEN} denied`, { status: 403 }),
      ],
      [
        "description",
        (path) =>
          path.startsWith("/bot")
            ? Response.json({ ok: false, description: `${filler}${TG_TOKEN} denied` })
            : Response.json({ code: 19001, msg: `${filler}${LARK_TOKEN} denied` }),
      ],
    ];
    for (const [what, handler] of answers) {
      await withServer(handler, async (base) => {
        const failures: string[] = [];
        await Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) }).notify("hello");
        assert.equal(failures.length, 2, `${what} pad ${pad}: ${failures.join(" | ")}`);
        for (const f of failures) {
          assertNoFragment(f, TG_TOKEN);
          assertNoFragment(f, LARK_TOKEN);
        }
      });
    }
  }
});

Deno.test("a channel that never answers fails after timeoutMs; the other channel is unaffected", async () => {
  const release = Promise.withResolvers<void>();
  try {
    await withServer(async (path) => {
      if (path.startsWith("/bot")) return tgOk();
      await release.promise;
      return larkOk();
    }, async (base, seen) => {
      const failures: string[] = [];
      const notifier = Notifier.fromEnv(env(base), { timeoutMs: 100, onFailure: (m) => failures.push(m) });
      const started = performance.now();
      await notifier.notify("hello");
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 90 && elapsed < 2000, `elapsed ${elapsed} ms`);
      assert.deepEqual(failures, ["Notification via Lark failed: no answer within 100 ms"]);
      assert.equal(seen.length, 2);
      release.resolve();
    });
  } finally {
    release.resolve();
  }
});

Deno.test("Telegram answering ok:false is a failure, with its description", async () => {
  const answers: Array<[Response, string | undefined]> = [
    [Response.json({ ok: false, description: "Bad Request: chat not found" }), ": chat not found"],
    [Response.json({ ok: false }), "Telegram answered without ok=true"],
    [new Response("not json"), "Telegram answered without ok=true"],
    [Response.json({ ok: true }), undefined],
  ];
  for (const [answer, expected] of answers) {
    await withServer((path) => path.startsWith("/bot") ? answer : larkOk(), async (base) => {
      const failures: string[] = [];
      await Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) }).notify("x");
      if (expected === undefined) {
        assert.deepEqual(failures, []);
      } else {
        assert.equal(failures.length, 1, expected);
        assert.ok(
          failures[0]!.startsWith("Notification via Telegram failed: Telegram answered without ok=true"),
        );
        assert.ok(failures[0]!.endsWith(expected), failures[0]);
      }
    });
  }
});

Deno.test("Lark answering a non-zero code is a failure; code 0 or a non-JSON 200 is delivered", async () => {
  const answers: Array<[() => Response, string | undefined]> = [
    [() => Response.json({ code: 1 }), "Notification via Lark failed: Lark answered code 1"],
    [
      () => Response.json({ code: 9499, msg: "Bad Request" }),
      "Notification via Lark failed: Lark answered code 9499: Bad Request",
    ],
    [() => Response.json({ code: 0, msg: "success" }), undefined],
    [() => Response.json({}), undefined],
    [() => new Response("ok"), undefined],
  ];
  for (const [answer, expected] of answers) {
    await withServer((path) => path.startsWith("/bot") ? tgOk() : answer(), async (base) => {
      const failures: string[] = [];
      await Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) }).notify("x");
      assert.deepEqual(failures, expected === undefined ? [] : [expected]);
    });
  }
});

Deno.test("connection refused fails without the token, although fetch quotes the URL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const failures: string[] = [];
  await Notifier.fromEnv(env(base), { onFailure: (m) => failures.push(m) }).notify("x");
  assert.equal(failures.length, 2);
  const sorted = failures.sort();
  assert.match(sorted[0]!, /^Notification via Lark failed: .*refused/i);
  assert.match(sorted[1]!, /^Notification via Telegram failed: .*refused/i);
  assertNoToken(failures);
});

Deno.test("the redactor is applied to the message text and to failure messages", async () => {
  const apiSecret = "0xdeadbeefcafebabe1234";
  await withServer(
    (path) => path.startsWith("/bot") ? tgOk() : new Response(`echo ${apiSecret}`, { status: 400 }),
    async (base, seen) => {
      const failures: string[] = [];
      const redactor = new Redactor([apiSecret]);
      await Notifier.fromEnv(env(base), { redactor, onFailure: (m) => failures.push(m) })
        .notify(`order failed, key ${apiSecret}`);
      const tg = seen.find((r) => r.path.startsWith("/bot"))!;
      assert.deepEqual(tg.body, { chat_id: "-100200300", text: "order failed, key [REDACTED]" });
      const lark = seen.find((r) => r.path.startsWith("/flow"))!;
      assert.deepEqual(lark.body, { msg_type: "text", content: { text: "order failed, key [REDACTED]" } });
      assert.deepEqual(failures, ["Notification via Lark failed: HTTP 400: echo [REDACTED]"]);
    },
  );
});

Deno.test("a channel that ignores its signal is abandoned after the timeout, and its late failure is dropped", async () => {
  const late = Promise.withResolvers<void>();
  const stubborn: Channel = {
    name: "Stubborn",
    send: async () => {
      await late.promise;
      throw new Error("too late to matter");
    },
  };
  const failures: string[] = [];
  const notifier = new Notifier([stubborn], { timeoutMs: 30, onFailure: (m) => failures.push(m) });
  await notifier.notify("x");
  assert.deepEqual(failures, ["Notification via Stubborn failed: no answer within 30 ms"]);
  late.resolve();
  // Let the abandoned send reject: an unhandled rejection would fail this test.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(failures.length, 1);
});

Deno.test("odd channel failures and a throwing onFailure never reject notify", async () => {
  const channels: Channel[] = [
    {
      name: "Sync",
      send: () => {
        throw new Error("thrown synchronously");
      },
    },
    { name: "NonError", send: () => Promise.reject("a plain string") },
    { name: "Fine", send: () => Promise.resolve() },
  ];
  const failures: string[] = [];
  await new Notifier(channels, { onFailure: (m) => failures.push(m) }).notify("x");
  assert.deepEqual(failures.sort(), [
    "Notification via NonError failed: a plain string",
    "Notification via Sync failed: thrown synchronously",
  ]);
  await new Notifier(channels, {
    onFailure: () => {
      throw new Error("logger broke");
    },
  }).notify("x");
});

Deno.test("a long message is cut to Telegram's limit on the wire", async () => {
  await withServer(answerOk, async (base, seen) => {
    await Notifier.fromEnv({ TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_CHAT_ID: "1", TELEGRAM_BASE_URL: base })
      .notify("e".repeat(5000));
    const text = (seen[0]!.body as { text: string }).text;
    assert.equal(text.length, TELEGRAM_MAX_TEXT);
    assert.ok(text.endsWith("e…"));
  });
});

Deno.test("fitTelegram table", () => {
  const pair = "😀"; // two UTF-16 code units
  const cases: Array<[string, number, string]> = [
    ["", 0, ""],
    ["short", 5, "short"],
    ["a".repeat(4096), 4096, "a"],
    ["a".repeat(4097), 4096, "…"],
    // a surrogate pair straddling the cut is dropped whole, never halved
    ["a".repeat(4094) + pair + "zz", 4095, "a…"],
    ["a".repeat(4093) + pair + "zz", 4096, `${pair}…`],
  ];
  for (const [input, length, tail] of cases) {
    const out = fitTelegram(input);
    assert.equal(out.length, length, `input length ${input.length}`);
    assert.ok(out.endsWith(tail), `input length ${input.length}: ends ${JSON.stringify(out.slice(-3))}`);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(out), "no lone high surrogate");
  }
});

Deno.test("withoutSecret removes the raw and the URL-encoded secret", () => {
  assert.equal(withoutSecret(`a ${TG_TOKEN} b`, TG_TOKEN), "a [REDACTED] b");
  assert.equal(withoutSecret(`a ${encodeURIComponent(TG_TOKEN)} b`, TG_TOKEN), "a [REDACTED] b");
  assert.equal(withoutSecret("nothing here", TG_TOKEN), "nothing here");
  assert.equal(withoutSecret("empty secret", ""), "empty secret");
});
