/**
 * Loads the Lighter known-answer vectors from tests/testdata and small parsing helpers shared by the tests.
 * @module
 */

/** Parses a JSON file under tests/testdata. */
export function loadTestdata<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`../../testdata/${name}`, import.meta.url))) as T;
}

/** "1,2,3" → [1n, 2n, 3n]. */
export function limbs(text: string): bigint[] {
  return text.split(",").map((s) => BigInt(s.trim()));
}

/** Little-endian u64 limbs → one integer. */
export function fromLimbs(values: readonly bigint[]): bigint {
  return values.reduce((acc, v, i) => acc + (v << (64n * BigInt(i))), 0n);
}

/** Integer → little-endian u64 limbs (count limbs). */
export function toLimbs(value: bigint, count = 5): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) out.push((value >> (64n * BigInt(i))) & 0xffffffffffffffffn);
  return out;
}

/** Little-endian hex (as the vectors give keys and nonces) → integer. */
export function fromLeHex(hex: string): bigint {
  const bytes = hex.match(/../g) ?? [];
  return BigInt("0x" + (bytes.reverse().join("") || "0"));
}

/** Lighter vector file shape (only what the tests read). */
export interface LighterVectors {
  primitives: {
    poseidon2_permute: { input: string; output: string };
    hash_to_quintic_extension: { input: string; output: string };
    hash_n_to_m_no_pad_noncanonical: { input: string[]; m: number; output: string };
    fp5: { a: string[]; b: string; mul_a_b: string; square_a: string; inverse_a: string };
    ecgfp5_scalar_mul: {
      point_x: string;
      point_t: string;
      scalar_limbs: string;
      expected_encoding: string;
    };
    schnorr_sign_fixed_k: {
      sk_limbs: string;
      k_limbs: string;
      message_limbs: string;
      s_limbs: string;
      e_limbs: string;
    };
  };
  keys: {
    privkey_hex: string;
    pubkey_hex: string;
    k_hex: string;
    seed_hex: string;
    seed_privkey_hex: string;
    seed_pubkey_hex: string;
  };
  transactions: {
    name: string;
    tx_type: number;
    chain_id: number;
    fields: Record<string, number>;
    attributes: Record<string, number> | null;
    hash: string;
    sig_hex?: string;
    sig_b64?: string;
    tx_info?: string;
  }[];
  auth_token: { message: string; message_hash: string; token: string };
}
