/**
 * Starknet contract addresses, as the deploy syscall computes them (starknet.js
 * `hash.calculateContractAddressFromHash`). Paradex derives an account's address this way from its public key.
 * @module
 */
import { encodeShortString, type FeltInput, parseFelt } from "./felt.ts";
import { pedersenHashOnElements } from "./pedersen.ts";

const CONTRACT_ADDRESS_PREFIX = encodeShortString("STARKNET_CONTRACT_ADDRESS", "prefix");

/** Addresses are reduced below 2^251 − 256, the storage address bound. */
export const ADDRESS_BOUND: bigint = 2n ** 251n - 256n;

/** What determines a contract's address. */
export interface ContractAddressInput {
  /** The deployment salt (Paradex: the account's public key). */
  readonly salt: FeltInput;
  /** The class hash of the deployed contract. */
  readonly classHash: FeltInput;
  /** The constructor calldata, already flattened to felts. */
  readonly constructorCalldata: readonly FeltInput[];
  /** The deployer address; 0 for a counterfactual deployment. */
  readonly deployer?: FeltInput;
}

/**
 * The address a contract gets when deployed with these parameters:
 * hashOnElements(["STARKNET_CONTRACT_ADDRESS", deployer, salt, classHash, hashOnElements(calldata)]) mod bound.
 * @throws InvalidFieldError naming the parameter if one is not a felt
 */
export function contractAddress(input: ContractAddressInput): bigint {
  const calldata = input.constructorCalldata.map((v, i) => parseFelt(v, `constructorCalldata[${i}]`));
  const hash = pedersenHashOnElements([
    CONTRACT_ADDRESS_PREFIX,
    parseFelt(input.deployer ?? 0n, "deployer"),
    parseFelt(input.salt, "salt"),
    parseFelt(input.classHash, "classHash"),
    pedersenHashOnElements(calldata),
  ]);
  return hash % ADDRESS_BOUND;
}
