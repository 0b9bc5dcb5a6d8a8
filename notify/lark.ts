/**
 * Lark (Feishu) flow webhook channel: `POST {base}/flow/api/trigger-webhook/{token}`.
 * @module
 */
import type { Channel } from "./notifier.ts";
import { describeFailure } from "./notifier.ts";

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
    const response = await fetch(`${this.#base}/flow/api/trigger-webhook/${this.#token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ msg_type: "text", content: { text } }),
      signal,
    });
    if (!response.ok) throw new Error(await describeFailure(response));
    const body = await response.json().catch(() => undefined) as { code?: number } | undefined;
    if (body !== undefined && body.code !== undefined && body.code !== 0) {
      throw new Error(`Lark answered code ${body.code}`);
    }
  }
}
