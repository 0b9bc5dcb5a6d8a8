/**
 * A WebSocket client for the tests of the loopback fakes: it records every message it receives (parsed JSON)
 * and waits, in real time and bounded, for what a test expects.
 * @module
 */
import assert from "node:assert/strict";

/** A client of one socket; `M` is the shape of the messages the fake sends. */
export class WsClient<M = unknown> {
  /** Every message received so far, parsed. */
  readonly messages: M[] = [];
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>;
  /** Resolves when the socket is open, or closed without opening. */
  readonly opened: Promise<void>;
  /** The close code, once closed. */
  closeCode: number | undefined;
  readonly #ws: WebSocket;

  /** Starts connecting to `url`; {@link open} also waits for the socket to open. */
  constructor(url: string) {
    this.#ws = new WebSocket(url);
    const opened = Promise.withResolvers<void>();
    const closed = Promise.withResolvers<void>();
    this.opened = opened.promise;
    this.closed = closed.promise;
    this.#ws.onopen = () => opened.resolve();
    this.#ws.onmessage = (e) => this.messages.push(JSON.parse(e.data));
    this.#ws.onerror = () => {};
    this.#ws.onclose = (e) => {
      this.closeCode = e.code;
      opened.resolve();
      closed.resolve();
    };
  }

  /** A client of `url` (of the class it is called on), once its socket is open or closed. */
  static async open<C extends WsClient<unknown>>(this: new (url: string) => C, url: string): Promise<C> {
    const c = new this(url);
    await c.opened;
    return c;
  }

  /** Sends `msg` as JSON. */
  send(msg: unknown): void {
    this.#ws.send(JSON.stringify(msg));
  }

  /** Sends `text` as it is. */
  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  /** Polls `check` every 5 ms until it holds; fails with `what` and the messages after `timeoutMs`. */
  async waitFor(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        assert.fail(`timed out waiting for ${what}: ${JSON.stringify(this.messages)}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Closes the socket (if open or opening) and resolves once it is closed. */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close();
    }
    await this.closed;
  }
}
