/** Fault helpers of the loopback fakes: a lost answer (with an outage after it) and a fill up to a quantity. */
import assert from "node:assert/strict";
import { RealClock } from "../../bot/clock.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import { jsonResponse, LoopbackServer, PaperBackend } from "./loopback.ts";

function backend(): PaperBackend {
  return new PaperBackend({
    spec: {
      ticker: "SOL",
      symbol: "SOL-PERP",
      tickSize: new Decimal("0.01"),
      stepSize: new Decimal("0.1"),
      minQuantity: new Decimal("0.1"),
      startMid: new Decimal("150"),
      volatilityPerSecond: 0,
      maxSpreadTicks: 1,
    },
    quote: { bid: new Decimal("150"), ask: new Decimal("150.01") },
  });
}

Deno.test("fillUpTo fills what is asked, at most what is left", async () => {
  const table: [fills: (string | undefined)[], filled: string][] = [
    [[undefined], "2"],
    [["0.5"], "0.5"],
    [["0.5", "0.7"], "1.2"],
    [["5"], "2"],
    [["1.5", undefined], "2"],
    [[undefined, "1"], "2"],
  ];
  for (const [fills, filled] of table) {
    const b = backend();
    const placed = b.placeLimit({
      side: "buy",
      price: new Decimal("149"),
      quantity: new Decimal("2"),
      postOnly: true,
      reduceOnly: false,
    });
    assert.equal(placed.kind, "accepted");
    const id = placed.kind === "accepted" ? placed.order.orderId : "";
    for (const f of fills) b.fillUpTo(id, f);
    assert.equal(b.order(id)!.filled.toString(), filled, fills.join(","));
    await b.close();
  }
});

Deno.test("loseNextAnswer applies the request, answers nothing, then keeps the venue unreachable a while", async () => {
  await using server = await LoopbackServer.start({ name: "test", clock: new RealClock() });
  let applied = 0;
  server.route("POST", "/order", () => {
    applied++;
    return jsonResponse({ ok: true });
  });
  server.route("GET", "/time", () => jsonResponse({ ok: true }));
  server.loseNextAnswer({ method: "POST", path: "/order" }, 1000);
  const lost = await fetch(`${server.httpUrl}/order`, { method: "POST", signal: AbortSignal.timeout(150) })
    .then(() => "answered", (e) => e.name);
  assert.equal(lost, "TimeoutError");
  assert.equal(applied, 1);
  const during = await fetch(`${server.httpUrl}/time`, { signal: AbortSignal.timeout(80) })
    .then(() => "answered", (e) => e.name);
  assert.equal(during, "TimeoutError");
  await new Promise((r) => setTimeout(r, 1000));
  const after = await fetch(`${server.httpUrl}/time`, { signal: AbortSignal.timeout(1000) });
  assert.deepEqual(await after.json(), { ok: true });
  const again = await fetch(`${server.httpUrl}/order`, { method: "POST", signal: AbortSignal.timeout(1000) });
  assert.deepEqual(await again.json(), { ok: true });
  assert.equal(applied, 2);
});
