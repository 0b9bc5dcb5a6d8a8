/**
 * A deliberately plain bigint model of the Goldilocks field and GF(p^5), used as the oracle in property tests.
 * @module
 */

/** p = 2^64 − 2^32 + 1. */
export const P = 0xffffffff00000001n;

/** x mod p in [0, p). */
export function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** The value (mod p) of the three limbs at `off`, whatever their range. */
export function limbValue(a: Float64Array, off: number): bigint {
  return mod(BigInt(a[off]!) + (BigInt(a[off + 1]!) << 22n) + (BigInt(a[off + 2]!) << 44n));
}

/** The five coefficients (mod p) of a limb-form GF(p^5) element. */
export function fp5Value(a: Float64Array): bigint[] {
  return [0, 3, 6, 9, 12].map((off) => limbValue(a, off));
}

/** Schoolbook product in GF(p)[X]/(X^5 − 3). */
export function fp5MulRef(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const c = [0n, 0n, 0n, 0n, 0n];
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      const k = (i + j) % 5;
      c[k] = mod(c[k]! + (i + j >= 5 ? 3n : 1n) * a[i]! * b[j]!);
    }
  }
  return c;
}

/** a^e in GF(p^5) by square-and-multiply. */
export function fp5PowRef(a: readonly bigint[], e: bigint): bigint[] {
  let result = [1n, 0n, 0n, 0n, 0n];
  let base = [...a];
  for (let x = e; x > 0n; x >>= 1n) {
    if (x & 1n) result = fp5MulRef(result, base);
    base = fp5MulRef(base, base);
  }
  return result;
}

/** A random bigint in [0, 2^bits). */
export function randomBits(bits: number): bigint {
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  crypto.getRandomValues(bytes);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v & ((1n << BigInt(bits)) - 1n);
}

/** A random field element, biased towards edge values one time in four. */
export function randomElement(): bigint {
  const edges = [0n, 1n, 2n, P - 1n, P - 2n, (1n << 32n) - 1n, 1n << 32n, P - (1n << 32n), 1n << 63n];
  if (Math.random() < 0.25) return edges[Math.floor(Math.random() * edges.length)]!;
  return mod(randomBits(64));
}

/** Five random coefficients. */
export function randomFp5(): bigint[] {
  return [randomElement(), randomElement(), randomElement(), randomElement(), randomElement()];
}
