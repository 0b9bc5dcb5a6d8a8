/**
 * Scriptable fault injection for loopback venue fakes.
 *
 * A {@link FaultPlan} holds rules that a test arms before it acts: HTTP faults matched per request (added
 * latency, a status such as 429 with `Retry-After` or a 5xx, a request that never answers (optionally
 * after it was applied), or an action run between the request's arrival and its handling, such as a fill
 * that lands while a cancel is in flight), refused WebSocket upgrades, and faults on the venue's order
 * events (dropped, duplicated, reordered). Socket faults that act at once (close every socket, make them
 * go silent) live on the server, which owns the sockets; see `loopback.ts`.
 *
 * Rules are consumed in the order they were armed; each fires `times` times (default once).
 * @module
 */

/** What an HTTP fault rule is matched against: one received request. */
export interface RequestInfo {
  readonly method: string;
  /** URL path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Which requests a rule applies to. Every given field must match; an empty match takes every request. */
export interface RequestMatch {
  /** HTTP method, upper case. */
  readonly method?: string;
  /** Exact path, or a pattern tested against the path. */
  readonly path?: string | RegExp;
  /** Any further condition (for example on the body). */
  readonly where?: (req: RequestInfo) => boolean;
}

/** One injected HTTP fault. */
export type HttpFault =
  /** Answer normally, `ms` later. */
  | { readonly kind: "delay"; readonly ms: number }
  /**
   * Answer with `status` instead of handling the request (429, 500, 503…). `retryAfter` is sent verbatim
   * as the `Retry-After` header (seconds, fractions allowed, or an HTTP date); `body` defaults to the fake's
   * error body for that status.
   */
  | {
    readonly kind: "status";
    readonly status: number;
    readonly retryAfter?: string;
    readonly body?: string;
    /**
     * The request still takes effect, this many ms after the answer was sent (a venue that answers "unknown
     * status" while the request waits in its queue). Its own answer is then discarded.
     */
    readonly applyAfterMs?: number;
  }
  /**
   * Never answer: the request stays open until the fake stops (the client times out long before). With
   * `apply` the request is handled first (an order is placed, a cancel done) and only the answer is lost.
   */
  | {
    readonly kind: "hang";
    readonly apply?: boolean;
    /** Runs once the request is held (after it was applied, with `apply`): start an outage, for example. */
    readonly then?: () => void;
  }
  /** Run `action` after the request arrived and before it is handled (a fill racing a cancel). */
  | { readonly kind: "before"; readonly action: (req: RequestInfo) => void | Promise<void> };

/** An armed rule, returned so a test can see whether it fired. */
export interface FaultRule<F> {
  readonly fault: F;
  /** Fires left; `Infinity` for a standing rule. */
  readonly remaining: number;
  /** How many times it fired. */
  readonly fired: number;
  /** Disarms the rule. */
  cancel(): void;
}

class Rule<F> implements FaultRule<F> {
  remaining: number;
  fired = 0;
  constructor(
    readonly match: RequestMatch,
    readonly fault: F,
    times: number,
    readonly onCancel: (rule: Rule<F>) => void,
  ) {
    if (!(times >= 1)) throw new RangeError(`A fault rule must fire at least once, got times=${times}`);
    this.remaining = times;
  }
  cancel(): void {
    this.onCancel(this);
  }
}

/** True when `req` satisfies every condition of `match`. */
export function matchesRequest(match: RequestMatch, req: RequestInfo): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (match.path !== undefined) {
    if (typeof match.path === "string" ? match.path !== req.path : !match.path.test(req.path)) return false;
  }
  return match.where === undefined || match.where(req);
}

/** The faults that apply to one request: a standing delay, then at most one one-off fault. */
export interface HttpFaultDecision {
  /** Sum of the standing latency rules that match, ms. */
  readonly latencyMs: number;
  /** The first armed one-off fault that matches, consumed. */
  readonly fault: HttpFault | undefined;
}

/** Faults on a stream of messages (order events): a pipeline stage the fake sends every message through. */
export type MessageFaultKind = "drop" | "duplicate" | "reorder";

