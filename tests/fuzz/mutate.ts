/**
 * A small, deterministic mutation engine for fuzzing venue parsers: take real messages, break them the ways a
 * venue, a proxy or a network can (deleted fields, swapped types, NaN, Infinity, "1e400", negative and empty
 * values, huge numbers, nested garbage, swapped fields, truncated or corrupted text), and check that a parser
 * either refuses the input with the error it documents or returns a value that is valid.
 *
 * Everything random comes from a seeded {@link Prng}: a failure prints its seed, iteration and input, and
 * `FUZZ_SEED=<seed>` replays it. `FUZZ_ITERATIONS=<n>` runs longer than the default.
 *
 * Adding a venue is a few lines: its samples and a {@link FuzzTarget} per parser (see
 * `tests/exchanges/backpack/parse_fuzz_test.ts`).
 * @module
 */

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Values that break numbers: every one must be refused where a decimal is expected (or be valid). */
export const BAD_NUMBERS: readonly unknown[] = [
  "NaN",
  "nan",
  "Infinity",
  "-Infinity",
  "1e400",
  "-1e400",
  "1e-400",
  "-1",
  "-0.000001",
  "-0",
  "0",
  "",
  " ",
  "0x10",
  "1,5",
  "1.2.3",
  "١٢٣",
  "9".repeat(400),
  `0.${"0".repeat(400)}1`,
  "1_000",
  "+",
  ".",
  "\u0000",
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  0,
  1e308,
  -0,
  2 ** 53 + 1,
];

/** Values of every other type, including names that collide with object prototype members. */
export const GARBAGE: readonly unknown[] = [
  null,
  undefined,
  true,
  false,
  [],
  {},
  [[]],
  { a: { b: { c: [1, "x", null] } } },
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "x".repeat(5000),
  "\u202e\ud800",
  "Bid",
  "Ask",
  "New",
  "Filled",
  1.5,
  42,
  "42",
];

/** A value nested `depth` levels deep (arrays and objects alternating). */
export function deepGarbage(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

type Container = Record<string, unknown> | unknown[];

/** Every container in `value` (itself included), with the path to it. */
function containers(value: unknown, path: string[] = [], out: [string[], Container][] = []) {
  if (Array.isArray(value)) {
    out.push([path, value]);
    value.forEach((v, i) => containers(v, [...path, String(i)], out));
  } else if (typeof value === "object" && value !== null) {
    out.push([path, value as Record<string, unknown>]);
    for (const [k, v] of Object.entries(value)) containers(v, [...path, k], out);
  }
  return out;
}

/** A deep copy of plain JSON-like data (keeps NaN, Infinity and undefined, which JSON would not). */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}

/** The mutations {@link mutate} chooses from, by name (the name is reported with a failure). */
export const MUTATIONS = [
  "delete",
  "bad-number",
  "garbage",
  "nest",
  "swap",
  "negate",
  "huge",
  "empty-container",
  "duplicate-element",
] as const;

/** One of {@link MUTATIONS}. */
export type Mutation = typeof MUTATIONS[number];

/**
 * `value` changed by one random mutation at a random place; `value` itself is left as it was. Returns the
 * mutated copy and a description (`bad-number at filters.price.tickSize`).
 */
export function mutate(value: unknown, rng: Prng): { value: unknown; what: string } {
  const root = { root: clone(value) } as Record<string, unknown>;
  const places = containers(root);
  const [path, target] = rng.pick(places);
  const keys: (string | number)[] = Array.isArray(target) ? target.map((_, i) => i) : Object.keys(target);
  const kind: Mutation = rng.pick(MUTATIONS);
  const where = (key: string | number | undefined) =>
    [...path.slice(1), ...(key === undefined ? [] : [String(key)])].join(".") || "(root)";
  const set = (key: string | number, v: unknown) => {
    (target as Record<string | number, unknown>)[key] = v;
  };
  const get = (key: string | number) => (target as Record<string | number, unknown>)[key];
  if (keys.length === 0) {
    set(Array.isArray(target) ? 0 : "x", rng.pick(GARBAGE));
    return { value: root.root, what: `fill-empty at ${where(undefined)}` };
  }
  const key = rng.pick(keys);
  switch (kind) {
    case "delete":
      if (Array.isArray(target)) target.splice(key as number, 1);
      else delete (target as Record<string, unknown>)[key];
      break;
    case "bad-number":
      set(key, rng.pick(BAD_NUMBERS));
      break;
    case "garbage":
      set(key, clone(rng.pick(GARBAGE)));
      break;
    case "nest":
      set(key, rng.chance(0.5) ? [get(key)] : { value: get(key), more: deepGarbage(rng.int(200)) });
      break;
    case "swap": {
      const other = rng.pick(keys);
      const a = get(key);
      set(key, get(other));
      set(other, a);
      return { value: root.root, what: `swap ${where(key)} with ${where(other)}` };
    }
    case "negate": {
      const v = get(key);
      set(
        key,
        typeof v === "string" ? (v.startsWith("-") ? v.slice(1) : `-${v}`) : typeof v === "number" ? -v : v,
      );
      break;
    }
    case "huge": {
      const v = get(key);
      set(key, typeof v === "number" ? v * 1e300 : `${String(v)}${"9".repeat(rng.int(60))}`);
      break;
    }
    case "empty-container":
      set(key, Array.isArray(get(key)) ? [] : {});
      break;
    case "duplicate-element":
      if (Array.isArray(target)) target.push(clone(get(key)));
      else set(`${key}_copy`, clone(get(key)));
      break;
  }
  return { value: root.root, what: `${kind} at ${where(key)}` };
}

