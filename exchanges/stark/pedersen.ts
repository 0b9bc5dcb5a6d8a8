/**
 * The StarkWare Pedersen hash, computed with fixed-base window tables.
 *
 * pedersen(a, b) = x( S + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4 ), where a_low is the low 248 bits of a,
 * a_high its top 4 bits, S the shift point, and P1…P4 the constant points of the StarkWare specification
 * (the same constants as `@scure/starknet`, which walks all 252 bits one addition at a time, with a point
 * comparison at each step: about 1 ms per hash). Here each input is cut into 32 windows of 8 bits and every
 * non-zero window adds one precomputed affine multiple, so a hash costs at most 64 mixed additions and one
 * inversion, and fewer when inputs are small.
 *
 * The tables (2 × 32 × 255 affine points, a few megabytes) are built on first use in a few tens of ms;
 * {@linkcode warmPedersen} builds them ahead (signer constructors call it). Inputs are public message data, so
 * the value-dependent running time leaks nothing secret.
 * @module
 */
import { type AffinePoint, FixedBaseTable } from "./fixed_base.ts";
import { affineX, type JacobianPoint } from "./jacobian.ts";
import { checkFelt } from "./felt.ts";

/** The shift point S of the specification (its discrete logarithms are unknown: nothing up the sleeve). */
export const PEDERSEN_SHIFT_POINT: AffinePoint = {
  x: 2089986280348253421170679821480865132823066470938446095505822317253594081284n,
  y: 1713931329540660377023406109199410414810705867260802078187082345529207694986n,
};

const P1: AffinePoint = {
  x: 996781205833008774514500082376783249102396023663454813447423147977397232763n,
  y: 1668503676786377725805489344771023921079126552019160156920634619255970485781n,
};
const P2: AffinePoint = {
  x: 2251563274489750535117886426533222435294046428347329203627021249169616184184n,
  y: 1798716007562728905295480679789526322175868328062420237419143593021674992973n,
};
const P3: AffinePoint = {
  x: 2138414695194151160943305727036575959195309218611738193261179310511854807447n,
  y: 113410276730064486255102093846540133784865286929052426931474106396135072156n,
};
const P4: AffinePoint = {
  x: 2379962749567351885752724891227938183011949129833673362440656643086021394946n,
  y: 776496453633298175483985398648758586525933812536653089401905292063708816422n,
};

// 31 windows cover the 248 low bits with 2^(8w)·P_low; the 32nd holds the 4 high bits, on P_high itself.
const HIGH_WINDOW = 31;

let tables: readonly [FixedBaseTable, FixedBaseTable] | undefined;

/** Builds the window tables now instead of on the first hash (tens of milliseconds, once per process). */
export function warmPedersen(): void {
  tables ??= [
    new FixedBaseTable(P1, 32, new Map([[HIGH_WINDOW, P2]])),
    new FixedBaseTable(P3, 32, new Map([[HIGH_WINDOW, P4]])),
  ];
}

/**
 * The StarkWare Pedersen hash of two felts, identical to `@scure/starknet` `pedersen` and starknet.js.
 * @throws FieldRangeError if an input is not in [0, p)
 */
export function pedersen(a: bigint, b: bigint): bigint {
  checkFelt(a, "pedersen input a");
  checkFelt(b, "pedersen input b");
  warmPedersen();
  const [tableA, tableB] = tables!;
  const acc: JacobianPoint = { x: PEDERSEN_SHIFT_POINT.x, y: PEDERSEN_SHIFT_POINT.y, z: 1n };
  tableA.addPublicMultiple(acc, a);
  tableB.addPublicMultiple(acc, b);
  return affineX(acc);
}

/**
 * Folds values into a running Pedersen state: pedersen(…pedersen(pedersen(state, v0), v1)…, vn).
 * Use it to hash a constant prefix once and continue from the saved state.
 */
export function pedersenFold(state: bigint, values: readonly bigint[]): bigint {
  let acc = state;
  for (const v of values) acc = pedersen(acc, v);
  return acc;
}

/**
 * Starknet `compute_hash_on_elements`: pedersen(fold(0, values), values.length). This is the hash of a
 * SNIP-12 revision 0 struct and of a contract's constructor calldata.
 */
export function pedersenHashOnElements(values: readonly bigint[]): bigint {
  return pedersen(pedersenFold(0n, values), BigInt(values.length));
}
