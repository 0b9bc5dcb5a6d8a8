/**
 * Shared by the Stark, EVM, Paradex and EdgeX signer tests: vector loading and a seeded random
 * source for the differential tests against the oracle libraries.
 *
 * The seed is printed and can be fixed with `STARK_TEST_SEED=<n>` to replay a failure.
 * @module
 */

/** Parses a JSON file under tests/testdata. */
export function loadTestdata<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`../../testdata/${name}`, import.meta.url))) as T;
}

/** The seed of this run. */
export const SEED: number = (() => {
  const fixed = Deno.env.get("STARK_TEST_SEED");
  const seed = fixed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(fixed);
  console.log(`signer tests: STARK_TEST_SEED=${seed}`);
  return seed;
})();

/** A small deterministic generator (xorshift128+ on two 32-bit halves is enough for test inputs). */
export class TestRandom {
  #a: number;
  #b: number;

  constructor(seed: number = SEED) {
    this.#a = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.#b = (seed * 0x85ebca6b) >>> 0 || 2;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let s1 = this.#a;
    const s0 = this.#b;
    this.#a = s0;
    s1 ^= s1 << 11;
    s1 ^= s1 >>> 8;
    this.#b = (s1 ^ s0 ^ (s0 >>> 19)) >>> 0;
    return (this.#b + s0) >>> 0;
  }

  /** An integer in [0, n) for n ≤ 2^32. */
  int(n: number): number {
    return this.u32() % n;
  }

  /** A uniform integer of at most `bits` bits. */
  bits(bits: number): bigint {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(bits)) - 1n);
  }

  /** An integer in [0, n). */
  below(n: bigint): bigint {
    const bits = n.toString(2).length;
    for (;;) {
      const v = this.bits(bits);
      if (v < n) return v;
    }
  }

  /** `count` random bytes. */
  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.int(256);
    return out;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A string of `length` characters (code points) from `alphabet`. */
  text(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_"): string {
    const chars = Array.from(alphabet);
    let out = "";
    for (let i = 0; i < length; i++) out += chars[this.int(chars.length)];
    return out;
  }

  /** A decimal string with up to `intDigits` integer and up to `fracDigits` fractional digits. */
  decimal(intDigits: number, fracDigits: number): string {
    const whole = this.text(1 + this.int(intDigits), "0123456789").replace(/^0+(?=.)/, "");
    const fracLength = this.int(fracDigits + 1);
    return fracLength === 0 ? whole : `${whole}.${this.text(fracLength, "0123456789")}`;
  }
}

/** Lowercase hex without `0x`, padded to 64 digits. */
export function hex64(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}
