/**
 * Telegram Bot API channel: `POST {base}/bot{token}/sendMessage`.
 * @module
 */
import type { Channel } from "./notifier.ts";
import { describeFailure } from "./notifier.ts";

/** Production Telegram Bot API. */
export const TELEGRAM_BASE_URL = "https://api.telegram.org";

/** Sends plain-text messages to one chat. */
export class TelegramChannel implements Channel {
  readonly name = "Telegram";
  readonly #token: string;
  readonly #chatId: string;
  readonly #base: string;

  constructor(token: string, chatId: string, baseUrl: string = TELEGRAM_BASE_URL) {
    this.#token = token;
    this.#chatId = chatId;
    this.#base = baseUrl.replace(/\/+$/, "");
  }

  async send(text: string, signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.#base}/bot${this.#token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // Plain text, no parse_mode: a message containing "<" or "&" must not be refused as bad HTML.
      body: JSON.stringify({ chat_id: this.#chatId, text }),
      signal,
    });
    if (!response.ok) throw new Error(await describeFailure(response));
    const body = await response.json().catch(() => undefined) as { ok?: boolean } | undefined;
    if (body?.ok !== true) throw new Error("Telegram answered without ok=true");
  }
}
