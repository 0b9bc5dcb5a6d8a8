/**
 * Telegram Bot API channel: `POST {base}/bot{token}/sendMessage`.
 * @module
 */
import type { Channel } from "./notifier.ts";
import { describeFailure, errorText, quoteAnswer, withoutSecret } from "./notifier.ts";

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
    try {
      await this.#send(text, signal);
    } catch (e) {
      // No cause: a fetch error quotes the URL, and the URL holds the token.
      throw new Error(withoutSecret(errorText(e), this.#token));
    }
  }

  async #send(text: string, signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.#base}/bot${this.#token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // Plain text, no parse_mode: a message containing "<" or "&" must not be refused as bad HTML.
      body: JSON.stringify({ chat_id: this.#chatId, text: fitTelegram(text) }),
      signal,
    });
    if (!response.ok) throw new Error(await describeFailure(response, this.#token));
    const body = await response.json().catch(() => undefined) as
      | { ok?: boolean; description?: unknown }
      | undefined;
    if (body?.ok !== true) {
      const why = typeof body?.description === "string"
        ? `: ${quoteAnswer(body.description, this.#token)}`
        : "";
      throw new Error(`Telegram answered without ok=true${why}`);
    }
  }
}

/** Longest message Telegram accepts, characters. */
export const TELEGRAM_MAX_TEXT = 4096;

/** `text` cut to {@link TELEGRAM_MAX_TEXT} with an ellipsis: Telegram refuses a longer message outright. */
export function fitTelegram(text: string): string {
  if (text.length <= TELEGRAM_MAX_TEXT) return text;
  let cut = text.slice(0, TELEGRAM_MAX_TEXT - 1);
  // Never end on half a surrogate pair: the JSON would carry a lone surrogate.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}
