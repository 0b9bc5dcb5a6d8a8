/** The paper venue against the conformance suite: everything that needs no network. */
import { RealClock } from "../../bot/clock.ts";
import { paperMarketSpec } from "../../exchanges/paper/price_path.ts";
import { PaperVenue } from "../../exchanges/paper/venue.ts";
import { venueConformance } from "./conformance.ts";

const spec = paperMarketSpec("ETH");

venueConformance({
  name: "paper",
  expected: {
    ticker: "ETH",
    symbol: spec.symbol,
    tickSize: spec.tickSize.toString(),
    stepSize: spec.stepSize.toString(),
    minQuantity: spec.minQuantity.toString(),
  },
  startBid: "3000.00",
  capabilities: { socketFaults: false, httpFaults: false, fillDuringCancel: false, eventFaults: false },
  eventTimeoutMs: 2000,
  setup: () => {
    const clock = new RealClock();
    // In memory, and the market only moves when the test moves it.
    const venue = new PaperVenue({ ticker: "ETH", clock, seed: 7, driveMarket: false, eventLatencyMs: 1 });
    return Promise.resolve({
      venue,
      fake: {
        setQuote: (bid, ask) => venue.setQuote(bid, ask),
        forceFill: (orderId, quantity) => venue.forceFill(orderId, quantity),
        ordersWithClientId: (clientId) =>
          venue.engine.snapshot().orders.filter((o) => o.clientId === clientId).length,
      },
      // The venue delivers events after a short timer; let the last ones land before the sanitizers look.
      dispose: () => clock.sleep(10),
    });
  },
});
