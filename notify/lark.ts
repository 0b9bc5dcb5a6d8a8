/**
 * Lark (Feishu) flow webhook channel: `POST {base}/flow/api/trigger-webhook/{token}`.
 * @module
 */
import type { Channel } from "./notifier.ts";
import { describeFailure, errorText, quoteAnswer, withoutSecret } from "./notifier.ts";

/** Production Lark webhook host. */
export const LARK_BASE_URL = "https://www.feishu.cn";

/** Sends text messages to one Lark webhook. */
export class LarkChannel implements Channel {
  readonly name = "Lark";
  readonly #token: string;
  readonly #base: string;

  constructor(token: string, baseUrl: string = LARK_BASE_URL) {
    this.#token = token;
    this.#base = baseUrl.replace(/\/+$/, "");
  }

  async send(text: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#send(text, signal);
    } catch (e) {
      // No cause: a fetch error quotes the URL, and the URL holds the token.
      throw new Error(withoutSecret(errorText(e), this.#token));
    }
  }

  async #send(text: string, signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.#base}/flow/api/trigger-webhook/${this.#token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ msg_type: "text", content: { text } }),
      signal,
    });
    if (!response.ok) throw new Error(await describeFailure(response, this.#token));
    const body = await response.json().catch(() => undefined) as
      | { code?: unknown; msg?: unknown }
      | undefined;
    if (body !== undefined && body !== null && body.code !== undefined && body.code !== 0) {
      const why = typeof body.msg === "string" ? `: ${quoteAnswer(body.msg, this.#token)}` : "";
      throw new Error(`Lark answered code ${String(body.code)}${why}`);
    }
  }
}
