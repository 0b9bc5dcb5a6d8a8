/**
 * Backpack signer: the known-answer vectors (RFC 8032 test-1 key), the instruction string built from request
 * parameters, sign/verify round trips, tampering, and keeping the secret out of every printed form.
 */
import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  BackpackSigner,
  BackpackSigningError,
  backpackSigningString,
  base64ToBytes,
  bytesToBase64,
  type SignedParams,
  verifyBackpackSignature,
} from "../../../exchanges/backpack/signer.ts";
import { ConfigError } from "../../../bot/errors.ts";

/** RFC 8032 §7.1 TEST 1 seed, base64. */
const SECRET = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
/** Its public key, base64 (the X-API-Key). */
const PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

interface Vector {
  signing: string;
  sig: string;
}

const VECTORS: Vector[] = Deno.readTextFileSync(new URL("../../testdata/backpack.jsonl", import.meta.url))
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Vector);

const signer = new BackpackSigner(SECRET, PUBLIC);

Deno.test("backpack signer: the key derives the RFC 8032 test-1 public key", () => {
  assert.equal(signer.publicKey, PUBLIC);
  const hex = Array.from(base64ToBytes(PUBLIC)!, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
});

Deno.test("backpack signer: sign('') is the RFC 8032 test-1 signature", () => {
  const hex = Array.from(base64ToBytes(signer.signText(""))!, (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  assert.equal(
    hex,
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" +
      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  );
});

Deno.test("backpack signer: reproduces every line of backpack.jsonl exactly", () => {
  assert.equal(VECTORS.length, 4, "the vector file has four lines");
  for (const v of VECTORS) {
    assert.equal(signer.signText(v.signing), v.sig, v.signing);
    assert.ok(verifyBackpackSignature(PUBLIC, v.signing, v.sig), v.signing);
  }
});

/** Request parameters → the instruction string and signature of each vector (and of the doc examples). */
const REQUESTS: {
  instruction: string;
  params: SignedParams;
  timestamp: number;
  signing: string;
  sig: string;
}[] = [
  {
    instruction: "orderExecute",
    // Insertion order differs from the sorted order on purpose.
    params: {
      symbol: "SOL_USDC_PERP",
      side: "Bid",
      orderType: "Limit",
      quantity: "0.5",
      price: "141.25",
      postOnly: true,
      timeInForce: "GTC",
      clientId: 123,
    },
    timestamp: 1750793021519,
    signing: VECTORS[0]!.signing,
    sig: VECTORS[0]!.sig,
  },
  {
    instruction: "orderCancel",
    params: { symbol: "SOL_USDC_PERP", orderId: "114575813313101824" },
    timestamp: 1750793021519,
    signing: VECTORS[1]!.signing,
    sig: VECTORS[1]!.sig,
  },
  {
    instruction: "orderQueryAll",
    params: { symbol: "SOL_USDC_PERP" },
    timestamp: 1750793021519,
    signing: VECTORS[2]!.signing,
    sig: VECTORS[2]!.sig,
  },
  {
    instruction: "positionQuery",
    params: {},
    timestamp: 1750793021519,
    signing: VECTORS[3]!.signing,
    sig: VECTORS[3]!.sig,
  },
  {
    instruction: "orderCancel",
    params: { symbol: "BTC_USDT", orderId: 28 },
    timestamp: 1614550000000,
    signing: "instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000",
    sig: "wLQaGPszkXrEWaIm6RsnVLJv70Uuw62SXxmdso6cadUmR0NWzFhfhvuCWMl+jbBNJ5gZRfCPjvXI29H7JeW6Ag==",
  },
];

Deno.test("backpack signer: request parameters give the vectors' instruction strings and signatures", () => {
  for (const r of REQUESTS) {
    const signed = signer.sign(r.instruction, r.params, r.timestamp);
    assert.equal(signed.signingString, r.signing);
    assert.deepEqual(signed.headers, {
      "X-API-Key": PUBLIC,
      "X-Signature": r.sig,
      "X-Timestamp": String(r.timestamp),
      "X-Window": "5000",
    });
  }
});

Deno.test("backpack signer: stream subscription signature matches the doc example", () => {
  assert.deepEqual(signer.streamSignature(1614550000000), [
    PUBLIC,
    "nnH9lOoIF3v72vbmeopqLLUggbPuhAuXgYbQc6qJnYSsFW0ZM3hUVK4feOAmIHQA02vH16oz+C3+6HQmPkggDA==",
    "1614550000000",
    "5000",
  ]);
});

Deno.test("backpack signer: instruction string rules", () => {
  const cases: [SignedParams, number, string][] = [
    [{}, 5000, "instruction=x&timestamp=1&window=5000"],
    [{ b: false, a: true }, 5000, "instruction=x&a=true&b=false&timestamp=1&window=5000"],
    [{ skipped: undefined, k: "v" }, 60_000, "instruction=x&k=v&timestamp=1&window=60000"],
    // Raw, not URL-encoded; upper case sorts before lower case (byte order).
    [
      { z: "a b&c", Z: "1", clientId: 4294967295 },
      1,
      "instruction=x&Z=1&clientId=4294967295&z=a b&c&timestamp=1&window=1",
    ],
    [{ big: 12345678901234567890n }, 5000, "instruction=x&big=12345678901234567890&timestamp=1&window=5000"],
  ];
  for (const [params, window, expected] of cases) {
    assert.equal(backpackSigningString("x", params, 1, window), expected);
  }
});

Deno.test("backpack signer: refuses values it cannot sign", () => {
  const bad: [string, SignedParams, number, number][] = [
    ["bad instruction", {}, 1, 5000],
    ["x", { n: Number.NaN }, 1, 5000],
    ["x", { n: Infinity }, 1, 5000],
    ["x", { o: {} as unknown as string }, 1, 5000],
    ["x", {}, -1, 5000],
    ["x", {}, 1.5, 5000],
    ["x", {}, 1, 0],
    ["x", {}, 1, 60_001],
  ];
  for (const [instruction, params, ts, window] of bad) {
    assert.throws(() => backpackSigningString(instruction, params, ts, window), BackpackSigningError);
  }
});

Deno.test("backpack signer: sign/verify round trip on random keys; tampering fails", () => {
  for (let i = 0; i < 20; i++) {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const s = new BackpackSigner(bytesToBase64(seed), bytesToBase64(ed25519.getPublicKey(seed)));
    const message = backpackSigningString(
      "orderExecute",
      { clientId: i + 1, price: `${100 + i}.5` },
      1e12 + i,
    );
    const sig = s.signText(message);
    assert.ok(verifyBackpackSignature(s.publicKey, message, sig));
    // One changed character in the message, the signature or the key.
    assert.equal(verifyBackpackSignature(s.publicKey, message.replace("price=", "price=1"), sig), false);
    const sigBytes = base64ToBytes(sig)!;
    sigBytes[i % 64] = sigBytes[i % 64]! ^ 1;
    assert.equal(verifyBackpackSignature(s.publicKey, message, bytesToBase64(sigBytes)), false);
    assert.equal(verifyBackpackSignature(PUBLIC, message, sig), false);
  }
  assert.equal(verifyBackpackSignature("not base64!", "m", VECTORS[0]!.sig), false);
  assert.equal(verifyBackpackSignature(PUBLIC, "m", "AAAA"), false);
});

Deno.test("backpack signer: base64 with and without padding; malformed text refused", () => {
  const table: [string, number[] | undefined][] = [
    ["", []],
    ["AQ==", [1]],
    ["AQ", [1]],
    ["AQI=", [1, 2]],
    ["AQI", [1, 2]],
    ["AQID", [1, 2, 3]],
    ["AQ=", undefined],
    ["A", undefined],
    ["AQ-D", undefined],
    ["AQ_D", undefined],
    ["AQ ID", undefined],
    ["AQID==", undefined],
  ];
  for (const [text, bytes] of table) {
    const got = base64ToBytes(text);
    assert.deepEqual(got === undefined ? undefined : [...got], bytes, text);
  }
  assert.equal(new BackpackSigner(SECRET.replace(/=$/, ""), PUBLIC.replace(/=$/, "")).publicKey, PUBLIC);
});

Deno.test("backpack signer: key errors name the variable and never contain a key", () => {
  const otherSeed = new Uint8Array(32).fill(7);
  const otherPublic = bytesToBase64(ed25519.getPublicKey(otherSeed));
  const cases: [Record<string, string>, string][] = [
    [{ BACKPACK_PUBLIC_KEY: PUBLIC }, "BACKPACK_SECRET_KEY"],
    [{ BACKPACK_SECRET_KEY: "  ", BACKPACK_PUBLIC_KEY: PUBLIC }, "BACKPACK_SECRET_KEY"],
    [{ BACKPACK_SECRET_KEY: SECRET }, "BACKPACK_PUBLIC_KEY"],
    [{ BACKPACK_SECRET_KEY: "%%%%", BACKPACK_PUBLIC_KEY: PUBLIC }, "BACKPACK_SECRET_KEY"],
    [
      { BACKPACK_SECRET_KEY: bytesToBase64(new Uint8Array(31)), BACKPACK_PUBLIC_KEY: PUBLIC },
      "BACKPACK_SECRET_KEY",
    ],
    [{ BACKPACK_SECRET_KEY: SECRET, BACKPACK_PUBLIC_KEY: "AAAA" }, "BACKPACK_PUBLIC_KEY"],
    [{ BACKPACK_SECRET_KEY: SECRET, BACKPACK_PUBLIC_KEY: otherPublic }, "BACKPACK_PUBLIC_KEY"],
  ];
  for (const [env, field] of cases) {
    assert.throws(
      () => BackpackSigner.fromEnv(env),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.field, field);
        for (const v of Object.values(env)) {
          if (v.trim().length >= 4) assert.ok(!e.message.includes(v.trim()), `${e.message} leaks a key`);
        }
        assert.ok(!e.message.includes(PUBLIC));
        return true;
      },
    );
  }
  assert.equal(
    BackpackSigner.fromEnv({ BACKPACK_SECRET_KEY: SECRET, BACKPACK_PUBLIC_KEY: PUBLIC }).publicKey,
    PUBLIC,
  );
});

Deno.test("backpack signer: the secret is not reachable through toString, JSON or inspect", () => {
  const seedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const shown = [
    String(signer),
    `${signer}`,
    JSON.stringify(signer),
    JSON.stringify({ nested: signer }),
    Deno.inspect(signer),
    Deno.inspect({ nested: signer }, { depth: 10, showHidden: true }),
    Object.keys(signer).join(","),
  ];
  for (const text of shown) {
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes(seedHex), text);
    assert.ok(!/157,\s*97,\s*177/.test(text), `${text} shows the seed bytes`);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(signer)), { publicKey: PUBLIC });
});
