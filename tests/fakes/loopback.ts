/**
 * The framework of loopback venue fakes: an HTTP + WebSocket server on 127.0.0.1 (port 0) with routing, a log
 * of every request and socket message, fault injection ({@link FaultPlan}), and {@link PaperBackend}, the
 * paper matching engine that every fake translates its wire protocol into, so fills follow one model.
 *
 * A fake for one venue registers its routes and its socket handler on a {@link LoopbackServer}, turns wire
 * requests into {@link PaperBackend} calls, and turns the backend's order updates into the venue's stream
 * messages. The test moves the market and forces fills through the backend, arms faults on the plan, and
 * reads the logs. {@link LoopbackServer.close} releases everything (sockets, hung requests, timers), so
 * Deno's test sanitizers stay on.
 * @module
 */
import type { Clock } from "../../bot/clock.ts";
import { RealClock, SleepAbortedError } from "../../bot/clock.ts";
import { Decimal, ZERO } from "../../exchanges/decimal.ts";
import {
  DEFAULT_FEES,
  type FeeSchedule,
  freshPaperState,
  PaperEngine,
  type PaperState,
} from "../../exchanges/paper/engine.ts";
import type { PaperMarketSpec } from "../../exchanges/paper/price_path.ts";
import type {
  LimitOrderRequest,
  MarketOrderRequest,
  OrderSnapshot,
  PlaceResult,
  Side,
} from "../../exchanges/venue.ts";
import { FaultPlan, type FaultRule, type HttpFault, type RequestInfo, type RequestMatch } from "./faults.ts";

/** One HTTP request the fake received, and how it answered. */
export interface RequestRecord extends RequestInfo {
  /** Arrival order, from 1. */
  readonly seq: number;
  /** Arrival time on the fake's clock, ms. */
  readonly time: number;
  /** Status sent; `undefined` while unanswered, and for ever when a fault swallowed the answer. */
  status: number | undefined;
  /** The injected fault that shaped the answer, if any (`status 429`, `hang`, `hang after apply`, …). */
  fault: string | undefined;
}

/** One WebSocket message, either way. */
export interface SocketMessageRecord {
  /** The session it went through. */
  readonly session: number;
  readonly direction: "in" | "out";
  readonly data: string;
  readonly time: number;
}

/** A request as a route handler sees it: the body is already read. */
export interface FakeRequest extends RequestInfo {
  readonly url: URL;
  /** Query parameters in arrival order (repeated keys kept). */
  readonly searchParams: URLSearchParams;
  readonly rawHeaders: Headers;
  readonly record: RequestRecord;
}

/** Answers one request. */
export type RouteHandler = (req: FakeRequest) => Response | Promise<Response>;

/** One WebSocket connection to the fake. */
export interface SocketSession {
  /** Connection number, from 1. */
  readonly id: number;
  /** The URL the client connected to (its path names the stream or key on some venues). */
  readonly url: URL;
  /** True until the socket closes. */
  readonly open: boolean;
  /** A silent session stays open but sends nothing and ignores what it receives. */
  readonly silent: boolean;
  /** Per-session state of the fake (its subscriptions, typically). */
  readonly state: Map<string, unknown>;
  /** Sends text or JSON; returns false when the session is closed or silent. */
  send(data: string | object): boolean;
  /** Closes the socket from the server side. */
  close(code?: number, reason?: string): void;
}

/** What a fake does with its WebSocket connections. */
export interface SocketHandler {
  onOpen?(session: SocketSession): void;
  onMessage?(session: SocketSession, data: string): void;
  onClose?(session: SocketSession): void;
}

/** How to start a {@link LoopbackServer}. */
export interface LoopbackOptions {
  /** Venue name, for messages. */
  readonly name: string;
  /** Time of the log and of injected delays; default the real clock. */
  readonly clock?: Clock;
  /** The fault plan consulted for every request; a fresh one by default. */
  readonly faults?: FaultPlan<unknown>;
  /** Body of an injected error status, in the venue's error format. */
  readonly errorBody?: (status: number) => string;
  /** Answer to a request no route matches; default 404 with {@link LoopbackOptions.errorBody}. */
  readonly notFound?: RouteHandler;
  /**
   * Headers added to every HTTP answer, injected faults included (a venue's rate-limit counters, say); called
   * once the request is recorded and before it is handled.
   */
  readonly responseHeaders?: (record: RequestRecord) => Record<string, string>;
}

