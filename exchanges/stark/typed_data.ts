/**
 * SNIP-12 revision 0 typed-data hashing (`StarkNetDomain`, Pedersen), the scheme Paradex signs every L2
 * message with. This is the legacy revision, not revision 1 (`StarknetDomain`, Poseidon).
 *
 * ```
 * typeHash(T)      = starknet_keccak("T(f1:type1,f2:type2)" + referenced types, sorted)
 * structHash(T, d) = hashOnElements([typeHash(T), enc(d.f1), enc(d.f2), …])
 * messageHash      = hashOnElements(["StarkNet Message", structHash(StarkNetDomain, domain), account,
 *                                    structHash(primaryType, message)])
 * ```
 *
 * The generic functions follow starknet.js `typedData` for the member types listed in
 * {@linkcode StarkTypeMember}. The two classes are the fast path for hot messages: they hash the constant
 * prefixes once (type hash, domain, account) so that signing an order only hashes what changes.
 * @module
 */
import { keccak } from "@scure/starknet";
import { InvalidFieldError, showValue } from "./errors.ts";
import { checkFelt, encodeShortString, type FeltInput, parseFelt } from "./felt.ts";
import { pedersen, pedersenFold, pedersenHashOnElements } from "./pedersen.ts";

/**
 * One member of a struct type. `type` is `felt` (also spelled `shortstring`, `string`, `ContractAddress`,
 * `ClassHash`, `timestamp`, `u128`), `bool`, the name of another struct in the same `types`, or any of
 * those followed by `*` for an array.
 */
export interface StarkTypeMember {
  /** Member name. */
  readonly name: string;
  /** Member type. */
  readonly type: string;
}

/** Struct definitions by name. */
export type StarkTypes = Readonly<Record<string, readonly StarkTypeMember[]>>;

/** A value in a typed message: a felt, a boolean, an array, or a nested struct. */
export type StarkTypedValue = FeltInput | boolean | readonly StarkTypedValue[] | StarkTypedStruct;

/** A struct value: member name → value. */
export interface StarkTypedStruct {
  /** Member values by name. */
  readonly [member: string]: StarkTypedValue;
}

/** A complete SNIP-12 revision 0 message, in the JSON shape starknet.js and the venues use. */
export interface StarkTypedDataV0 {
  /** Struct definitions, including `StarkNetDomain`. */
  readonly types: StarkTypes;
  /** The struct the message is. */
  readonly primaryType: string;
  /** The `StarkNetDomain` value {name, chainId, version}. */
  readonly domain: StarkTypedStruct;
  /** The message value. */
  readonly message: StarkTypedStruct;
}

/** The domain struct of revision 0. Its members are in this order, which is not alphabetical. */
export const STARKNET_DOMAIN_MEMBERS: readonly StarkTypeMember[] = [
  { name: "name", type: "felt" },
  { name: "chainId", type: "felt" },
  { name: "version", type: "felt" },
];

/** The first element of every message hash: the short string "StarkNet Message". */
export const STARKNET_MESSAGE_PREFIX: bigint = encodeShortString("StarkNet Message", "prefix");

const FELT_TYPES = new Set([
  "felt",
  "shortstring",
  "string",
  "ContractAddress",
  "ClassHash",
  "timestamp",
  "u128",
]);

/** Starknet keccak: keccak-256 of the UTF-8 bytes, keeping the low 250 bits (type hashes, selectors). */
export function starknetKeccak(text: string): bigint {
  return keccak(new TextEncoder().encode(text));
}

function baseType(type: string): string {
  return type.endsWith("*") ? type.slice(0, -1) : type;
}

function collectDependencies(types: StarkTypes, type: string, found: string[]): void {
  const name = baseType(type);
  if (found.includes(name) || types[name] === undefined) return;
  found.push(name);
  for (const member of types[name]) collectDependencies(types, member.type, found);
}

/**
 * The type string that is hashed into a type hash: the primary type, then every struct it references,
 * sorted by name, each as `Name(member:type,…)`.
 * @throws InvalidFieldError if `primaryType` is not defined in `types`
 */
export function encodeType(types: StarkTypes, primaryType: string): string {
  if (types[primaryType] === undefined) {
    throw new InvalidFieldError("primaryType", showValue(primaryType), "is not defined in types");
  }
  const found: string[] = [];
  collectDependencies(types, primaryType, found);
  const [primary, ...rest] = found;
  return [primary!, ...rest.sort()]
    .map((name) => `${name}(${types[name]!.map((m) => `${m.name}:${m.type}`).join(",")})`)
    .join("");
}

/** The type hash of `primaryType`: starknet keccak of {@linkcode encodeType}. */
export function typeHash(types: StarkTypes, primaryType: string): bigint {
  return starknetKeccak(encodeType(types, primaryType));
}

