/**
 * EIP-712 hashing, signing, recovery and addresses against ethers (test-only oracle) on random typed data:
 * every atomic type, fixed and dynamic arrays, nested structs, and every subset of domain fields.
 */
import assert from "node:assert/strict";
import { getAddress, TypedDataEncoder, verifyTypedData, Wallet } from "ethers";
import {
  addressFromPrivateKey,
  domainSeparator,
  encodeType,
  hashStruct,
  hashTypedData,
  recoverTypedDataSigner,
  signTypedData,
  toChecksumAddress,
  type TypedData,
  type TypedDataDomain,
  TypedDataError,
  type TypedDataField,
  type TypedDataValue,
} from "../../../exchanges/evm/eip712.ts";
import { SEED, TestRandom } from "../stark/testdata.ts";

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function randomAtomicType(rnd: TestRandom): string {
  switch (rnd.int(7)) {
    case 0:
      return `uint${8 * (1 + rnd.int(32))}`;
    case 1:
      return `int${8 * (1 + rnd.int(32))}`;
    case 2:
      return "address";
    case 3:
      return "bool";
    case 4:
      return "string";
    case 5:
      return "bytes";
    default:
      return `bytes${1 + rnd.int(32)}`;
  }
}

function randomAtomicValue(rnd: TestRandom, type: string): TypedDataValue {
  const int = /^(u?)int([0-9]+)$/.exec(type);
  if (int !== null) {
    const bits = Number(int[2]);
    const edge = rnd.int(4);
    if (int[1] === "u") return edge === 0 ? (1n << BigInt(bits)) - 1n : rnd.bits(1 + rnd.int(bits));
    const max = (1n << BigInt(bits - 1)) - 1n;
    if (edge === 0) return rnd.int(2) === 0 ? max : -max - 1n;
    const magnitude = rnd.bits(1 + rnd.int(bits - 1));
    return rnd.int(2) === 0 ? magnitude : -magnitude;
  }
  if (type === "address") {
    const a = hex(rnd.bytes(20));
    return rnd.int(2) === 0 ? a : getAddress(a);
  }
  if (type === "bool") return rnd.int(2) === 0;
  if (type === "string") return rnd.text(rnd.int(40), "abc xyzÉé€😀0123");
  if (type === "bytes") return hex(rnd.bytes(rnd.int(70)));
  return hex(rnd.bytes(Number(type.slice(5))));
}

/** A chain of struct types S0 → S1 → … so that S0 is the unique primary type (ethers requires one). */
function randomTypes(rnd: TestRandom): Record<string, TypedDataField[]> {
  const count = 1 + rnd.int(3);
  const names = Array.from({ length: count }, (_, i) => ["Order", "Base", "Leg"][i]!);
  const types: Record<string, TypedDataField[]> = {};
  for (let i = 0; i < count; i++) {
    const fields: TypedDataField[] = [];
    const n = 1 + rnd.int(5);
    for (let f = 0; f < n; f++) {
      let type = randomAtomicType(rnd);
      if (rnd.int(5) === 0) type += rnd.int(2) === 0 ? "[]" : `[${1 + rnd.int(3)}]`;
      fields.push({ name: `f${f}`, type });
    }
    if (i + 1 < count) {
      const child = names[i + 1]!;
      fields.splice(rnd.int(fields.length + 1), 0, {
        name: "child",
        type: rnd.int(3) === 0 ? `${child}[]` : child,
      });
    }
    types[names[i]!] = fields;
  }
  return types;
}

function randomValue(rnd: TestRandom, types: Record<string, TypedDataField[]>, type: string): TypedDataValue {
  const array = /^(.*)\[([0-9]*)\]$/.exec(type);
  if (array !== null) {
    const length = array[2] === "" ? rnd.int(3) : Number(array[2]);
    return Array.from({ length }, () => randomValue(rnd, types, array[1]!));
  }
  const fields = types[type];
  if (fields === undefined) return randomAtomicValue(rnd, type);
  return Object.fromEntries(fields.map((f) => [f.name, randomValue(rnd, types, f.type)]));
}

function randomDomain(rnd: TestRandom): TypedDataDomain {
  for (;;) {
    const d: { -readonly [K in keyof TypedDataDomain]: TypedDataDomain[K] } = {};
    if (rnd.int(2) === 0) d.name = rnd.text(rnd.int(12), "abcdefXYZ ");
    if (rnd.int(2) === 0) d.version = String(rnd.int(10));
    if (rnd.int(2) === 0) d.chainId = rnd.pick([1n, 11155111n, 33431n, rnd.bits(64)]);
    if (rnd.int(2) === 0) d.verifyingContract = getAddress(hex(rnd.bytes(20)));
    if (rnd.int(2) === 0) d.salt = hex(rnd.bytes(32));
    if (Object.keys(d).length > 0) return d;
  }
}

// ethers' Wallet, TypedDataEncoder and verifyTypedData take mutable records; ours are readonly.
type EthersTypes = Record<string, TypedDataField[]>;
type EthersRecord = Record<string, unknown>;

