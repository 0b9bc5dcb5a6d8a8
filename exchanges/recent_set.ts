/**
 * A set that remembers only its most recently added values: memory of client ids or orders that stays
 * bounded however long the bot runs.
 * @module
 */

/** An insertion-ordered set of at most `limit` values; adding past the limit forgets the oldest. */
export class RecentSet<T> {
  readonly #limit: number;
  readonly #values = new Set<T>();

  /** Keeps at most `limit` values (>= 1). */
  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`A RecentSet keeps at least one value; got a limit of ${limit}`);
    }
    this.#limit = limit;
  }

  /** Number of values kept. */
  get size(): number {
    return this.#values.size;
  }

  /** Adds `value` as the newest (again, if it was there); forgets the oldest past the limit. */
  add(value: T): void {
    this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > this.#limit) this.#values.delete(this.#values.values().next().value!);
  }

  /** True when `value` is kept. */
  has(value: T): boolean {
    return this.#values.has(value);
  }

  /** Forgets `value`; true when it was kept. */
  delete(value: T): boolean {
    return this.#values.delete(value);
  }
}
