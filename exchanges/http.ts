/**
 * The one HTTP helper every venue client uses: `fetch` with a timeout, body reading, and the mapping of
 * transport failures and HTTP statuses onto the {@link VenueError} classes.
 *
 * It never retries (that is `retry.ts`'s job, decided by the caller who knows whether a request is safe to
 * repeat). Error messages name the venue, the method, the URL path and the status; they never contain the
 * query string (it may carry a signature), carry at most {@link MAX_BODY_IN_ERROR} characters of the body, and
 * pass through the client's `redact` so a secret echoed back by a venue does not reach a log line.
 * @module
 */
import {
  AuthenticationError,
  RateLimitError,
  VenueDataError,
  VenueError,
  VenueRejectedError,
  VenueTimeoutError,
  VenueUnavailableError,
} from "./venue.ts";
import { clipWords } from "../bot/redact.ts";

/** HTTP methods the venue clients use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Timeout of a request when the caller names none, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Most characters of a response body quoted in an error message. */
export const MAX_BODY_IN_ERROR = 300;

/** One request. */
export interface HttpRequest {
  readonly method: HttpMethod;
  /** Absolute URL, query string included. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Time allowed for the answer, body included, ms; default {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Aborts the request; the request then rejects with {@link RequestAbortedError}. */
  readonly signal?: AbortSignal;
}

/** A response whose body has been read in full. */
export interface HttpResponse {
  /** Venue name, as given to the {@link HttpClient}. */
  readonly venue: string;
  readonly method: HttpMethod;
  /** URL path without the query string, as used in error messages. */
  readonly path: string;
  readonly status: number;
  /** True for 2xx. */
  readonly ok: boolean;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON; throws {@link VenueDataError} naming the venue and path when it is not JSON. */
  json<T = unknown>(): T;
  /** The client's redactor, so messages built from this response stay free of secrets too. */
  redact(text: string): string;
}

/** How to build an {@link HttpClient}. */
export interface HttpClientOptions {
  /** Venue name used in every error message (`backpack`). */
  readonly venue: string;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
  /** Removes secrets from error messages; default leaves text unchanged. */
  readonly redact?: (text: string) => string;
  /** Sent as `User-Agent` unless the request sets one. */
  readonly userAgent?: string;
  /** Wall clock for `Retry-After` dates, ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The caller aborted the request (shutdown, a superseded query). Not retriable.
 *
 * Its `name` is `"AbortError"`, the DOM convention, so code that recognises cancellation by name treats it as
 * one.
 */
export class RequestAbortedError extends VenueError {
  override name = "AbortError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, ...options });
  }
}

/** Sends requests to one venue. */
export class HttpClient {
  readonly venue: string;
  readonly #fetch: typeof fetch;
  readonly #redact: (text: string) => string;
  readonly #userAgent: string | undefined;
  readonly #now: () => number;