/** `value` changed by 1 to `max` mutations; the description lists each. */
export function mutateMany(value: unknown, rng: Prng, max = 3): { value: unknown; what: string } {
  let v = value;
  const steps: string[] = [];
  for (let i = 1 + rng.int(max); i > 0; i--) {
    const m = mutate(v, rng);
    v = m.value;
    steps.push(m.what);
  }
  return { value: v, what: steps.join(", ") };
}

/** Text broken the way a network or a proxy breaks it: truncated, a character changed, garbage inserted. */
export function mutateText(text: string, rng: Prng): { text: string; what: string } {
  const at = rng.int(text.length + 1);
  switch (rng.int(5)) {
    case 0:
      return { text: text.slice(0, at), what: `truncated at ${at}` };
    case 1: {
      const c = String.fromCharCode(rng.int(128));
      return { text: text.slice(0, at) + c + text.slice(at + 1), what: `char ${at} replaced` };
    }
    case 2: {
      const junk = rng.pick(['"', "{", "}", "[", "]", ",", ":", "\\", "null", "NaN", "\u0000", "\ud800"]);
      return {
        text: text.slice(0, at) + junk + text.slice(at),
        what: `inserted ${JSON.stringify(junk)} at ${at}`,
      };
    }
    case 3:
      return { text: text + text.slice(0, at), what: `appended ${at} characters` };
    default:
      return {
        text: rng.pick(["", " ", "null", "[]", "{}", "0", '"x"', "true", "<html>502</html>"]),
        what: "replaced whole",
      };
  }
}

/** Shows a fuzz input in a failure message, NaN, Infinity and undefined included, bounded. */
export function describeInput(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(
      value,
      (_k, v) =>
        typeof v === "number" && !Number.isFinite(v) ? `<number ${v}>` : v === undefined ? "<undefined>" : v,
    );
  } catch {
    text = String(value);
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}

/** One parser under fuzz. */
export interface FuzzTarget<I> {
  /** Shown in failures: `backpack parseDepth`. */
  readonly name: string;
  /** Real, valid inputs to start from. */
  readonly samples: readonly I[];
  /** Mutation applied each iteration; default {@link mutateMany}. */
  readonly mutate?: (sample: I, rng: Prng) => { value: I; what: string };
  /** Calls the parser. */
  readonly parse: (input: I) => unknown;
  /** True for the errors the parser documents (for example the venue's data error). */
  readonly allowed: (error: unknown) => boolean;
  /** True for a parser that answers every input (it has no error to refuse with). */
  readonly neverRefuses?: boolean;
  /** Problems of a returned value (empty when valid). */
  readonly check: (output: unknown, input: I) => string[];
}

/** The seed of this run: `FUZZ_SEED` when set, else `fallback`. */
export function fuzzSeed(fallback: number): number {
  const raw = Deno.env.get("FUZZ_SEED");
  return raw === undefined || raw === "" ? fallback : Number(raw);
}

/** Iterations per target: `FUZZ_ITERATIONS` when set, else `fallback`. */
export function fuzzIterations(fallback: number): number {
  const raw = Deno.env.get("FUZZ_ITERATIONS");
  return raw === undefined || raw === "" ? fallback : Number(raw);
}

/** What a fuzz run did. */
export interface FuzzReport {
  readonly iterations: number;
  /** Inputs refused with an allowed error. */
  readonly refused: number;
  /** Inputs accepted (and found valid), the unmodified samples included. */
  readonly accepted: number;
  /** Mutated inputs accepted (and found valid). */
  readonly acceptedMutated: number;
}

/**
 * Runs `target` for `iterations` mutated inputs (the unmodified samples first). Throws at the first input
 * that makes the parser throw an error it does not document or return an invalid value; the message names the
 * seed, the iteration, the mutation and the input.
 */
export function fuzz<I>(target: FuzzTarget<I>, seed: number, iterations: number): FuzzReport {
  const rng = new Prng(seed);
  let refused = 0;
  let accepted = 0;
  const run = (input: I, label: string) => {
    const fail = (problem: string): never => {
      throw new Error(
        `${target.name}: ${problem}\n  seed ${seed} (replay with FUZZ_SEED=${seed}), ${label}\n  input: ${
          describeInput(input)
        }`,
      );
    };
    let output: unknown;
    try {
      output = target.parse(input);
    } catch (e) {
      if (target.allowed(e)) {
        refused++;
        return;
      }
      fail(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    const problems = target.check(output, input);
    if (problems.length > 0) {
      fail(`returned an invalid value: ${problems.join("; ")}: ${describeInput(output)}`);
    }
    accepted++;
  };
  target.samples.forEach((s, i) => run(s, `sample ${i} unmodified`));
  const acceptedSamples = accepted;
  const change = target.mutate ?? ((s: I, r: Prng) => mutateMany(s, r) as { value: I; what: string });
  for (let i = 0; i < iterations; i++) {
    const index = rng.int(target.samples.length);
    const m = change(target.samples[index]!, rng);
    run(m.value, `iteration ${i}, sample ${index}, ${m.what}`);
  }
  return { iterations, refused, accepted, acceptedMutated: accepted - acceptedSamples };
}
