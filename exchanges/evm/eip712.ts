/**
 * EIP-712 typed structured data: hashing, secp256k1 signing, signer recovery and Ethereum addresses, with
 * `@noble/curves` and `@noble/hashes` only (ethers stays out of the runtime: loading it pulls in a WebSocket
 * package that reads environment variables).
 *
 * ```
 * digest = keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(primaryType, message))
 * hashStruct(T, v) = keccak256(typeHash(T) ‖ encodeData(v))
 * typeHash(T) = keccak256("T(type1 name1,…)" + referenced structs, sorted by name)
 * ```
 *
 * Signatures are RFC 6979 deterministic with low s, written r ‖ s ‖ v with v = 27 or 28, byte for byte what
 * ethers `Wallet.signTypedData` returns. Values are checked strictly: an integer out of its type's range, a
 * byte string of the wrong length or an address with a wrong checksum is refused, naming the field.
 * @module
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils.js";

/** A typed-data value is refused; the message names the field (`message.base.nonce`) and the value. */
export class TypedDataError extends Error {
  /** The refused field's path. */
  readonly field: string;

  /**
   * Builds the message `Invalid <field> <shown>: <reason>`.
   * @param field the refused field's path
   * @param shown the value as it may be shown
   * @param reason what is wrong
   */
  constructor(field: string, shown: string, reason: string, options?: ErrorOptions) {
    super(`Invalid ${field} ${shown}: ${reason}`, options);
    this.name = "TypedDataError";
    this.field = field;
  }
}

/** One member of a struct type, e.g. `{ name: "nonce", type: "uint256" }`. */
export interface TypedDataField {
  /** Member name. */
  readonly name: string;
  /** Member type (`uint256`, `address`, a struct name, `T[]` …). */
  readonly type: string;
}

/** Struct definitions by name. An `EIP712Domain` entry, if present, must match the domain's fields. */
export type TypedDataTypes = Readonly<Record<string, readonly TypedDataField[]>>;

/** A value: integers as bigint, safe-integer number or decimal/hex string; bytes as hex or Uint8Array. */
export type TypedDataValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | readonly TypedDataValue[]
  | { readonly [member: string]: TypedDataValue };

/** The EIP-712 domain. Only the fields present are part of the domain type, in this order. */
export interface TypedDataDomain {
  /** Name of the signing domain. */
  readonly name?: string;
  /** Version of the signing domain. */
  readonly version?: string;
  /** EIP-155 chain id. */
  readonly chainId?: bigint | number | string;
  /** Contract that verifies the signature. */
  readonly verifyingContract?: string;
  /** 32-byte disambiguating salt. */
  readonly salt?: string | Uint8Array;
}

/** A complete typed-data request. */
export interface TypedData {
  /** The signing domain. */
  readonly domain: TypedDataDomain;
  /** Struct definitions. */
  readonly types: TypedDataTypes;
  /** The struct the message is. */
  readonly primaryType: string;
  /** The message value. */
  readonly message: { readonly [member: string]: TypedDataValue };
}

const DOMAIN_FIELDS: readonly TypedDataField[] = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
  { name: "salt", type: "bytes32" },
];

const encoder = new TextEncoder();
const SECP256K1_ORDER = secp256k1.Point.Fn.ORDER;

function show(value: unknown): string {
  const text = typeof value === "string"
    ? JSON.stringify(value)
    : value instanceof Uint8Array
    ? `0x${bytesToHex(value)}`
    : typeof value === "object" && value !== null
    ? "(object)"
    : String(value);
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

function strip0x(hex: string): string {
  return hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
}

function parseBytes(value: TypedDataValue, field: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string" && /^0[xX]([0-9a-fA-F]{2})*$/.test(value)) return hexToBytes(value.slice(2));
  throw new TypedDataError(field, show(value), "expected 0x-prefixed hex bytes or a Uint8Array");
}

function parseInteger(value: TypedDataValue, field: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return BigInt(value);
    throw new TypedDataError(field, show(value), "is not a safe integer; pass a bigint or a string");
  }
  if (typeof value === "string") {
    if (/^-?[0-9]+$/.test(value)) return BigInt(value);
    if (/^0[xX][0-9a-fA-F]+$/.test(value)) return BigInt(value);
  }
  throw new TypedDataError(
    field,
    show(value),
    "expected an integer (bigint, safe number, decimal or 0x hex)",
  );
}

function word(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, "0"));
}

/**
 * EIP-55 mixed-case checksum form of an address.
 * @throws TypedDataError if it is not 20 bytes of hex, or mixed-case with a wrong checksum
 */
export function toChecksumAddress(address: string, field = "address"): string {
  const hex = strip0x(address);
  if (!/^[0-9a-fA-F]{40}$/.test(hex) || !/^0[xX]/.test(address)) {
    throw new TypedDataError(field, show(address), "expected a 0x-prefixed 20-byte hex address");
  }
  const lower = hex.toLowerCase();
  const hash = bytesToHex(keccak_256(encoder.encode(lower)));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    out += parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  const mixed = hex !== lower && hex !== hex.toUpperCase();
  if (mixed && out.slice(2) !== hex) throw new TypedDataError(field, show(address), "bad EIP-55 checksum");
  return out;
}