/** Where a fake accepts WebSocket upgrades: one exact path, or every path that starts with `prefix`. */
export type SocketPath = string | { readonly prefix: string };

/** Turns JSON into a response with the venue's content type. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly handler: RouteHandler;
}

class Session implements SocketSession {
  open = false;
  silent = false;
  readonly state = new Map<string, unknown>();
  readonly closed = Promise.withResolvers<void>();
  constructor(
    readonly id: number,
    readonly url: URL,
    readonly socket: WebSocket,
    readonly log: (direction: "in" | "out", data: string) => void,
  ) {}
  send(data: string | object): boolean {
    if (!this.open || this.silent || this.socket.readyState !== WebSocket.OPEN) return false;
    const text = typeof data === "string" ? data : JSON.stringify(data);
    this.socket.send(text);
    this.log("out", text);
    return true;
  }
  close(code = 1000, reason = ""): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.open = false;
      try {
        this.socket.close(code, reason);
      } catch {
        // Already closing: nothing left to do.
      }
    }
  }
}

/** An HTTP + WebSocket server on 127.0.0.1, port 0, with routing, logs and fault injection. */
export class LoopbackServer {
  /** Venue name, for messages. */
  readonly name: string;
  /** Time of the logs and of injected delays. */
  readonly clock: Clock;
  /** Consulted for every request and upgrade. */
  readonly faults: FaultPlan<unknown>;
  /** Every HTTP request, in arrival order (WebSocket upgrades excluded). */
  readonly requests: RequestRecord[] = [];
  /** Every WebSocket message, both ways. */
  readonly socketMessages: SocketMessageRecord[] = [];
  readonly #routes: Route[] = [];
  #socketPath: SocketPath | undefined;
  #socketHandler: SocketHandler = {};
  readonly #sessions = new Set<Session>();
  #sessionCount = 0;
  readonly #stopping = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #errorBody: (status: number) => string;
  readonly #notFound: RouteHandler | undefined;
  readonly #responseHeaders: ((record: RequestRecord) => Record<string, string>) | undefined;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #port = 0;
  #closed = false;

  private constructor(options: LoopbackOptions) {
    this.name = options.name;
    this.clock = options.clock ?? new RealClock();
    this.faults = options.faults ?? new FaultPlan();
    this.#errorBody = options.errorBody ??
      ((status) => JSON.stringify({ error: `injected HTTP ${status}` }));
    this.#notFound = options.notFound;
    this.#responseHeaders = options.responseHeaders;
  }

