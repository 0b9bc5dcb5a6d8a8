/** The text EdgeX signs: the SDKs' get_value flattening, sorted raw queries, and what is refused. */
import assert from "node:assert/strict";
import {
  edgexQueryPairs,
  edgexSignContent,
  edgexSignPayload,
  edgexSignValue,
} from "../../../exchanges/edgex/signer_content.ts";
import { InvalidFieldError } from "../../../exchanges/stark/errors.ts";

Deno.test("get_value: null, booleans, numbers, nested arrays and objects with sorted keys", () => {
  assert.equal(edgexSignValue(null), "");
  assert.equal(edgexSignValue(undefined), "");
  assert.equal(edgexSignValue(true), "true");
  assert.equal(edgexSignValue(12), "12");
  assert.equal(edgexSignValue(12n), "12");
  assert.equal(edgexSignValue([]), "");
  assert.equal(edgexSignValue({}), "");
  assert.equal(edgexSignValue({ b: [1, { z: "y", a: null }], a: "x", B: false }), "B=false&a=x&b=1&a=&z=y");
});

Deno.test("get_value refuses numbers whose text differs between languages", () => {
  assert.throws(
    () => edgexSignValue({ price: 0.1 }),
    (e: Error) => e instanceof InvalidFieldError && /body\.price/.test(e.message),
  );
  assert.throws(() => edgexSignValue([2 ** 60]), /body\[0\]/);
});

Deno.test("queries are sorted by name, raw, and lists are joined with commas", () => {
  assert.deepEqual(edgexQueryPairs({ size: 10, accountId: "1", filterContractIdList: ["1", 2n] }), [
    ["accountId", "1"],
    ["filterContractIdList", "1,2"],
    ["size", "10"],
  ]);
  assert.equal(edgexSignPayload({ method: "GET", path: "/a", query: { q: "a b&c" } }), "q=a b&c");
  assert.equal(edgexSignPayload({ method: "GET", path: "/a", query: {} }), "");
  assert.equal(edgexSignPayload({ method: "POST", path: "/a" }), "");
});

Deno.test("content is timestamp + upper-case method + path + payload", () => {
  assert.equal(
    edgexSignContent(1705720068228n, {
      method: "get",
      path: "/api/v1/private/ws",
      query: { accountId: "5" },
    }),
    "1705720068228GET/api/v1/private/wsaccountId=5",
  );
  assert.throws(() => edgexSignContent(1.5, { method: "GET", path: "/a" }), /timestamp/);
  assert.throws(() => edgexSignContent(1, { method: "GET", path: "api/a" }), /path/);
});
