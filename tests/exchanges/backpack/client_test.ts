/**
 * BackpackClient request budgets: how many requests a placement sends when the venue does not answer.
 */
import assert from "node:assert/strict";
import { RealClock } from "../../../bot/clock.ts";
import { BackpackClient } from "../../../exchanges/backpack/client.ts";
import { BackpackSigner } from "../../../exchanges/backpack/signer.ts";
import { Decimal } from "../../../exchanges/decimal.ts";
import { VenueUnavailableError } from "../../../exchanges/venue.ts";

const SECRET = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

/** A client whose every request is answered by `answer`, with the requests recorded as `METHOD path`. */
function clientAnswering(answer: (url: URL, method: string) => Response, attempts: number) {
  const seen: string[] = [];
  const fetchStub: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? "GET";
    seen.push(`${method} ${url.pathname}`);
    return Promise.resolve(answer(url, method));
  };
  const client = new BackpackClient({
    baseUrl: "http://127.0.0.1:9",
    signer: new BackpackSigner(SECRET),
    clock: new RealClock(),
    symbol: "SOL_USDC_PERP",
    fetch: fetchStub,
    attempts,
    baseDelayMs: 1,
    jitter: () => 0,
  });
  return { client, seen };
}

const ORDER = {
  side: "buy",
  price: new Decimal("150"),
  quantity: new Decimal("1"),
  postOnly: true,
  reduceOnly: false,
  clientId: "77",
} as const;

Deno.test("backpack client: a placement during an outage sends one request per attempt, lookups included", async () => {
  const { client, seen } = clientAnswering(
    () => new Response('{"code":"SERVER_ERROR","message":"down"}', { status: 503 }),
    3,
  );
  await assert.rejects(() => client.placeLimit(ORDER), VenueUnavailableError);
  // The first attempt places; the later ones only ask whether that placement landed, once each.
  assert.deepEqual(seen, ["POST /api/v1/order", "GET /api/v1/order", "GET /api/v1/order"]);
});

Deno.test("backpack client: after a lost answer the order found by client id is returned, not placed again", async () => {
  let posts = 0;
  const order = {
    id: "9001",
    clientId: 77,
    symbol: "SOL_USDC_PERP",
    side: "Bid",
    orderType: "Limit",
    price: "150",
    quantity: "1",
    executedQuantity: "0",
    executedQuoteQuantity: "0",
    status: "New",
    postOnly: true,
    reduceOnly: false,
    timeInForce: "GTC",
    createdAt: 1,
  };
  const { client, seen } = clientAnswering((url, method) => {
    if (method === "POST") {
      posts += 1;
      return new Response("bad gateway", { status: 502 });
    }
    if (url.pathname === "/api/v1/order" && url.searchParams.get("clientId") === "77") {
      return Response.json(order);
    }
    return Response.json({ code: "RESOURCE_NOT_FOUND", message: "Order not found" }, { status: 404 });
  }, 3);
  const result = await client.placeLimit(ORDER);
  assert.equal(result.kind, "accepted");
  if (result.kind === "accepted") assert.equal(result.order.orderId, "9001");
  assert.equal(posts, 1);
  assert.deepEqual(seen, ["POST /api/v1/order", "GET /api/v1/order"]);
});
