/**
 * Fixed-base scalar multiplication on the Stark curve with 8-bit window tables.
 *
 * A table holds, for each window w, the affine multiples d·B_w (d = 1…255) of that window's base B_w. A
 * scalar is added to an accumulator one byte at a time: byte w of the scalar selects d·B_w. With
 * B_w = 2^(8w)·B this is scalar·B; the Pedersen hash uses its own base for the top window.
 * @module
 */
import { addAffine, fromAffine, type JacobianPoint, toAffine, toAffineBatch } from "./jacobian.ts";

/** An affine point. */
export interface AffinePoint {
  /** x coordinate. */
  readonly x: bigint;
  /** y coordinate. */
  readonly y: bigint;
}

const WINDOW_SIZE = 256;

/** Window tables for one fixed base (or one base per window). */
export class FixedBaseTable {
  /** Number of 8-bit windows, so scalars below 2^(8·windows) are supported. */
  readonly windows: number;
  readonly #xs: bigint[];
  readonly #ys: bigint[];

  /**
   * Builds the table (about 255 mixed additions and one shared inversion per window).
   * @param base the base of window 0; window w + 1 uses 256 times the base of window w
   * @param windows number of windows
   * @param override a different base for some windows (Pedersen's high-bits point); later windows continue from it
   */
  constructor(base: AffinePoint, windows: number, override: ReadonlyMap<number, AffinePoint> = new Map()) {
    this.windows = windows;
    const multiples: JacobianPoint[] = [];
    let current = base;
    for (let w = 0; w < windows; w++) {
      current = override.get(w) ?? current;
      const multiple = fromAffine(current.x, current.y);
      for (let d = 1; d < WINDOW_SIZE; d++) {
        multiples.push({ ...multiple });
        addAffine(multiple, current.x, current.y);
      }
      const next = toAffine(multiple); // 256·current, the next window's base
      if (next === undefined) throw new RangeError(`Window base ${w + 1} is the point at infinity`);
      current = next;
    }
    const affine = toAffineBatch(multiples);
    // Index w·256 + d; d = 0 is never read.
    this.#xs = new Array<bigint>(windows * WINDOW_SIZE).fill(0n);
    this.#ys = new Array<bigint>(windows * WINDOW_SIZE).fill(0n);
    let i = 0;
    for (let w = 0; w < windows; w++) {
      for (let d = 1; d < WINDOW_SIZE; d++, i++) {
        this.#xs[w * WINDOW_SIZE + d] = affine.xs[i]!;
        this.#ys[w * WINDOW_SIZE + d] = affine.ys[i]!;
      }
    }
  }

  #checkScalar(scalar: bigint): void {
    if (scalar < 0n || scalar >= 1n << BigInt(8 * this.windows)) {
      throw new RangeError(`Scalar does not fit the ${this.windows} windows of this table`);
    }
  }

  /**
   * Adds scalar·base to `acc`, skipping zero bytes: fast for public scalars (hash inputs), whose running
   * time may depend on their value.
   * @param scalar must be below 2^(8·windows)
   */
  addPublicMultiple(acc: JacobianPoint, scalar: bigint): void {
    this.#checkScalar(scalar);
    const xs = this.#xs;
    const ys = this.#ys;
    let rest = scalar;
    for (let offset = 0; rest !== 0n; offset += 4 * WINDOW_SIZE) {
      // Four windows per 32-bit chunk: bigint shifts are the slow part, so take them 32 bits at a time.
      let chunk = Number(BigInt.asUintN(32, rest));
      rest >>= 32n;
      for (let i = offset; chunk !== 0; i += WINDOW_SIZE, chunk >>>= 8) {
        const digit = chunk & 0xff;
        if (digit !== 0) addAffine(acc, xs[i + digit]!, ys[i + digit]!);
      }
    }
  }

  /**
   * Adds scalar·base to `acc` with the same sequence of operations for every scalar: one addition per
   * window, a zero byte adding into `dummy` instead. For secret scalars (ECDSA nonces). `acc` and `dummy`
   * should start at points of unknown discrete logarithm, so that no addition meets a special case.
   * @param scalar must be below 2^(8·windows)
   */
  addSecretMultiple(acc: JacobianPoint, dummy: JacobianPoint, scalar: bigint): void {
    this.#checkScalar(scalar);
    const xs = this.#xs;
    const ys = this.#ys;
    const hex = scalar.toString(16).padStart(this.windows * 2, "0");
    for (let w = 0; w < this.windows; w++) {
      const end = hex.length - 2 * w;
      const digit = parseInt(hex.slice(end - 2, end), 16);
      const i = w * WINDOW_SIZE + (digit === 0 ? 1 : digit);
      addAffine(digit === 0 ? dummy : acc, xs[i]!, ys[i]!);
    }
  }
}