/**
 * Drops, duplicates or reorders messages of type `T`.
 *
 * `reorder` holds the matching message back and releases it right after the next message that passes, so the
 * two arrive swapped; a held message still waiting when the stage is flushed is released then.
 */
export class MessageFaults<T> {
  #rules: Rule<MessageFaultKind>[] = [];
  #held: T[] = [];
  #matchers = new WeakMap<Rule<MessageFaultKind>, (message: T) => boolean>();

  /** Arms a rule for the next `times` messages that satisfy `where` (default: every message). */
  arm(kind: MessageFaultKind, options: { where?: (message: T) => boolean; times?: number } = {}): FaultRule<
    MessageFaultKind
  > {
    const rule = new Rule<MessageFaultKind>({}, kind, options.times ?? 1, (r) => this.#remove(r));
    this.#matchers.set(rule, options.where ?? (() => true));
    this.#rules.push(rule);
    return rule;
  }

  /** Drops the next `times` matching messages. */
  drop(where?: (message: T) => boolean, times = 1): FaultRule<MessageFaultKind> {
    return this.arm("drop", where === undefined ? { times } : { where, times });
  }

  /** Sends the next `times` matching messages twice. */
  duplicate(where?: (message: T) => boolean, times = 1): FaultRule<MessageFaultKind> {
    return this.arm("duplicate", where === undefined ? { times } : { where, times });
  }

  /** Swaps the next matching message with the one after it. */
  reorder(where?: (message: T) => boolean, times = 1): FaultRule<MessageFaultKind> {
    return this.arm("reorder", where === undefined ? { times } : { where, times });
  }

  /** Messages held back by a `reorder` rule and not yet released. */
  get held(): readonly T[] {
    return this.#held;
  }

  /** The messages to send in place of `message`, in order. */
  process(message: T): T[] {
    const rule = this.#rules.find((r) => this.#matchers.get(r)!(message));
    let out: T[] = [message];
    if (rule !== undefined) {
      this.#consume(rule);
      switch (rule.fault) {
        case "drop":
          out = [];
          break;
        case "duplicate":
          out = [message, message];
          break;
        case "reorder":
          this.#held.push(message);
          return [];
      }
    }
    if (out.length > 0 && this.#held.length > 0) {
      out = [...out, ...this.#held];
      this.#held = [];
    }
    return out;
  }

  /** Releases every held message (for example before the fake stops). */
  flush(): T[] {
    const out = this.#held;
    this.#held = [];
    return out;
  }

  /** Disarms every rule and forgets held messages. */
  clear(): void {
    this.#rules = [];
    this.#held = [];
  }

  #consume(rule: Rule<MessageFaultKind>): void {
    rule.fired++;
    rule.remaining--;
    if (rule.remaining <= 0) this.#remove(rule);
  }

  #remove(rule: Rule<MessageFaultKind>): void {
    this.#rules = this.#rules.filter((r) => r !== rule);
    rule.remaining = 0;
  }
}

/**
 * The faults of one fake, armed by the test.
 *
 * The fake's server asks {@link FaultPlan.decide} for every HTTP request and {@link FaultPlan.refuseUpgrade}
 * for every WebSocket upgrade; the fake sends its order events through {@link FaultPlan.events}.
 */
export class FaultPlan<E = unknown> {
  #http: Rule<HttpFault>[] = [];
  #latency: Rule<number>[] = [];
  #refusals: Rule<number>[] = [];
  /** Faults on the order events the fake streams. */
  readonly events: MessageFaults<E> = new MessageFaults<E>();

  /** Arms `fault` for the next `times` requests matching `match`. */
  http(match: RequestMatch, fault: HttpFault, times = 1): FaultRule<HttpFault> {
    if (fault.kind === "delay" && !(fault.ms >= 0)) {
      throw new RangeError(`A delay must be >= 0 ms, got ${fault.ms}`);
    }
    if (fault.kind === "status" && !(fault.status >= 100 && fault.status <= 599)) {
      throw new RangeError(`An HTTP status must be in 100..599, got ${fault.status}`);
    }
    const rule = new Rule(match, fault, times, (r) => {
      this.#http = this.#http.filter((x) => x !== r);
      r.remaining = 0;
    });
    this.#http.push(rule);
    return rule;
  }

