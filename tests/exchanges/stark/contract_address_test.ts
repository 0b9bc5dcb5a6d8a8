/** Starknet contract addresses: the Paradex account vector and starknet.js on random inputs. */
import assert from "node:assert/strict";
import { hash, num } from "starknet";
import { ADDRESS_BOUND, contractAddress } from "../../../exchanges/stark/contract_address.ts";
import { FIELD_PRIME } from "../../../exchanges/stark/felt.ts";
import { loadTestdata, SEED, TestRandom } from "./testdata.ts";

interface StarknetJsVectors {
  constructorCalldata: string[];
  l2Address: string;
  l2PublicKey: string;
}

const v = loadTestdata<StarknetJsVectors>("paradex_starknetjs.json");
const PROXY_CLASS_HASH = "0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9";

Deno.test("contractAddress reproduces the Paradex account address vector", () => {
  const address = contractAddress({
    salt: v.l2PublicKey,
    classHash: PROXY_CLASS_HASH,
    constructorCalldata: v.constructorCalldata,
    deployer: 0n,
  });
  assert.equal(address, BigInt(v.l2Address));
});

Deno.test(`contractAddress equals starknet.js on random inputs (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 50);
  for (let i = 0; i < 5; i++) {
    const salt = rnd.below(FIELD_PRIME);
    const classHash = rnd.below(FIELD_PRIME);
    const deployer = rnd.int(2) === 0 ? 0n : rnd.below(FIELD_PRIME);
    const calldata = Array.from({ length: rnd.int(5) }, () => rnd.below(FIELD_PRIME));
    const expected = hash.calculateContractAddressFromHash(
      num.toHex(salt),
      num.toHex(classHash),
      calldata.map((c) => num.toHex(c)),
      num.toHex(deployer),
    );
    const actual = contractAddress({ salt, classHash, constructorCalldata: calldata, deployer });
    assert.equal(actual, BigInt(expected));
    assert.ok(actual < ADDRESS_BOUND);
  }
});

Deno.test("contractAddress names a bad parameter", () => {
  assert.throws(
    () => contractAddress({ salt: 1n, classHash: 2n, constructorCalldata: [FIELD_PRIME] }),
    /constructorCalldata\[0\]/,
  );
});
