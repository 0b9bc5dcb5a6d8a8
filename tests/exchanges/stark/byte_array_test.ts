/** Cairo ByteArray serialisation and its Poseidon hash: the paradex-py vector and starknet.js on random text. */
import assert from "node:assert/strict";
import { byteArray } from "starknet";
import {
  byteArrayFromString,
  byteArrayPoseidonHash,
  serializeByteArray,
} from "../../../exchanges/stark/byte_array.ts";
import { loadTestdata, SEED, TestRandom } from "./testdata.ts";

const v = loadTestdata<{ poseidonByteArray: string; poseidonByteArrayDec: string }>(
  "paradex_starknetjs.json",
);

Deno.test("byteArrayPoseidonHash reproduces the paradex-py full-node auth vector", () => {
  const body = '{"jsonrpc": "2.0", "method": "starknet_getTransactionStatus", "params": ["0x1"], "id": 1}';
  const h = byteArrayPoseidonHash(body);
  assert.equal(h, BigInt(v.poseidonByteArray));
  assert.equal(h.toString(), v.poseidonByteArrayDec);
});

Deno.test(`byteArrayFromString equals starknet.js for ASCII of every length (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 51);
  for (const length of [0, 1, 30, 31, 32, 62, 63, 64 + rnd.int(40)]) {
    const text = rnd.text(length, 'abcdefghijklmnopqrstuvwxyz {}":,0123456789');
    const ours = byteArrayFromString(text);
    const theirs = byteArray.byteArrayFromString(text);
    assert.deepEqual(
      serializeByteArray(ours),
      [
        BigInt(theirs.data.length),
        ...theirs.data.map((d) => BigInt(d)),
        BigInt(theirs.pending_word),
        BigInt(theirs.pending_word_len),
      ],
      `length ${length}`,
    );
  }
});
