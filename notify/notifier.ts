/**
 * Notifications: a fan-out over channels that never throws into the bot and never waits longer than its
 * timeout.
 * @module
 */
import { clipWords, MIN_SECRET_LENGTH, REDACTED, Redactor } from "../bot/redact.ts";
import { LARK_BASE_URL, LarkChannel } from "./lark.ts";
import { TELEGRAM_BASE_URL, TelegramChannel } from "./telegram.ts";

/** One notification channel. `send` may throw; the {@link Notifier} contains it. */
export interface Channel {
  readonly name: string;
  send(text: string, signal: AbortSignal): Promise<void>;
}

/** Anything that can deliver a message to the user. */
export interface Notify {
  /** Sends to every channel; resolves when all have answered, failed, or timed out. Never rejects. */
  notify(text: string): Promise<void>;
}

/** Production hosts of the notification channels (the list the binary may connect to). */
export function notifyHosts(): string[] {
  // A function, not a constant: lark.ts and telegram.ts import this module, so their constants are not
  // initialised yet while it loads.
  return [new URL(TELEGRAM_BASE_URL).host, new URL(LARK_BASE_URL).host];
}

/** Fan-out notifier. */
export class Notifier implements Notify {
  readonly channels: readonly Channel[];
  readonly #timeoutMs: number;
  readonly #onFailure: (message: string) => void;
  readonly #redactor: Redactor | undefined;

  constructor(
    channels: readonly Channel[],
    options: { timeoutMs?: number; onFailure?: (message: string) => void; redactor?: Redactor } = {},
  ) {
    this.channels = channels;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#onFailure = options.onFailure ?? (() => {});
    this.#redactor = options.redactor;
  }

  /**
   * Builds the channels configured in the environment: Telegram (`TELEGRAM_BOT_TOKEN` + `TELEGRAM_CHAT_ID`)
   * and Lark (`LARK_TOKEN`). `TELEGRAM_BASE_URL` and `LARK_BASE_URL` replace the production hosts.
   */
  static fromEnv(
    env: Readonly<Record<string, string>>,
    options: { timeoutMs?: number; onFailure?: (message: string) => void; redactor?: Redactor } = {},
  ): Notifier {
    const channels: Channel[] = [];
    const token = env.TELEGRAM_BOT_TOKEN?.trim();
    const chat = env.TELEGRAM_CHAT_ID?.trim();
    if (token && chat) {
      channels.push(new TelegramChannel(token, chat, env.TELEGRAM_BASE_URL?.trim() || undefined));
    }
    const lark = env.LARK_TOKEN?.trim();
    if (lark) channels.push(new LarkChannel(lark, env.LARK_BASE_URL?.trim() || undefined));
    return new Notifier(channels, options);
  }

  async notify(text: string): Promise<void> {
    const body = this.#redactor?.redact(text) ?? text;
    await Promise.all(this.channels.map(async (channel) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
      try {
        const sending = channel.send(body, controller.signal);
        // A channel that ignores its signal must not hold the bot past the timeout; its late failure is dropped.
        sending.catch(() => {});
        await Promise.race([sending, whenAborted(controller.signal)]);
      } catch (e) {
        const reason = controller.signal.aborted ? `no answer within ${this.#timeoutMs} ms` : errorText(e);
        const message = `Notification via ${channel.name} failed: ${reason}`;
        try {
          this.#onFailure(this.#redactor?.redact(message) ?? message);
        } catch {
          // A failing logger must not turn a notification failure into a crash.
        }
      } finally {
        clearTimeout(timer);
      }
    }));
  }
}

/** Most characters of a channel's answer quoted in a failure message. */
export const MAX_ANSWER_IN_FAILURE = 200;

/**
 * Reads a response body for an error message, bounded, without throwing. `secret` is removed before the body is
 * cut, and the cut never splits a word, so no fragment of a secret is quoted.
 */
export async function describeFailure(response: Response, secret = ""): Promise<string> {
  const text = await response.text().catch(() => "");
  return `HTTP ${response.status}${text ? `: ${quoteAnswer(text, secret)}` : ""}`;
}

/** Text a channel answered, without `secret`, cut to {@link MAX_ANSWER_IN_FAILURE} characters between words. */
export function quoteAnswer(text: string, secret: string): string {
  return clipWords(withoutSecret(text, secret), MAX_ANSWER_IN_FAILURE);
}

/**
 * `text` without `secret`, in any of the forms {@link Redactor} knows (raw, URL-encoded, JSON-escaped, …).
 *
 * Channels put their token in the URL, and fetch errors quote the URL; a service may also echo it in a body.
 * The notifier's redactor is optional, so each channel scrubs its own token.
 */
export function withoutSecret(text: string, secret: string): string {
  const s = secret.trim();
  // The redactor skips very short values; a channel's own token is removed whatever its length.
  if (s.length < MIN_SECRET_LENGTH) return s === "" ? text : text.split(s).join(REDACTED);
  return new Redactor([s]).redact(text);
}

/** The message of a thrown value, including a fetch failure's underlying reason. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const inner = e.cause instanceof Error && e.cause.message !== "" ? `: ${e.cause.message}` : "";
  return `${e.message}${inner}`;
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true })
  );
}
