/**
 * SNIP-12 revision 0 hashing against starknet.js `typedData` on random messages (Paradex's own types and
 * random nested types), plus the domain hashes pinned by Paradex's code samples.
 */
import assert from "node:assert/strict";
import { typedData as starknetTypedData } from "starknet";
import {
  encodeType,
  FeltStructHasher,
  messageHash,
  StarkMessageHasher,
  STARKNET_DOMAIN_MEMBERS,
  STARKNET_MESSAGE_PREFIX,
  starknetDomainHash,
  type StarkTypedDataV0,
  type StarkTypedStruct,
  type StarkTypedValue,
  type StarkTypes,
  structHash,
  typeHash,
} from "../../../exchanges/stark/typed_data.ts";
import { FIELD_PRIME } from "../../../exchanges/stark/felt.ts";
import { InvalidFieldError } from "../../../exchanges/stark/errors.ts";
import { SEED, TestRandom } from "./testdata.ts";

type OracleTypedData = Parameters<typeof starknetTypedData.getMessageHash>[0];

function oracleHash(data: StarkTypedDataV0, account: bigint): bigint {
  return BigInt(starknetTypedData.getMessageHash(data as unknown as OracleTypedData, account));
}

/** A random felt in one of the spellings revision 0 accepts. */
function randomFeltValue(rnd: TestRandom): StarkTypedValue {
  switch (rnd.int(5)) {
    case 0:
      return `0x${rnd.below(FIELD_PRIME).toString(16)}`;
    case 1:
      return rnd.bits(1 + rnd.int(200)).toString();
    case 2:
      // Not only spaces: starknet.js reads " " with BigInt() as 0, starknet-py (and parseFelt) as a short string.
      return rnd.text(1 + rnd.int(31), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh-_/ ").replace(/^ +$/, "A");
    case 3:
      return rnd.int(1_000_000);
    default:
      return "";
  }
}

const PARADEX_TYPES: Record<string, string[]> = {
  Order: ["timestamp", "market", "side", "orderType", "size", "price"],
  ModifyOrder: ["timestamp", "market", "side", "orderType", "size", "price", "id"],
  Request: ["method", "path", "body", "timestamp", "expiration"],
  Constant: ["action"],
};

Deno.test(`messageHash equals starknet.js on random Paradex messages (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 40);
  for (let i = 0; i < 12; i++) {
    const primaryType = rnd.pick(Object.keys(PARADEX_TYPES));
    const members = PARADEX_TYPES[primaryType]!;
    const message: Record<string, StarkTypedValue> = {};
    for (const m of members) message[m] = randomFeltValue(rnd);
    const data: StarkTypedDataV0 = {
      types: {
        StarkNetDomain: STARKNET_DOMAIN_MEMBERS,
        [primaryType]: members.map((name) => ({ name, type: "felt" })),
      },
      primaryType,
      domain: { name: "Paradex", chainId: rnd.text(1 + rnd.int(30)), version: "1" },
      message,
    };
    const account = rnd.below(FIELD_PRIME);
    assert.equal(messageHash(data, account), oracleHash(data, account), JSON.stringify(data));
  }
});

/** Random struct types referencing each other (depth ≤ 2), with felt, felt* and struct members. */
function randomTypes(
  rnd: TestRandom,
): { types: Record<string, { name: string; type: string }[]>; primary: string } {
  const names = ["Zeta", "Alpha", "Mid", "Leaf"];
  const types: Record<string, { name: string; type: string }[]> = {};
  // Leaf has only felts; each earlier type may reference later ones, so there is no cycle.
  for (let t = names.length - 1; t >= 0; t--) {
    const members: { name: string; type: string }[] = [];
    const count = 1 + rnd.int(4);
    for (let m = 0; m < count; m++) {
      const later = names.slice(t + 1);
      const kind = later.length > 0 ? rnd.int(4) : rnd.int(2);
      const type = kind === 0
        ? "felt"
        : kind === 1
        ? "felt*"
        : kind === 2
        ? rnd.pick(later)
        : `${rnd.pick(later)}*`;
      members.push({ name: `${rnd.text(3, "abcdefgh")}${m}`, type });
    }
    types[names[t]!] = members;
  }
  return { types, primary: names[0]! };
}

function randomValue(rnd: TestRandom, types: StarkTypes, type: string): StarkTypedValue {
  if (type.endsWith("*")) {
    return Array.from({ length: rnd.int(3) }, () => randomValue(rnd, types, type.slice(0, -1)));
  }
  const members = types[type];
  if (members === undefined) return randomFeltValue(rnd);
  const out: Record<string, StarkTypedValue> = {};
  for (const m of members) out[m.name] = randomValue(rnd, types, m.type);
  return out;
}

Deno.test(`encodeType, typeHash, structHash and messageHash equal starknet.js on random nested types (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 41);
  for (let i = 0; i < 10; i++) {
    const { types, primary } = randomTypes(rnd);
    const oracleTypes = types as unknown as OracleTypedData["types"];
    assert.equal(encodeType(types, primary), starknetTypedData.encodeType(oracleTypes, primary));
    assert.equal(typeHash(types, primary), BigInt(starknetTypedData.getTypeHash(oracleTypes, primary)));
    const message = randomValue(rnd, types, primary) as StarkTypedStruct;
    assert.equal(
      structHash(types, primary, message),
      BigInt(starknetTypedData.getStructHash(oracleTypes, primary, message as never)),
      JSON.stringify(message),
    );
    const data: StarkTypedDataV0 = {
      types: { ...types, StarkNetDomain: STARKNET_DOMAIN_MEMBERS },
      primaryType: primary,
      domain: { name: "Test", chainId: "SN_TEST", version: "2" },
      message,
    };
    const account = rnd.below(FIELD_PRIME);
    assert.equal(messageHash(data, account), oracleHash(data, account));
  }
});

