/**
 * Paradex account keys from an Ethereum key, as the Paradex web app and `@paradex/sdk` derive them.
 *
 * 1. Sign the EIP-712 message `Constant{action: "STARK Key"}` in the domain {Paradex, 1, l1ChainId} with the
 *    Ethereum key (deterministic RFC 6979, so the same wallet always gets the same account).
 * 2. Grind the signature's r (all 32 bytes, leading zeros kept, as the JS libraries do; paradex-py strips
 *    them and derives a different key for about 1 wallet in 256): the first sha256(r ‖ i) below the largest
 *    multiple of the curve order, reduced modulo that order.
 * 3. The public key is its x coordinate; the account address is that of the Paraclear account proxy deployed
 *    with the public key as salt.
 *
 * Most users paste the L2 key from the Paradex UI instead, which skips this step.
 * @module
 */
import { ethSigToPrivate } from "@scure/starknet";
import { addressFromPrivateKey, hashTypedData, signDigest, type TypedData } from "../evm/eip712.ts";
import { contractAddress } from "../stark/contract_address.ts";
import { starkPublicKey } from "../stark/ecdsa.ts";
import { type FeltInput, parseFelt } from "../stark/felt.ts";
import { starknetKeccak } from "../stark/typed_data.ts";

/** The typed data an Ethereum wallet signs to derive its Paradex key. */
export function paradexStarkKeyTypedData(l1ChainId: bigint | number | string): TypedData {
  return {
    domain: { name: "Paradex", version: "1", chainId: l1ChainId },
    types: { Constant: [{ name: "action", type: "string" }] },
    primaryType: "Constant",
    message: { action: "STARK Key" },
  };
}

/** A derived Paradex key pair, with the intermediate values. */
export interface DerivedParadexKey {
  /** The L2 (Stark) private key. Keep it secret. */
  readonly privateKey: bigint;
  /** The L2 public key (x coordinate). */
  readonly publicKey: bigint;
  /** The Ethereum address of the key that was used (`PARADEX-ETHEREUM-ACCOUNT` at onboarding). */
  readonly ethereumAddress: string;
  /** The EIP-712 digest that was signed. */
  readonly digest: Uint8Array;
  /** The Ethereum signature r ‖ s ‖ v whose r seeds the key. Secret as well: it determines the key. */
  readonly ethereumSignature: string;
}

/**
 * Derives the Paradex L2 key of an Ethereum private key.
 * @param ethereumPrivateKey 64 hex digits; never shown in errors
 * @param l1ChainId `l1_chain_id` of the deployment (1 on mainnet, 11155111 on testnet)
 */
export function deriveParadexKey(
  ethereumPrivateKey: string,
  l1ChainId: bigint | number | string,
): DerivedParadexKey {
  const digest = hashTypedData(paradexStarkKeyTypedData(l1ChainId));
  const ethereumSignature = signDigest(digest, ethereumPrivateKey);
  const privateKey = BigInt(`0x${ethSigToPrivate(ethereumSignature)}`);
  return {
    privateKey,
    publicKey: starkPublicKey(privateKey),
    ethereumAddress: addressFromPrivateKey(ethereumPrivateKey),
    digest,
    ethereumSignature,
  };
}

/** The class hashes of the Paraclear account, from `GET /v1/system/config`. */
export interface ParaclearAccountClasses {
  /** `paraclear_account_hash`: the account implementation. */
  readonly accountClassHash: FeltInput;
  /** `paraclear_account_proxy_hash`: the proxy that is deployed. */
  readonly accountProxyClassHash: FeltInput;
}

/**
 * The Paraclear account address of a public key: the proxy deployed with salt = public key and constructor
 * calldata [implementation, selector("initialize"), 2, publicKey, 0] (signer, guardian).
 */
export function paradexAccountAddress(publicKey: FeltInput, classes: ParaclearAccountClasses): bigint {
  const key = parseFelt(publicKey, "publicKey");
  return contractAddress({
    salt: key,
    classHash: classes.accountProxyClassHash,
    constructorCalldata: [classes.accountClassHash, starknetKeccak("initialize"), 2n, key, 0n],
    deployer: 0n,
  });
}
