/** The streamed best bid/ask: latest quote, wait for the first one, and when the venue may answer from it. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../bot/clock.ts";
import { BboFeed, type BboSource, recentBbo } from "../../exchanges/bbo_feed.ts";
import { Decimal } from "../../exchanges/decimal.ts";
import type { Bbo } from "../../exchanges/venue.ts";

const quote = (bid: string, ask: string): Bbo => ({ bid: new Decimal(bid), ask: new Decimal(ask) });

Deno.test("update keeps the latest quote with its arrival time", async () => {
  const clock = new VirtualClock();
  const feed = new BboFeed(clock);
  const before = feed.latest;
  assert.equal(before, undefined);
  feed.update(quote("1", "2"));
  await clock.sleep(300);
  const second = quote("1.5", "2.5");
  feed.update(second);
  assert.equal(feed.latest?.bbo, second);
  assert.equal(feed.latest?.at, clock.now());
});

Deno.test("first waits for a quote, at most its timeout, or until closed", async () => {
  const table: [
    quoteAfterMs: number | undefined,
    closeAfterMs: number | undefined,
    waitedMs: number,
    got: boolean,
  ][] = [
    [undefined, undefined, 1000, false],
    [200, undefined, 200, true],
    [1500, undefined, 1000, false],
    [undefined, 300, 300, false],
  ];
  for (const [quoteAfterMs, closeAfterMs, waitedMs, got] of table) {
    const clock = new VirtualClock();
    const start = clock.now();
    const feed = new BboFeed(clock);
    const q = quote("10", "11");
    if (quoteAfterMs !== undefined) void clock.sleep(quoteAfterMs).then(() => feed.update(q));
    if (closeAfterMs !== undefined) void clock.sleep(closeAfterMs).then(() => feed.close());
    const first = await feed.first(1000);
    const label = `quote after ${quoteAfterMs}, close after ${closeAfterMs}`;
    assert.equal(clock.now() - start, waitedMs, label);
    assert.equal(first, got ? q : undefined, label);
  }
});

Deno.test("first answers at once when a quote is there", async () => {
  const clock = new VirtualClock();
  const feed = new BboFeed(clock);
  const q = quote("10", "11");
  feed.update(q);
  assert.equal(await feed.first(1000), q);
  assert.equal(clock.pending, 0);
});

Deno.test("recentBbo: only a connected stream's quote within the age limit", () => {
  const q = quote("10", "11");
  const table: [stream: BboSource | undefined, now: number, quoted: boolean][] = [
    [undefined, 0, false],
    [{ bbo: undefined, connected: true }, 0, false],
    [{ bbo: { bbo: q, at: 1000 }, connected: false }, 1000, false],
    [{ bbo: { bbo: q, at: 1000 }, connected: true }, 1000, true],
    [{ bbo: { bbo: q, at: 1000 }, connected: true }, 6000, true],
    [{ bbo: { bbo: q, at: 1000 }, connected: true }, 6001, false],
  ];
  for (const [stream, now, quoted] of table) {
    assert.equal(recentBbo(stream, now, 5000), quoted ? q : undefined, `${JSON.stringify(stream)} at ${now}`);
  }
});
