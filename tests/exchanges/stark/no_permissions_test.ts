/**
 * The signer modules must run in the shipped binary's restricted permissions: this loads every one of them
 * in a child `deno run` with no permission at all and signs with each. It fails if a runtime import reaches
 * something that reads the environment or files (ethers does, through its WebSocket dependency).
 */
import assert from "node:assert/strict";
import { loadTestdata } from "./testdata.ts";

const SCRIPT = `
import { ParadexSigner } from "./exchanges/paradex/signer.ts";
import { deriveParadexKey } from "./exchanges/paradex/signer_key_derivation.ts";
import { EdgexV1Signer } from "./exchanges/edgex/signer.ts";
import { EdgexV2OrderSigner, EdgexV2RequestSigner } from "./exchanges/edgex/signer_v2.ts";
import { byteArrayPoseidonHash } from "./exchanges/stark/byte_array.ts";
const key = deriveParadexKey("0xf8e4d1d772cdd44e5e77615ad11cc071c94e4c06dc21150d903f28e6aa6abdff", 11155111);
const paradex = new ParadexSigner({ privateKey: key.privateKey, account: "0x129c135ed63df9353885e292be4426b8ed6122b13c6c0e1bb787288a1f5adfa", starknetChainId: "PRIVATE_SN_POTC_SEPOLIA" });
const edgex = new EdgexV1Signer("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
const v2 = new EdgexV2OrderSigner("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", { chainId: 33431, verifyingContract: "0x1ae109ea449cfe0bed08bfe8911e968a49a919b1" });
const hmac = new EdgexV2RequestSigner({ apiKey: "k", apiSecret: "your-api-secret", passphrase: "p" });
console.log(JSON.stringify({
  onboarding: paradex.signOnboarding().signature,
  edgexWs: edgex.signPrivateWebSocket(1705720068228, "543429922991899150").hash.toString(16),
  v2: v2.address,
  hmac: hmac.signRequest(1773302047172, { method: "GET", path: "/api/v2/private/account/getAccountAsset", query: { accountId: "724625476626153743" } }).headers["X-edgeX-Signature"],
  poseidon: byteArrayPoseidonHash("x").toString(),
}));
`;

Deno.test("the signers load and sign with no permissions", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--quiet", "-"],
    cwd: new URL("../../../", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(SCRIPT));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  const out = JSON.parse(new TextDecoder().decode(stdout));
  const paradex = loadTestdata<{ onboarding_sig: string }>("paradex_min.json");
  const v1 = loadTestdata<{ wsHash: string }>("edgex_v1.json");
  const v2 = loadTestdata<{ signer: string; hmacSig: string }>("edgex_v2.json");
  assert.equal(out.onboarding, paradex.onboarding_sig);
  assert.equal(BigInt(`0x${out.edgexWs}`), BigInt(v1.wsHash));
  assert.equal(out.v2, v2.signer);
  assert.equal(out.hmac, v2.hmacSig);
});