  /** Starts a server on 127.0.0.1 with a free port. */
  static async start(options: LoopbackOptions): Promise<LoopbackServer> {
    const server = new LoopbackServer(options);
    const listening = Promise.withResolvers<number>();
    server.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening.resolve(port) },
      (req) => server.#handle(req),
    );
    server.#port = await listening.promise;
    return server;
  }

  /** The TCP port. */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** `ws://127.0.0.1:<port>`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** Answers `method path` with `handler`. */
  route(method: string, path: string, handler: RouteHandler): this {
    this.#routes.push({ method: method.toUpperCase(), path, handler });
    return this;
  }

  /**
   * Accepts WebSocket upgrades on `path` (exact, or `{ prefix }` for every path under it) and hands the
   * connections to `handler`; {@link SocketSession.url} tells which path a connection asked for.
   */
  websocket(path: SocketPath, handler: SocketHandler): this {
    this.#socketPath = path;
    this.#socketHandler = handler;
    return this;
  }

  /** The open WebSocket sessions. */
  sessions(): SocketSession[] {
    return [...this.#sessions].filter((s) => s.open);
  }

  /** Number of WebSocket connections accepted so far. */
  get sessionCount(): number {
    return this.#sessionCount;
  }

  /** Requests matching `method` and `path`, in arrival order. */
  requestsTo(method: string, path: string): RequestRecord[] {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.path === path);
  }

  /**
   * Closes every open socket (or those `which` selects) from the server side: a dropped connection. The
   * default code 1001 "going away" is what a restarting venue sends.
   */
  dropSockets(which: (s: SocketSession) => boolean = () => true, code = 1001): number {
    let n = 0;
    for (const s of this.#sessions) {
      if (!s.open || !which(s)) continue;
      s.close(code, "dropped by the fake");
      n++;
    }
    return n;
  }

  /** Makes every open socket (or those `which` selects) silent: open, but no traffic either way. */
  silenceSockets(which: (s: SocketSession) => boolean = () => true): number {
    let n = 0;
    for (const s of this.#sessions) {
      if (!s.open || !which(s)) continue;
      s.silent = true;
      n++;
    }
    return n;
  }

  /** Sends `data` to every open, non-silent session `which` selects; returns how many got it. */
  broadcast(data: string | object, which: (s: SocketSession) => boolean = () => true): number {
    let n = 0;
    for (const s of this.#sessions) if (s.open && which(s) && s.send(data)) n++;
    return n;
  }

  /** Stops the server: closes the sockets, releases hung requests and waits for every handler. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopping.abort();
    for (const s of this.#sessions) s.close(1001, "fake stopping");
    // A client that never completes the closing handshake must not keep the test waiting for ever.
    const grace = new AbortController();
    await Promise.race([
      Promise.all([...this.#sessions].map((s) => s.closed.promise)),
      this.clock.sleep(1000, grace.signal).catch(() => {}),
    ]);
    grace.abort();
    await Promise.allSettled([...this.#inFlight]);
    await this.#server?.shutdown();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The next request matching `match` is applied, and its answer never arrives. With `unreachableMs`, every
   * request after it goes unanswered too until that much time has passed (an outage outlasting a client's
   * retries).
   */
  loseNextAnswer(match: RequestMatch, unreachableMs = 0): FaultRule<HttpFault> {
    return this.faults.hang(match, {
      apply: true,
      then: () => {
        if (unreachableMs <= 0) return;
        const outage = this.faults.outage();
        void this.pause(unreachableMs).then(() => outage.cancel());
      },
    });
  }

  /** Resolves after `ms` on the fake's clock, or when the server stops. */
  async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.#stopping.signal.aborted) return;
    try {
      await this.clock.sleep(ms, this.#stopping.signal);
    } catch (e) {
      if (!(e instanceof SleepAbortedError)) throw e;
    }
  }

  #handle(req: Request): Promise<Response> {
    const work = this.#handleInner(req);
    this.#inFlight.add(work);
    work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }

  async #handleInner(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") return this.#upgrade(req, url);
    const body = await req.text();
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const record: RequestRecord = {
      seq: this.requests.length + 1,
      method: req.method.toUpperCase(),
      path: url.pathname,
      query,
      headers,
      body,
      time: this.clock.now(),
      status: undefined,
      fault: undefined,
    };
    this.requests.push(record);
    const extraHeaders = this.#responseHeaders?.(record) ?? {};
    const fakeReq: FakeRequest = {
      ...record,
      url,
      searchParams: url.searchParams,
      rawHeaders: req.headers,
      record,
    };

    const decision = this.faults.decide(record);
    if (decision.latencyMs > 0) await this.pause(decision.latencyMs);
    const fault = decision.fault;
    let response: Response;
    switch (fault?.kind) {
      case "delay":
        record.fault = `delay ${fault.ms} ms`;
        await this.pause(fault.ms);
        response = await this.#dispatch(fakeReq);
        break;
      case "status": {
        record.fault = fault.applyAfterMs === undefined
          ? `status ${fault.status}`
          : `status ${fault.status}, applied ${fault.applyAfterMs} ms later`;
        if (fault.applyAfterMs !== undefined) {
          const later = this.pause(fault.applyAfterMs).then(async () => {
            if (this.#stopping.signal.aborted) return;
            const applied = await this.#dispatch(fakeReq);
            await applied.body?.cancel();
          });
          this.#inFlight.add(later);
          later.finally(() => this.#inFlight.delete(later)).catch(() => {});
        }
        const extra: Record<string, string> = {};
        if (fault.retryAfter !== undefined) extra["retry-after"] = fault.retryAfter;
        response = new Response(fault.body ?? this.#errorBody(fault.status), {
          status: fault.status,
          headers: { "content-type": "application/json; charset=utf-8", ...extra },
        });
        break;
      }
      case "hang": {
        record.fault = fault.apply ? "hang after apply" : "hang";
        if (fault.apply) {
          const applied = await this.#dispatch(fakeReq);
          await applied.body?.cancel();
        }
        fault.then?.();
        // Held until the fake stops; the client has given up by then.
        await this.#untilStopped();
        return new Response(null, { status: 504 });
      }
      case "before":
        record.fault = "action before handling";
        await fault.action(record);
        response = await this.#dispatch(fakeReq);
        break;
      default:
        response = await this.#dispatch(fakeReq);
    }
    for (const [k, v] of Object.entries(extraHeaders)) response.headers.set(k, v);
    record.status = response.status;
    return response;
  }

  async #dispatch(req: FakeRequest): Promise<Response> {
    const route = this.#routes.find((r) => r.method === req.method && r.path === req.path);
    try {
      if (route !== undefined) return await route.handler(req);
      if (this.#notFound !== undefined) return await this.#notFound(req);
      return new Response(this.#errorBody(404), { status: 404 });
    } catch (e) {
      // A bug in a fake must surface as a failing test, not as a hung request.
      console.error(`${this.name} fake: handler for ${req.method} ${req.path} threw`, e);
      return new Response(this.#errorBody(500), { status: 500 });
    }
  }

  #untilStopped(): Promise<void> {
    const stopping = this.#stopping.signal;
    return new Promise((resolve) => {
      if (stopping.aborted) return resolve();
      stopping.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  #acceptsSocketPath(path: string): boolean {
    const want = this.#socketPath;
    if (want === undefined) return false;
    return typeof want === "string" ? path === want : path.startsWith(want.prefix);
  }

  #upgrade(req: Request, url: URL): Response {
    if (this.#closed || !this.#acceptsSocketPath(url.pathname)) {
      return new Response(this.#errorBody(404), { status: 404 });
    }
    const refused = this.faults.refuseUpgrade();
    if (refused !== undefined) return new Response(this.#errorBody(refused), { status: refused });
    const { socket, response } = Deno.upgradeWebSocket(req);
    const id = ++this.#sessionCount;
    const session = new Session(id, url, socket, (direction, data) => {
      this.socketMessages.push({ session: id, direction, data, time: this.clock.now() });
    });
    this.#sessions.add(session);
    socket.onopen = () => {
      session.open = true;
      if (this.#closed) return session.close(1001, "fake stopping");
      this.#socketHandler.onOpen?.(session);
    };
    socket.onmessage = (ev) => {
      if (session.silent || !session.open) return;
      const data = typeof ev.data === "string" ? ev.data : "";
      this.socketMessages.push({ session: id, direction: "in", data, time: this.clock.now() });
      try {
        this.#socketHandler.onMessage?.(session, data);
      } catch (e) {
        console.error(`${this.name} fake: socket handler threw`, e);
      }
    };
    const finish = () => {
      if (!this.#sessions.has(session)) return;
      session.open = false;
      this.#sessions.delete(session);
      this.#socketHandler.onClose?.(session);
      session.closed.resolve();
    };
    socket.onclose = finish;
    socket.onerror = () => {
      // An error is followed by close; nothing to do here but keep it from becoming an uncaught event.
    };
    return response;
  }
}

/** One order the backend ever accepted, as the test sees it. */
export interface BackendOrder {
  /** The engine's id (`P7`); venues map it to their own ids. */
  readonly orderId: string;
  /** The client id the venue received, or `undefined` when none was sent. */
  readonly clientId: string | undefined;
  readonly side: Side;
  readonly market: boolean;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Time it was accepted, on the backend's clock. */
  readonly placedAt: number;
  /** Its latest state. */
  readonly last: OrderSnapshot;
}

/** Called with every batch of order updates the engine produces, in order. */
export type BackendListener = (updates: readonly OrderSnapshot[]) => void;

/** Called after every change of the best bid and ask. */
export type QuoteListener = (quote: { readonly bid: Decimal; readonly ask: Decimal }) => void;

/** How to build a {@link PaperBackend}. */
export interface PaperBackendOptions {
  readonly spec: PaperMarketSpec;
  /** Default: the real clock. */
  readonly clock?: Clock;
  readonly seed?: number;
  readonly fees?: FeeSchedule;
  /** Starting best bid and ask; default the spec's start mid, one tick wide. */
  readonly quote?: { readonly bid: Decimal; readonly ask: Decimal };
}

/**
 * The paper engine behind a fake: one account on one market, driven by wire requests and by the test.
 *
 * Client ids are the venue's business (some venues deduplicate them, some do not), so the engine never sees
 * them: every order gets a unique engine client id and the venue's id is kept next to it.
 */
export class PaperBackend {
  /** The market's rules. */
  readonly spec: PaperMarketSpec;
  /** Time of orders and fills. */
  readonly clock: Clock;
  /** The matching engine; reach for it only for what the methods below do not offer. */
  readonly engine: PaperEngine;
  readonly #orders = new Map<string, BackendOrder>();
  readonly #listeners = new Set<BackendListener>();
  readonly #quoteListeners = new Set<QuoteListener>();
  #seq = 0;
  #market: AbortController | undefined;
  #marketLoop: Promise<void> | undefined;

  constructor(options: PaperBackendOptions) {
    this.spec = options.spec;
    this.clock = options.clock ?? new RealClock();
    const state: PaperState = freshPaperState(options.spec, options.seed ?? 1, this.clock.now());
    if (options.quote !== undefined) {
      state.bid = options.quote.bid.toString();
      state.ask = options.quote.ask.toString();
    }
    this.engine = new PaperEngine(options.spec, state, options.fees ?? DEFAULT_FEES);
  }

  /** Receives every order update; returns the unsubscribe function. */
  onUpdates(listener: BackendListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Receives every change of the quote; returns the unsubscribe function. */
  onQuote(listener: QuoteListener): () => void {
    this.#quoteListeners.add(listener);
    return () => this.#quoteListeners.delete(listener);
  }

  /** Best bid and ask. */
  quote(): { bid: Decimal; ask: Decimal } {
    return this.engine.quote();
  }

  /** Signed position. */
  position(): Decimal {
    return this.engine.position();
  }

  /** Places a limit order; `clientId` is the venue's, kept beside the order. */
  placeLimit(req: Omit<LimitOrderRequest, "clientId"> & { clientId?: string | undefined }): PlaceResult {
    const now = this.clock.now();
    const { result, events } = this.engine.placeLimit({ ...req, clientId: this.#engineClientId() }, now);
    if (result.kind === "accepted") this.#remember(result.order, req.clientId, false, req, now);
    this.#publish(events);
    return result.kind === "accepted" ? { kind: "accepted", order: this.#venueView(result.order) } : result;
  }

  /** Places a market order; it fills at the touch at once (or is rejected). */
  placeMarket(req: Omit<MarketOrderRequest, "clientId"> & { clientId?: string | undefined }): OrderSnapshot {
    const now = this.clock.now();
    const { order, events } = this.engine.placeMarket({ ...req, clientId: this.#engineClientId() }, now);
    // A rejected market order never existed on the venue: it is neither recorded nor streamed.
    if (order.status === "REJECTED") return this.#venueView(order, req.clientId);
    this.#remember(order, req.clientId, true, { ...req, postOnly: false }, now);
    this.#publish(events);
    return this.#venueView(order);
  }

  /** Cancels an order; `undefined` for an unknown order. A finished order comes back unchanged. */
  cancel(orderId: string): OrderSnapshot | undefined {
    const { order, events } = this.engine.cancel(orderId, this.clock.now());
    this.#publish(events);
    return order === undefined ? undefined : this.#venueView(order);
  }

  /** One order, with the venue's client id. */
  order(orderId: string): OrderSnapshot | undefined {
    const o = this.engine.order(orderId);
    return o === undefined ? undefined : this.#venueView(o);
  }

  /** Working orders, with the venue's client ids. */
  openOrders(): OrderSnapshot[] {
    return this.engine.openOrders().map((o) => this.#venueView(o));
  }

  /** Every order ever accepted (rejected post-only orders never exist), oldest first. */
  orders(): BackendOrder[] {
    return [...this.#orders.values()];
  }

  /** The record of one order. */
  record(orderId: string): BackendOrder | undefined {
    return this.#orders.get(orderId);
  }

  /** Orders that carried `clientId`. */
  ordersWithClientId(clientId: string): BackendOrder[] {
    return this.orders().filter((o) => o.clientId === clientId);
  }

  /** Moves the market: resting orders the new quote reaches fill in full at their price. */
  setQuote(bid: Decimal, ask: Decimal): OrderSnapshot[] {
    const events = this.engine.setQuote(bid, ask, this.clock.now());
    this.#publishQuote();
    this.#publish(events);
    return events.map((e) => this.#venueView(e));
  }

  /** Fills `quantity` of a resting order at its price (a partial fill when less than what is left). */
  forceFill(orderId: string, quantity: Decimal): OrderSnapshot[] {
    if (quantity.lte(ZERO)) throw new RangeError(`A forced fill must be > 0, got ${quantity}`);
    const events = this.engine.forceFill(orderId, quantity, this.clock.now());
    this.#publish(events);
    return events.map((e) => this.#venueView(e));
  }

  /** Fills `quantity` of a resting order, at most what is left (default: all of it); nothing when none is. */
  fillUpTo(orderId: string, quantity?: Decimal | string): void {
    const o = this.order(orderId)!;
    const left = o.quantity.minus(o.filled);
    const qty = quantity === undefined ? left : Decimal.min(new Decimal(quantity), left);
    if (qty.gt(0)) this.forceFill(orderId, qty);
  }

  /** Moves the market on its own (random walk) every `stepMs`, until {@link close}. */
  startMarket(stepMs: number): void {
    if (this.#market !== undefined) return;
    const stop = new AbortController();
    this.#market = stop;
    this.#marketLoop = (async () => {
      try {
        while (!stop.signal.aborted) {
          await this.clock.sleep(stepMs, stop.signal);
          const before = this.engine.quote();
          const events = this.engine.advanceTo(this.clock.now(), stepMs);
          const after = this.engine.quote();
          if (!before.bid.eq(after.bid) || !before.ask.eq(after.ask)) this.#publishQuote();
          this.#publish(events);
        }
      } catch (e) {
        if (!(e instanceof SleepAbortedError)) throw e;
      }
    })();
  }

  /** Stops the market loop, if any. */
  async close(): Promise<void> {
    this.#market?.abort();
    await this.#marketLoop;
    this.#listeners.clear();
    this.#quoteListeners.clear();
  }

  #publishQuote(): void {
    const quote = this.engine.quote();
    for (const listener of this.#quoteListeners) listener(quote);
  }

  #engineClientId(): string {
    return `engine-${++this.#seq}`;
  }

  #remember(
    order: OrderSnapshot,
    clientId: string | undefined,
    market: boolean,
    req: { side: Side; postOnly: boolean; reduceOnly: boolean },
    now: number,
  ): void {
    this.#orders.set(order.orderId, {
      orderId: order.orderId,
      clientId,
      side: req.side,
      market,
      postOnly: req.postOnly,
      reduceOnly: req.reduceOnly,
      placedAt: now,
      last: this.#venueView(order, clientId),
    });
  }

  #venueView(o: OrderSnapshot, clientId?: string): OrderSnapshot {
    const cid = clientId ?? this.#orders.get(o.orderId)?.clientId;
    const { clientId: _engineId, ...rest } = o;
    return cid === undefined ? rest : { ...rest, clientId: cid };
  }

  #publish(events: readonly OrderSnapshot[]): void {
    if (events.length === 0) return;
    const views = events.map((e) => this.#venueView(e));
    for (const v of views) {
      const rec = this.#orders.get(v.orderId);
      if (rec !== undefined) this.#orders.set(v.orderId, { ...rec, last: v });
    }
    for (const listener of this.#listeners) listener(views);
  }
}