Deno.test("domain hashes match Paradex's pinned values", () => {
  // code-samples python/message_hash.py (older Goerli chain), and the current chains.
  const domain = (chainId: string) => starknetDomainHash({ name: "Paradex", chainId, version: "1" });
  assert.equal(
    domain("PRIVATE_SN_POTC_GOERLI"),
    3014178702424108121777716632486845591462527404146882043469255095154522182084n,
  );
  assert.equal(
    domain("PRIVATE_SN_POTC_SEPOLIA"),
    1603539743484675373284660270357743857147915625567819499233053252573016071922n,
  );
  assert.equal(
    domain("PRIVATE_SN_PARACLEAR_MAINNET"),
    3150834429238099505315391769608404414653817918509159112547639906091013736970n,
  );
  assert.equal(STARKNET_MESSAGE_PREFIX, 110930206544689809660069706067448260453n);
});

Deno.test(`FeltStructHasher and StarkMessageHasher equal the generic hashing (seed ${SEED})`, () => {
  const rnd = new TestRandom(SEED + 42);
  const members = ["timestamp", "market", "side", "orderType", "size", "price"];
  const hasher = new FeltStructHasher("Order", members);
  const types = { Order: members.map((name) => ({ name, type: "felt" })) };
  assert.equal(hasher.typeHash, typeHash(types, "Order"));
  const domainHash = starknetDomainHash({ name: "Paradex", chainId: "SN", version: "1" });
  const account = rnd.below(FIELD_PRIME);
  const finisher = new StarkMessageHasher(domainHash, account);
  for (let i = 0; i < 3; i++) {
    const values = members.map(() => rnd.below(FIELD_PRIME));
    const message = Object.fromEntries(members.map((m, j) => [m, values[j]!]));
    assert.equal(hasher.hash(values), structHash(types, "Order", message));
    const data: StarkTypedDataV0 = {
      types: { ...types, StarkNetDomain: STARKNET_DOMAIN_MEMBERS },
      primaryType: "Order",
      domain: { name: "Paradex", chainId: "SN", version: "1" },
      message,
    };
    assert.equal(finisher.hash(hasher.hash(values)), messageHash(data, account));
  }
  assert.throws(() => hasher.hash([1n]), /expected 6/);
  assert.throws(() => new StarkMessageHasher(domainHash, FIELD_PRIME), /account/);
});

Deno.test("typed data errors name the member", () => {
  const types = { StarkNetDomain: STARKNET_DOMAIN_MEMBERS, Order: [{ name: "market", type: "felt" }] };
  const base = { types, primaryType: "Order", domain: { name: "P", chainId: "C", version: "1" } };
  assert.throws(() => messageHash({ ...base, message: {} }, 1n), /message\.market \(missing\)/);
  assert.throws(() => messageHash({ ...base, message: { market: "x".repeat(40) } }, 1n), /message\.market/);
  assert.throws(() => messageHash({ ...base, primaryType: "Nope", message: {} }, 1n), /primaryType/);
  assert.throws(
    () => messageHash({ ...base, types: { Order: types.Order }, message: { market: "A" } }, 1n),
    InvalidFieldError,
  );
  const merkle = { ...types, Order: [{ name: "root", type: "merkletree" }] };
  assert.throws(() => messageHash({ ...base, types: merkle, message: { root: [] } }, 1n), /not supported/);
  const nested = { ...types, Order: [{ name: "inner", type: "Leaf" }], Leaf: [{ name: "v", type: "felt" }] };
  assert.throws(
    () => messageHash({ ...base, types: nested, message: { inner: { w: 1 } } }, 1n),
    /message\.inner\.v/,
  );
});
