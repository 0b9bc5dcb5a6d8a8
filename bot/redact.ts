/**
 * Keeps secrets out of every line perpbot writes: console, activity log, CSV, errors, notifications.
 * @module
 */

/** Variable names whose values are secrets, by pattern. */
const SECRET_NAME = /(SECRET|PRIVATE|TOKEN|PASSPHRASE|PASSWORD|API_KEY|_KEY$)/;

/** Replacement written in place of a secret. */
export const REDACTED = "[REDACTED]";

/** Replaces known secret values (and their common encodings) with {@link REDACTED}. */
export class Redactor {
  readonly #secrets: string[];

  /** Secrets shorter than 6 characters are ignored: they would redact ordinary words and numbers. */
  constructor(secrets: Iterable<string>) {
    const set = new Set<string>();
    for (const s of secrets) {
      const v = s.trim();
      if (v.length < 6) continue;
      set.add(v);
      set.add(encodeURIComponent(v));
      if (v.startsWith("0x") || v.startsWith("0X")) set.add(v.slice(2));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = [...set].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  }

  /** The secret values of an environment: every variable whose name looks like a key, secret or token. */
  static fromEnv(env: Readonly<Record<string, string>>): Redactor {
    return new Redactor(Object.entries(env).filter(([k]) => SECRET_NAME.test(k)).map(([, v]) => v));
  }

  /** `text` with every secret replaced. */
  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    return out;
  }
}