  constructor(options: HttpClientOptions) {
    this.venue = options.venue;
    // Bound lazily so a test that replaces globalThis.fetch after construction is still honoured.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#redact = options.redact ?? ((text) => text);
    this.#userAgent = options.userAgent;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sends one request and reads its body.
   *
   * Throws {@link VenueTimeoutError} when no full answer arrives in time, {@link VenueUnavailableError} when the
   * venue cannot be reached or answers 5xx, {@link RateLimitError} on 429 and 418, {@link AuthenticationError}
   * on 401 and 403, and {@link RequestAbortedError} when the caller's signal aborts. Any other status, 4xx
   * included, resolves: the adapter parses the venue's error body, then calls {@link throwForStatus}.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`${this.venue}: timeoutMs must be a positive number of ms, got ${timeoutMs}`);
    }
    const url = this.#parseUrl(req.url);
    const label = this.#redact(`${this.venue} ${req.method} ${url.pathname}`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    const headers = new Headers(req.headers);
    if (this.#userAgent !== undefined && !headers.has("user-agent")) {
      headers.set("user-agent", this.#userAgent);
    }

    const init: RequestInit = { method: req.method, headers, signal };
    if (req.body !== undefined) init.body = req.body;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, init);
      // The body is read under the same timeout: a venue that sends headers and then stalls is not answering.
      text = await response.text();
    } catch (e) {
      throw this.#transportError(e, label, req, timeout, timeoutMs, url);
    }

    const res = new ReadResponse(this.venue, req.method, url.pathname, response, text, this.#redact);
    const status = response.status;
    if (status === 429 || status === 418) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.#now());
      const wait = retryAfterMs === undefined ? "" : ` (retry after ${retryAfterMs} ms)`;
      throw new RateLimitError(
        this.#message(`${label} was rate limited: HTTP ${status}${wait}`, text),
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    }
    if (status >= 500) {
      throw new VenueUnavailableError(
        this.#message(`${label} failed on the venue's side: HTTP ${status}`, text),
      );
    }
    if (status === 401 || status === 403) {
      throw new AuthenticationError(this.#message(`${label} refused the credentials: HTTP ${status}`, text));
    }
    return res;
  }

  #parseUrl(raw: string): URL {
    try {
      return new URL(raw);
    } catch (e) {
      // The query may hold a signature, so only what precedes it is quoted.
      const shown = clipWords(this.#redact(raw.split("?")[0]!), 200);
      throw new VenueError(`${this.venue}: invalid request URL "${shown}"`, { retriable: false, cause: e });
    }
  }

  #message(head: string, body: string): string {
    return this.#redact(withBody(head, body, this.#redact));
  }

  #transportError(
    e: unknown,
    label: string,
    req: HttpRequest,
    timeout: AbortSignal,
    timeoutMs: number,
    url: URL,
  ): VenueError {
    const cause = sanitizeError(e, url, this.#redact);
    if (req.signal?.aborted) return new RequestAbortedError(`${label} was aborted`, { cause });
    if (timeout.aborted) {
      return new VenueTimeoutError(`${label} did not answer within ${timeoutMs} ms`, { cause });
    }
    const reason = cause instanceof Error ? describeTransport(cause) : String(cause);
    return new VenueUnavailableError(this.#redact(`Cannot reach ${label}: ${reason}`), { cause });
  }
}

/**
 * Throws for a response that is not 2xx: a 4xx becomes {@link VenueRejectedError} (not retriable), anything else
 * (an unfollowed redirect, a 1xx) {@link VenueDataError}. Returns the response otherwise, for chaining.
 *
 * `describe` extracts the venue's own error code and reason from the body (it may throw; the raw body is then
 * quoted instead).
 */
export function throwForStatus(
  res: HttpResponse,
  describe?: (res: HttpResponse) => { code?: string | undefined; reason?: string | undefined } | undefined,
): HttpResponse {
  if (res.ok) return res;
  let detail: { code?: string | undefined; reason?: string | undefined } | undefined;
  try {
    detail = describe?.(res);
  } catch {
    detail = undefined;
  }
  const label = `${res.venue} ${res.method} ${res.path}`;
  const code = detail?.code;
  const head = res.status >= 400 && res.status < 500
    ? `${label} was rejected: HTTP ${res.status}${code === undefined ? "" : `, code ${code}`}`
    : `${label} answered an unexpected HTTP ${res.status}`;
  const reason = detail?.reason;
  const message = res.redact(
    reason === undefined ? withBody(head, res.text, res.redact) : `${head}: ${clip(res.redact(reason))}`,
  );
  if (res.status >= 400 && res.status < 500) {
    throw new VenueRejectedError(message, code === undefined ? {} : { code });
  }
  throw new VenueDataError(message);
}

/**
 * Milliseconds to wait according to a `Retry-After` header: delay-seconds (fractions accepted) or an HTTP date
 * relative to `nowMs`. A date in the past gives 0; an absent or unreadable header gives `undefined`.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // Only a date-like value: Date.parse also accepts bare numbers such as "-1", which are not valid here.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

class ReadResponse implements HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly venue: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly text: string;
  readonly #redact: (text: string) => string;

  constructor(
    venue: string,
    method: HttpMethod,
    path: string,
    response: Response,
    text: string,
    redact: (text: string) => string,
  ) {
    this.venue = venue;
    this.method = method;
    this.path = path;
    this.status = response.status;
    this.ok = response.ok;
    this.headers = response.headers;
    this.text = text;
    this.#redact = redact;
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch (e) {
      const head =
        `${this.venue} ${this.method} ${this.path} answered HTTP ${this.status} with a body that is not JSON`;
      throw new VenueDataError(this.#redact(withBody(head, this.text, this.#redact)), { cause: e });
    }
  }

  // An arrow property, so `res.redact` can be passed on unbound.
  readonly redact = (text: string): string => this.#redact(text);
}

/** `head: <body excerpt>`, or `head (empty body)`. The body is redacted whole before it is cut. */
function withBody(head: string, body: string, redact: (text: string) => string): string {
  const excerpt = clip(redact(body).trim());
  return excerpt === "" ? `${head} (empty body)` : `${head}: ${excerpt}`;
}

function clip(text: string): string {
  return text.length <= MAX_BODY_IN_ERROR ? text : `${text.slice(0, MAX_BODY_IN_ERROR)}…`;
}

/** The innermost useful reason of a fetch failure ("tcp connect error: Connection refused (os error 111)"). */
function describeTransport(e: Error): string {
  const inner = e.cause instanceof Error ? e.cause.message : undefined;
  return inner === undefined || inner === "" ? e.message : `${e.message}: ${inner}`;
}

/**
 * A copy of a fetch failure (and its causes) with the URL reduced to origin and path, redacted.
 *
 * Deno's fetch errors quote the full URL, query string included; a logger printing the cause chain must not
 * print a signature or a token from the path.
 */
function sanitizeError(e: unknown, url: URL, redact: (text: string) => string, depth = 0): unknown {
  if (!(e instanceof Error) || depth > 4) return e;
  const bare = `${url.origin}${url.pathname}`;
  const clean = (text: string) => {
    const out = text.split(url.href).join(bare);
    return redact(url.search === "" ? out : out.split(url.search).join(""));
  };
  const cause = e.cause === undefined ? undefined : sanitizeError(e.cause, url, redact, depth + 1);
  const copy = new Error(clean(e.message), cause === undefined ? undefined : { cause });
  copy.name = e.name;
  return copy;
}