function baseTypeName(type: string): string {
  const bracket = type.indexOf("[");
  return bracket === -1 ? type : type.slice(0, bracket);
}

function collect(types: TypedDataTypes, type: string, found: string[]): void {
  const name = baseTypeName(type);
  if (found.includes(name) || types[name] === undefined) return;
  found.push(name);
  for (const field of types[name]) collect(types, field.type, found);
}

/**
 * The encoded type string: the primary struct then every struct it references, sorted by name.
 * @throws TypedDataError if `primaryType` is not defined
 */
export function encodeType(types: TypedDataTypes, primaryType: string): string {
  if (types[primaryType] === undefined) {
    throw new TypedDataError("primaryType", show(primaryType), "is not defined in types");
  }
  const found: string[] = [];
  collect(types, primaryType, found);
  const [primary, ...rest] = found;
  return [primary!, ...rest.sort()]
    .map((name) => `${name}(${types[name]!.map((f) => `${f.type} ${f.name}`).join(",")})`)
    .join("");
}

const typeHashCache = new Map<string, Uint8Array>();

/** keccak256 of {@linkcode encodeType}; cached by type string. */
export function typeHash(types: TypedDataTypes, primaryType: string): Uint8Array {
  const encoded = encodeType(types, primaryType);
  let hash = typeHashCache.get(encoded);
  if (hash === undefined) {
    hash = keccak_256(encoder.encode(encoded));
    if (typeHashCache.size < 256) typeHashCache.set(encoded, hash);
  }
  return hash;
}

function encodeField(types: TypedDataTypes, type: string, value: TypedDataValue, field: string): Uint8Array {
  if (types[type] !== undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      throw new TypedDataError(field, show(value), `expected a ${type} struct`);
    }
    return hashStructAt(types, type, value as { readonly [member: string]: TypedDataValue }, field);
  }
  const array = /^(.*)\[([0-9]*)\]$/.exec(type);
  if (array !== null) {
    if (!Array.isArray(value)) throw new TypedDataError(field, show(value), `expected an array for ${type}`);
    const items = value as readonly TypedDataValue[];
    if (array[2] !== "" && items.length !== Number(array[2])) {
      throw new TypedDataError(field, `(${items.length} items)`, `${type} needs exactly ${array[2]}`);
    }
    const element = array[1]!;
    return keccak_256(concatBytes(...items.map((v, i) => encodeField(types, element, v, `${field}[${i}]`))));
  }
  if (type === "string") {
    if (typeof value !== "string") throw new TypedDataError(field, show(value), "expected a string");
    // TextEncoder would silently replace a lone surrogate; refuse it as ethers does.
    if (!value.isWellFormed()) throw new TypedDataError(field, show(value), "is not well-formed Unicode");
    return keccak_256(encoder.encode(value));
  }
  if (type === "bytes") return keccak_256(parseBytes(value, field));
  if (type === "bool") {
    if (typeof value !== "boolean") throw new TypedDataError(field, show(value), "expected true or false");
    return word(value ? 1n : 0n);
  }
  if (type === "address") {
    if (typeof value !== "string") throw new TypedDataError(field, show(value), "expected an address string");
    return word(BigInt(toChecksumAddress(value, field)));
  }
  const int = /^(u?)int([0-9]+)$/.exec(type);
  if (int !== null) {
    const bits = Number(int[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) {
      throw new TypedDataError(field, show(type), "unknown integer type");
    }
    const n = parseInteger(value, field);
    const unsigned = int[1] === "u";
    const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
    const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
    if (n < min || n > max) throw new TypedDataError(field, show(n), `is out of range for ${type}`);
    return word(BigInt.asUintN(256, n));
  }
  const fixed = /^bytes([0-9]+)$/.exec(type);
  if (fixed !== null) {
    const size = Number(fixed[1]);
    if (size < 1 || size > 32) throw new TypedDataError(field, show(type), "unknown bytes type");
    const bytes = parseBytes(value, field);
    if (bytes.length !== size) {
      throw new TypedDataError(field, show(value), `${type} needs exactly ${size} bytes`);
    }
    const out = new Uint8Array(32);
    out.set(bytes);
    return out;
  }
  throw new TypedDataError(field, show(type), "unknown EIP-712 type");
}

function hashStructAt(
  types: TypedDataTypes,
  type: string,
  data: { readonly [member: string]: TypedDataValue },
  path: string,
): Uint8Array {
  const fields = types[type];
  if (fields === undefined) throw new TypedDataError(path, show(type), "is not defined in types");
  const parts = [typeHash(types, type)];
  for (const f of fields) {
    const value = data[f.name];
    const at = `${path}.${f.name}`;
    if (value === undefined || value === null) {
      throw new TypedDataError(at, "(missing)", "a value is required");
    }
    parts.push(encodeField(types, f.type, value, at));
  }
  return keccak_256(concatBytes(...parts));
}

/**
 * hashStruct(type, data) = keccak256(typeHash ‖ encoded members).
 * @param path the name used for `data` in error messages
 */