Deno.test(`hashes and encodings equal ethers on random typed data (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 60);
  for (let i = 0; i < 60; i++) {
    const types = randomTypes(rnd);
    const domain = randomDomain(rnd);
    const message = randomValue(rnd, types, "Order") as Record<string, TypedDataValue>;
    const data: TypedData = { domain, types, primaryType: "Order", message };
    const encoder = TypedDataEncoder.from(types as EthersTypes);
    const context = JSON.stringify({ types, domain }, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
    assert.equal(encodeType(types, "Order"), encoder.encodeType("Order"), context);
    assert.equal(hex(hashStruct(types, "Order", message)), encoder.hashStruct("Order", message), context);
    assert.equal(hex(domainSeparator(domain)), TypedDataEncoder.hashDomain(domain as EthersRecord), context);
    assert.equal(
      hex(hashTypedData(data)),
      TypedDataEncoder.hash(domain as EthersRecord, types as EthersTypes, message),
      context,
    );
  }
});

Deno.test(`signatures equal ethers Wallet.signTypedData and recover the signer (seed ${SEED})`, async () => {
  const rnd = new TestRandom(SEED + 61);
  for (let i = 0; i < 12; i++) {
    const key = hex(rnd.bytes(32));
    const types = randomTypes(rnd);
    const domain = randomDomain(rnd);
    const message = randomValue(rnd, types, "Order") as Record<string, TypedDataValue>;
    const data: TypedData = { domain, types, primaryType: "Order", message };
    const wallet = new Wallet(key);
    const expected = await wallet.signTypedData(domain as EthersRecord, types as EthersTypes, message);
    const signature = signTypedData(data, key);
    assert.equal(signature, expected);
    assert.equal(addressFromPrivateKey(key), wallet.address);
    assert.equal(recoverTypedDataSigner(data, signature), wallet.address);
    assert.equal(
      verifyTypedData(domain as EthersRecord, types as EthersTypes, message, signature),
      wallet.address,
    );
  }
});

Deno.test("a changed field, domain or signature recovers another address", () => {
  const key = "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const data: TypedData = {
    domain: { name: "EdgeX", version: "1", chainId: 33431n },
    types: { Message: [{ name: "value", type: "uint256" }] },
    primaryType: "Message",
    message: { value: 1n },
  };
  const signer = addressFromPrivateKey(key);
  const signature = signTypedData(data, key);
  assert.equal(recoverTypedDataSigner(data, signature), signer);
  assert.notEqual(recoverTypedDataSigner({ ...data, message: { value: 2n } }, signature), signer);
  assert.notEqual(
    recoverTypedDataSigner({ ...data, domain: { ...data.domain, chainId: 3343n } }, signature),
    signer,
  );
  const flipped = signature.slice(0, 10) + (signature[10] === "0" ? "1" : "0") + signature.slice(11);
  assert.throws(() => assert.equal(recoverTypedDataSigner(data, flipped), signer));
  // v = 0/1 is accepted like 27/28; a high s (EIP-2) is refused.
  const v = parseInt(signature.slice(130), 16) - 27;
  assert.equal(recoverTypedDataSigner(data, signature.slice(0, 130) + `0${v}`), signer);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const highS = signature.slice(0, 66) + (ORDER - s).toString(16).padStart(64, "0") + signature.slice(130);
  assert.throws(() => recoverTypedDataSigner(data, highS), /EIP-2/);
  assert.throws(() => recoverTypedDataSigner(data, "0x1234"), TypedDataError);
});

Deno.test("values are checked strictly and errors name the field", () => {
  const types = {
    Base: [{ name: "nonce", type: "uint8" }, { name: "who", type: "address" }],
    Order: [{ name: "base", type: "Base" }, { name: "h", type: "bytes32" }, { name: "i", type: "int8" }],
  };
  const good = {
    base: { nonce: 255n, who: "0xfcad0b19bb29d4674531d6f115237e16afce377c" },
    h: `0x${"00".repeat(32)}`,
    i: -128,
  };
  hashStruct(types, "Order", good);
  const bad = (message: Record<string, TypedDataValue>, pattern: RegExp) =>
    assert.throws(
      () => hashStruct(types, "Order", message),
      (e: Error) => e instanceof TypedDataError && pattern.test(e.message),
    );
  bad(
    { ...good, base: { ...good.base, nonce: 256n } },
    /message\.base\.nonce 256: is out of range for uint8/,
  );
  bad({ ...good, base: { ...good.base, nonce: -1 } }, /message\.base\.nonce/);
  bad({ ...good, base: { ...good.base, nonce: 1.5 } }, /not a safe integer/);
  bad(
    { ...good, base: { ...good.base, who: "0xFCAd0B19bB29D4674531d6f115237E16AfCE377C" } },
    /message\.base\.who/,
  ); // bad checksum
  bad({ ...good, base: { nonce: 1n } }, /message\.base\.who \(missing\)/);
  bad({ ...good, h: "0x00" }, /message\.h .*exactly 32 bytes/);
  bad({ ...good, i: 128 }, /message\.i 128/);
  bad({ ...good, i: "abc" }, /message\.i/);
  const text = { Note: [{ name: "text", type: "string" }] };
  assert.throws(() => hashStruct(text, "Note", { text: "a\ud83d" }), /message\.text .*well-formed/);
  assert.equal(
    toChecksumAddress("0xfcad0b19bb29d4674531d6f115237e16afce377c"),
    "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c",
  );
  assert.throws(() => hashStruct(types, "Nope", good), TypedDataError);
  const data: TypedData = {
    domain: { name: "A", chainId: 1n },
    types: { ...types, EIP712Domain: [{ name: "name", type: "string" }] },
    primaryType: "Order",
    message: good,
  };
  assert.throws(() => hashTypedData(data), /types\.EIP712Domain/);
  hashTypedData({
    ...data,
    types: {
      ...types,
      EIP712Domain: [{ name: "name", type: "string" }, { name: "chainId", type: "uint256" }],
    },
  });
});

Deno.test("private keys are validated and never echoed", () => {
  const secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
  assert.throws(
    () => addressFromPrivateKey(secret),
    (e: Error) => !e.message.includes(secret) && /privateKey \(hidden\)/.test(e.message),
  );
  assert.throws(() => addressFromPrivateKey("0x" + "00".repeat(32)), TypedDataError);
  assert.throws(() => addressFromPrivateKey(ORDER.toString(16)), TypedDataError);
});
