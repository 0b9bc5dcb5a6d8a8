/**
 * Ethereum key → Paradex key and account: the paradex-py vector, and `@paradex/sdk` 0.8.1 (its own EIP-712
 * signer via ethers, starkware-crypto-utils grinding, starknet.js address) on random Ethereum keys.
 */
import assert from "node:assert/strict";
import { Client, Signer } from "@paradex/sdk";
import { Wallet } from "ethers";
import {
  deriveParadexKey,
  paradexAccountAddress,
  paradexStarkKeyTypedData,
} from "../../../exchanges/paradex/signer_key_derivation.ts";
import { PARADEX_CHAINS } from "../../../exchanges/paradex/signer.ts";
import { hashTypedData, TypedDataError } from "../../../exchanges/evm/eip712.ts";
import { starknetKeccak } from "../../../exchanges/stark/typed_data.ts";
import { loadTestdata, SEED, TestRandom } from "../stark/testdata.ts";

interface Vectors {
  constructorCalldata: string[];
  l1Address: string;
  starkKeyTypedDataHash: string;
  starkKeyEthSignature: string;
  l2PrivateKey: string;
  l2PublicKey: string;
  l2Address: string;
}

const v = loadTestdata<Vectors>("paradex_starknetjs.json");
const min = loadTestdata<{ eip712Digest: string; ethSig: string; l2PrivateKey: string; l2PublicKey: string }>(
  "paradex_min.json",
);
// paradex-py tests/api/test_account.py: the L1 key and the testnet class hashes.
const L1_KEY = "0xf8e4d1d772cdd44e5e77615ad11cc071c94e4c06dc21150d903f28e6aa6abdff";
const CLASSES = {
  accountClassHash: "0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e",
  accountProxyClassHash: "0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9",
} as const;

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

Deno.test("deriveParadexKey reproduces the paradex-py vector step by step", () => {
  const key = deriveParadexKey(L1_KEY, PARADEX_CHAINS.testnet.l1ChainId);
  assert.equal(hex(key.digest), v.starkKeyTypedDataHash);
  assert.equal(hex(key.digest), min.eip712Digest);
  assert.equal(key.ethereumSignature, v.starkKeyEthSignature);
  assert.equal(key.ethereumSignature, min.ethSig);
  assert.equal(key.ethereumAddress, v.l1Address);
  assert.equal(key.privateKey, BigInt(v.l2PrivateKey));
  assert.equal(key.privateKey, BigInt(min.l2PrivateKey));
  assert.equal(key.publicKey, BigInt(v.l2PublicKey));
  assert.equal(key.publicKey, BigInt(min.l2PublicKey));
  assert.equal(paradexAccountAddress(key.publicKey, CLASSES), BigInt(v.l2Address));
  // The constructor calldata behind that address: implementation, selector("initialize"), 2, signer, guardian.
  assert.deepEqual(v.constructorCalldata.map(BigInt), [
    BigInt(CLASSES.accountClassHash),
    starknetKeccak("initialize"),
    2n,
    key.publicKey,
    0n,
  ]);
});

Deno.test("the STARK Key typed data is the one the SDK signs", () => {
  const data = paradexStarkKeyTypedData("11155111");
  assert.equal(hex(hashTypedData(data)), v.starkKeyTypedDataHash);
  assert.notEqual(hex(hashTypedData(paradexStarkKeyTypedData(1))), v.starkKeyTypedDataHash);
});

const SDK_CONFIG = {
  // Never contacted: derivation is offline; the URL is a closed local port.
  paradexFullNodeRpcUrl: "http://127.0.0.1:9/rpc",
  paradexChainId: PARADEX_CHAINS.testnet.starknetChainId,
  ethereumChainId: String(PARADEX_CHAINS.testnet.l1ChainId),
  starknetChainId: "SN_SEPOLIA",
  paraclearAccountHash: CLASSES.accountClassHash,
  paraclearAccountProxyHash: CLASSES.accountProxyClassHash,
  paraclearAddress: "0x0" as const,
  paraclearDecimals: 8,
  bridgedTokens: {},
};

Deno.test(`derivation and address equal @paradex/sdk on random Ethereum keys (seed ${SEED})`, async () => {
  const rnd = new TestRandom(SEED + 80);
  for (let i = 0; i < 4; i++) {
    const l1Key = hex(rnd.bytes(32));
    const client = await Client.fromEthSigner({
      config: SDK_CONFIG,
      signer: Signer.fromEthers(new Wallet(l1Key)),
    });
    const ours = deriveParadexKey(l1Key, PARADEX_CHAINS.testnet.l1ChainId);
    // The SDK keeps the key private; its address is a function of the public key, itself a bijection of the
    // private key, so equal addresses mean equal keys.
    assert.equal(paradexAccountAddress(ours.publicKey, CLASSES), BigInt(client.getAddress()), l1Key);
  }
});

Deno.test("a signature r with a leading zero byte is ground on all 32 bytes, as @paradex/sdk does", async () => {
  // Found by search: this key's STARK Key signature starts with r = 0x00f6…; paradex-py would drop that byte.
  const l1Key = "0x0000000000000000000000000000003bf3051f493b3904514e64e4833618dbb4";
  const ours = deriveParadexKey(l1Key, PARADEX_CHAINS.testnet.l1ChainId);
  assert.ok(ours.ethereumSignature.startsWith("0x00"));
  const client = await Client.fromEthSigner({
    config: SDK_CONFIG,
    signer: Signer.fromEthers(new Wallet(l1Key)),
  });
  assert.equal(paradexAccountAddress(ours.publicKey, CLASSES), BigInt(client.getAddress()));
});

Deno.test("a malformed Ethereum key is refused without being echoed", () => {
  const secret = "f8e4d1d772cdd44e5e77615ad11cc071c94e4c06dc21150d903f28e6aa6abd";
  assert.throws(
    () => deriveParadexKey(secret, 1),
    (e: Error) => e instanceof TypedDataError && !e.message.includes("f8e4d1d7"),
  );
});
