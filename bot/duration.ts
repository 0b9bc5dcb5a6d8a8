/**
 * Parsing of time spans such as `90s`, `2h`, `1h30m`.
 * @module
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/y;

/** Milliseconds in a span like `90s`, `45m`, `2h`, `1h30m`, `1d`; `undefined` when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return total;
}

/** A span in ms, printed the way {@link parseDuration} reads it (`1h30m`, `45s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Cannot format a duration of ${ms} ms`);
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}