export function hashStruct(
  types: TypedDataTypes,
  type: string,
  data: { readonly [member: string]: TypedDataValue },
  path = "message",
): Uint8Array {
  return hashStructAt(types, type, data, path);
}

/** The `EIP712Domain` members for the fields present in `domain`, in canonical order. */
export function domainType(domain: TypedDataDomain): TypedDataField[] {
  return DOMAIN_FIELDS.filter((f) => domain[f.name as keyof TypedDataDomain] !== undefined);
}

/** The domain separator: hashStruct("EIP712Domain", domain). */
export function domainSeparator(domain: TypedDataDomain): Uint8Array {
  const data: Record<string, TypedDataValue> = {};
  for (const f of domainType(domain)) data[f.name] = domain[f.name as keyof TypedDataDomain]!;
  return hashStruct({ EIP712Domain: domainType(domain) }, "EIP712Domain", data, "domain");
}

function checkDomainType(typedData: TypedData): void {
  const declared = typedData.types["EIP712Domain"];
  if (declared === undefined) return;
  const derived = domainType(typedData.domain);
  const same = declared.length === derived.length &&
    declared.every((f, i) => f.name === derived[i]!.name && f.type === derived[i]!.type);
  if (!same) {
    throw new TypedDataError(
      "types.EIP712Domain",
      show(declared.map((f) => f.name).join(",")),
      `does not match the domain's fields (${derived.map((f) => f.name).join(",")})`,
    );
  }
}

/** The 32-byte digest that is signed: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)). */
export function hashTypedData(typedData: TypedData): Uint8Array {
  checkDomainType(typedData);
  return keccak_256(
    concatBytes(
      Uint8Array.of(0x19, 0x01),
      domainSeparator(typedData.domain),
      hashStruct(typedData.types, typedData.primaryType, typedData.message),
    ),
  );
}

/**
 * Reads a secp256k1 private key: 64 hex digits, with or without `0x`, or 32 bytes. Never echoed in errors.
 * @throws TypedDataError if malformed or not in [1, n)
 */
export function parseEvmPrivateKey(key: string | Uint8Array, field = "privateKey"): Uint8Array {
  let bytes: Uint8Array;
  if (typeof key === "string") {
    const hex = strip0x(key);
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new TypedDataError(field, "(hidden)", `expected 64 hex digits, got ${hex.length} characters`);
    }
    bytes = hexToBytes(hex);
  } else {
    bytes = key;
  }
  if (!secp256k1.utils.isValidSecretKey(bytes)) {
    throw new TypedDataError(field, "(hidden)", "not a valid secp256k1 private key");
  }
  return bytes;
}

/** Signs a 32-byte digest: `0x` + r ‖ s ‖ v (65 bytes, low s, v = 27 or 28). */
export function signDigest(digest: Uint8Array, privateKey: string | Uint8Array): string {
  const recovered = secp256k1.sign(digest, parseEvmPrivateKey(privateKey), {
    prehash: false,
    format: "recovered",
  });
  // noble's recovered format is recovery ‖ r ‖ s; Ethereum writes r ‖ s ‖ (27 + recovery).
  return `0x${bytesToHex(recovered.subarray(1))}${(27 + recovered[0]!).toString(16)}`;
}

/** Signs typed data; the same output as ethers `Wallet.signTypedData`. */
export function signTypedData(typedData: TypedData, privateKey: string | Uint8Array): string {
  return signDigest(hashTypedData(typedData), privateKey);
}

/** The checksummed address of an uncompressed or compressed secp256k1 public key. */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return toChecksumAddress(`0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`);
}

/** The checksummed Ethereum address of a private key. */
export function addressFromPrivateKey(privateKey: string | Uint8Array): string {
  return addressFromPublicKey(secp256k1.getPublicKey(parseEvmPrivateKey(privateKey), false));
}

/**
 * The address that produced `signature` (r ‖ s ‖ v hex, v in {0, 1, 27, 28}) over `digest`.
 * @throws TypedDataError if the signature is malformed, has a high s (EIP-2), or recovers no key
 */
export function recoverDigestSigner(digest: Uint8Array, signature: string): string {
  const hex = strip0x(signature);
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) {
    throw new TypedDataError("signature", show(signature), "expected 65 bytes");
  }
  const v = parseInt(hex.slice(128), 16);
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) throw new TypedDataError("signature", show(signature), `bad v ${v}`);
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  if (s > SECP256K1_ORDER >> 1n) {
    throw new TypedDataError("signature", show(signature), "s is not canonical (EIP-2)");
  }
  const recovered = hexToBytes(recovery.toString(16).padStart(2, "0") + hex.slice(0, 128));
  let publicKey: Uint8Array;
  try {
    publicKey = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
  } catch (cause) {
    throw new TypedDataError("signature", show(signature), "recovers no public key", { cause });
  }
  return addressFromPublicKey(publicKey);
}

/** The address that signed `typedData`; compare it with the expected signer to verify a signature. */
export function recoverTypedDataSigner(typedData: TypedData, signature: string): string {
  return recoverDigestSigner(hashTypedData(typedData), signature);
}