function encodeValue(types: StarkTypes, type: string, value: StarkTypedValue, path: string): bigint {
  if (type.endsWith("*")) {
    if (!Array.isArray(value)) {
      throw new InvalidFieldError(path, showValue(value), `expected an array for ${type}`);
    }
    const element = type.slice(0, -1);
    return pedersenHashOnElements(value.map((v, i) => encodeValue(types, element, v, `${path}[${i}]`)));
  }
  if (types[type] !== undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidFieldError(path, showValue(value), `expected a ${type} struct`);
    }
    return structHashAt(types, type, value as StarkTypedStruct, path);
  }
  if (type === "bool" && typeof value === "boolean") return value ? 1n : 0n;
  if (FELT_TYPES.has(type) || type === "bool") {
    if (typeof value === "boolean" || typeof value === "object") {
      throw new InvalidFieldError(path, showValue(value), `expected a felt value for ${type}`);
    }
    return parseFelt(value, path);
  }
  throw new InvalidFieldError(
    path,
    showValue(type),
    "this member type is not supported by revision 0 hashing here",
  );
}

function structHashAt(types: StarkTypes, type: string, data: StarkTypedStruct, path: string): bigint {
  const members = types[type];
  if (members === undefined) throw new InvalidFieldError(path, showValue(type), "is not defined in types");
  const elements = [typeHash(types, type)];
  for (const member of members) {
    const value = data[member.name];
    const at = `${path}.${member.name}`;
    if (value === undefined || value === null) {
      throw new InvalidFieldError(at, "(missing)", "a value is required");
    }
    elements.push(encodeValue(types, member.type, value, at));
  }
  return pedersenHashOnElements(elements);
}

/**
 * The struct hash of `data` as a `type`: hashOnElements of the type hash and each member's encoding.
 * @param path the name used for `data` in error messages (`message`, `domain`)
 * @throws InvalidFieldError naming the member (`message.market`) if a value is missing or invalid
 */
export function structHash(
  types: StarkTypes,
  type: string,
  data: StarkTypedStruct,
  path = "message",
): bigint {
  return structHashAt(types, type, data, path);
}

/** The struct hash of a revision 0 `StarkNetDomain` {name, chainId, version}. */
export function starknetDomainHash(
  domain: { name: FeltInput; chainId: FeltInput; version: FeltInput },
): bigint {
  return structHash({ StarkNetDomain: STARKNET_DOMAIN_MEMBERS }, "StarkNetDomain", domain, "domain");
}

/**
 * The message hash that is signed, for an account address.
 * @throws InvalidFieldError if `types` lacks `StarkNetDomain` or a value is invalid
 */
export function messageHash(typedData: StarkTypedDataV0, account: bigint): bigint {
  if (typedData.types[typedData.primaryType] === undefined) {
    throw new InvalidFieldError("primaryType", showValue(typedData.primaryType), "is not defined in types");
  }
  if (typedData.types["StarkNetDomain"] === undefined) {
    throw new InvalidFieldError(
      "types",
      "(StarkNetDomain missing)",
      "revision 0 typed data must define StarkNetDomain",
    );
  }
  return pedersenHashOnElements([
    STARKNET_MESSAGE_PREFIX,
    structHash(typedData.types, "StarkNetDomain", typedData.domain, "domain"),
    parseFelt(account, "account"),
    structHash(typedData.types, typedData.primaryType, typedData.message, "message"),
  ]);
}

/**
 * Hashes messages of one flat struct type whose members are all felts, reusing the hashed type hash.
 * Values are given as felts in member order; converting them (short strings, scaling) is the caller's job.
 */
export class FeltStructHasher {
  /** The struct's type hash. */
  readonly typeHash: bigint;
  readonly #members: number;
  readonly #start: bigint;

  /**
   * Hashes the type once.
   * @param typeName struct name
   * @param memberNames member names in signing order (all of type felt)
   */
  constructor(typeName: string, memberNames: readonly string[]) {
    this.typeHash = typeHash({ [typeName]: memberNames.map((name) => ({ name, type: "felt" })) }, typeName);
    this.#members = memberNames.length;
    this.#start = pedersen(0n, this.typeHash);
  }

  /**
   * The struct hash of one message.
   * @throws InvalidFieldError if the number of values is wrong; FieldRangeError if one is not a felt
   */
  hash(values: readonly bigint[]): bigint {
    if (values.length !== this.#members) {
      throw new InvalidFieldError("values", `(${values.length} values)`, `expected ${this.#members}`);
    }
    return pedersen(pedersenFold(this.#start, values), BigInt(this.#members + 1));
  }
}

/** Finishes message hashes for one domain and account, with the constant three-element prefix hashed once. */
export class StarkMessageHasher {
  readonly #state: bigint;

  /**
   * Hashes the prefix once.
   * @param domainHash the domain's struct hash
   * @param account the signing account address
   */
  constructor(domainHash: bigint, account: bigint) {
    this.#state = pedersenFold(0n, [
      STARKNET_MESSAGE_PREFIX,
      checkFelt(domainHash, "domainHash"),
      checkFelt(account, "account"),
    ]);
  }

  /** The message hash for a primary struct hash. */
  hash(structHash: bigint): bigint {
    return pedersen(pedersen(this.#state, structHash), 4n);
  }
}
