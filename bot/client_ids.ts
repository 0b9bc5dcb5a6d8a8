/**
 * Client order ids: decimal integers in [1, 2^32), which every supported venue accepts in its client-id field
 * (Backpack's is a uint32, Lighter's an integer index, the others take short strings).
 * @module
 */

const SPACE = 2 ** 32 - 1;

/** Generates distinct client ids: a random start, then consecutive values, skipping 0. */
export class ClientIds {
  #next: number;

  /** `start` is drawn at random unless given (tests). */
  constructor(start?: number) {
    const random = crypto.getRandomValues(new Uint32Array(1))[0]!;
    this.#next = ((start ?? random) % SPACE) + 1;
  }

  /** The next id. */
  next(): string {
    const id = this.#next;
    this.#next = (this.#next % SPACE) + 1;
    return String(id);
  }
}
