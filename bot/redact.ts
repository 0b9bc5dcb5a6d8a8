/**
 * Keeps secrets out of every line perpbot writes: console, activity log, CSV, errors, notifications.
 *
 * Two tools: {@link Redactor} replaces known secret values in any of the encodings a venue, a library or a
 * logger may print them in; {@link clipWords} shortens text quoted from elsewhere without ever keeping part
 * of a word, so a secret cut in half (which no redactor recognises) is never shown.
 * @module
 */

/** Variable names whose values are secrets, by pattern. */
const SECRET_NAME = /(SECRET|PRIVATE|TOKEN|PASSPHRASE|PASSWORD|API_KEY|_KEY$)/;

/** Replacement written in place of a secret. */
export const REDACTED = "[REDACTED]";

/** Shortest secret (or encoding of one) that is redacted: shorter ones would hit ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 6;

/** Hex digits a value needs before its other numeric forms (decimal, base64 of its bytes) are redacted too. */
const MIN_KEY_HEX_DIGITS = 16;

/** Replaces known secret values (and their common encodings, see {@link secretForms}) with {@link REDACTED}. */
export class Redactor {
  readonly #pattern: RegExp | undefined;

  /** Secrets shorter than {@link MIN_SECRET_LENGTH} characters are ignored. */
  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>();
    for (const s of secrets) {
      const v = s.trim();
      if (v.length < MIN_SECRET_LENGTH) continue;
      for (const form of secretForms(v)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
    }
    // Longest first, so a secret that contains another is replaced whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }

  /** The secret values of an environment: every variable whose name looks like a key, secret or token. */
  static fromEnv(env: Readonly<Record<string, string>>): Redactor {
    return new Redactor(Object.entries(env).filter(([k]) => SECRET_NAME.test(k)).map(([, v]) => v));
  }

  /** `text` with every secret replaced. */
  redact(text: string): string {
    return this.#pattern === undefined ? text : text.replace(this.#pattern, REDACTED);
  }
}

/**
 * The forms a secret may be printed in: as written; URL-encoded; escaped inside a JSON string (also with `\/`
 * and with `\u00XX` escapes); for hex keys without `0x`, in either case, without leading zeros, in decimal and
 * as the base64 of the bytes; for base64 keys with and without padding, in the URL-safe alphabet and as hex.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  const hex = /^(0[xX])?([0-9a-fA-F]+)$/.exec(secret)?.[2];
  if (hex !== undefined) {
    forms.add(hex);
    if (hex.length >= MIN_KEY_HEX_DIGITS) {
      for (const h of [hex.toLowerCase(), hex.toUpperCase()]) {
        forms.add(h);
        forms.add(`0x${h}`);
        forms.add(h.replace(/^0+/, ""));
      }
      forms.add(BigInt(`0x${hex}`).toString());
      if (hex.length % 2 === 0) { for (const b of base64Forms(hexToBytes(hex))) forms.add(b); }
    }
  } else if (/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(secret)) {
    const bytes = base64ToBytes(secret);
    if (bytes !== undefined) {
      for (const b of base64Forms(bytes)) forms.add(b);
      const h = bytesToHex(bytes);
      for (const x of [h, h.toUpperCase()]) {
        forms.add(x);
        forms.add(`0x${x}`);
      }
    }
  }
  for (const form of [...forms]) {
    const json = JSON.stringify(form).slice(1, -1);
    forms.add(json);
    forms.add(json.replaceAll("/", "\\/"));
    forms.add(form.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  }
  return [...forms];
}

/** Characters that end a word for {@link clipWords}: blanks, quotes, brackets and separators. */
const WORD_END = /[\s"'`,;()[\]{}<>]/;

/**
 * `text` cut to at most `max` characters plus `…`, never inside a word: when the cut would fall inside one, the
 * whole word is left out. A secret in quoted text is then shown whole (and redacted) or not at all, never as a
 * fragment no redactor can recognise.
 */
export function clipWords(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max);
  while (cut > 0 && !WORD_END.test(text[cut - 1]!) && !WORD_END.test(text[cut]!)) cut--;
  return `${text.slice(0, cut)}…`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function base64ToBytes(text: string): Uint8Array | undefined {
  const std = text.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
  if (std.length % 4 === 1) return undefined;
  try {
    return Uint8Array.from(atob(std + "=".repeat((4 - (std.length % 4)) % 4)), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Standard and URL-safe base64 of `bytes`, each with and without padding. */
function base64Forms(bytes: Uint8Array): string[] {
  const std = btoa(String.fromCharCode(...bytes));
  const url = std.replaceAll("+", "-").replaceAll("/", "_");
  return [std, std.replace(/=+$/, ""), url, url.replace(/=+$/, "")];
}