  /** Adds `ms` to every matching request until cancelled (standing latency). */
  latency(ms: number, match: RequestMatch = {}): FaultRule<number> {
    if (!(ms >= 0)) throw new RangeError(`Latency must be >= 0 ms, got ${ms}`);
    const rule = new Rule(match, ms, Infinity, (r) => {
      this.#latency = this.#latency.filter((x) => x !== r);
      r.remaining = 0;
    });
    this.#latency.push(rule);
    return rule;
  }

  /** Answers the next `times` matching requests with 429 and `Retry-After: <seconds>`. */
  rateLimit(match: RequestMatch, retryAfterSeconds: number, times = 1): FaultRule<HttpFault> {
    if (!(retryAfterSeconds >= 0)) {
      throw new RangeError(`Retry-After must be >= 0 seconds, got ${retryAfterSeconds}`);
    }
    return this.http(match, { kind: "status", status: 429, retryAfter: String(retryAfterSeconds) }, times);
  }

  /**
   * The next matching request is answered at once with `status` (default 503) and an optional venue error
   * `body`, and executed anyway `applyAfterMs` later: the answer said nothing about what happened.
   */
  lateExecution(
    match: RequestMatch,
    applyAfterMs: number,
    status = 503,
    body?: string,
  ): FaultRule<HttpFault> {
    return this.http(match, {
      kind: "status",
      status,
      applyAfterMs,
      ...(body === undefined ? {} : { body }),
    });
  }

  /** Answers the next `times` matching requests with a server error (default 503). */
  serverError(match: RequestMatch, status = 503, times = 1): FaultRule<HttpFault> {
    if (status < 500) throw new RangeError(`A server error status must be >= 500, got ${status}`);
    return this.http(match, { kind: "status", status }, times);
  }

  /** The next matching request never answers; with `apply` it takes effect and only the answer is lost. */
  hang(
    match: RequestMatch,
    options: { apply?: boolean; times?: number; then?: () => void } = {},
  ): FaultRule<HttpFault> {
    const fault: HttpFault = options.then === undefined
      ? { kind: "hang", apply: options.apply ?? false }
      : { kind: "hang", apply: options.apply ?? false, then: options.then };
    return this.http(match, fault, options.times ?? 1);
  }

  /** Every matching request goes unanswered (not applied) until the returned rule is cancelled. */
  outage(match: RequestMatch = {}): FaultRule<HttpFault> {
    return this.http(match, { kind: "hang" }, Infinity);
  }

  /** Runs `action` between the arrival of the next matching request and its handling. */
  before(match: RequestMatch, action: (req: RequestInfo) => void | Promise<void>): FaultRule<HttpFault> {
    return this.http(match, { kind: "before", action });
  }

  /** Refuses the next `times` WebSocket upgrades with HTTP `status` (default 503). */
  refuseSockets(times = 1, status = 503): FaultRule<number> {
    const rule = new Rule({}, status, times, (r) => {
      this.#refusals = this.#refusals.filter((x) => x !== r);
      r.remaining = 0;
    });
    this.#refusals.push(rule);
    return rule;
  }

  /** Called by the server for every HTTP request. */
  decide(req: RequestInfo): HttpFaultDecision {
    let latencyMs = 0;
    for (const r of this.#latency) {
      if (matchesRequest(r.match, req)) {
        latencyMs += r.fault;
        r.fired++;
      }
    }
    const rule = this.#http.find((r) => matchesRequest(r.match, req));
    if (rule !== undefined) {
      rule.fired++;
      rule.remaining--;
      if (rule.remaining <= 0) rule.cancel();
    }
    return { latencyMs, fault: rule?.fault };
  }

  /** Called by the server for every WebSocket upgrade: the status to refuse it with, or `undefined`. */
  refuseUpgrade(): number | undefined {
    const rule = this.#refusals[0];
    if (rule === undefined) return undefined;
    rule.fired++;
    rule.remaining--;
    if (rule.remaining <= 0) rule.cancel();
    return rule.fault;
  }

  /** Disarms everything. */
  clear(): void {
    this.#http = [];
    this.#latency = [];
    this.#refusals = [];
    this.events.clear();
  }
}
