/**
 * The request text EdgeX signs, shared by both API generations:
 * `timestamp + METHOD + path + X`, where X is the sorted raw query (`k=v&…`) of a GET, or the flattened JSON
 * body of a POST (the SDKs' `get_value`). V1 hashes it with keccak and signs with the Stark key; V2 computes
 * an HMAC of it.
 * @module
 */
import { InvalidFieldError, showValue } from "../stark/errors.ts";

/** A JSON body value as it is flattened for signing. Send numbers as strings, as the SDKs do. */
export type EdgexSignValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly EdgexSignValue[]
  | { readonly [key: string]: EdgexSignValue };

/** A query parameter value. Lists are joined with commas, as EdgeX expects (`filterContractIdList=1,2`). */
export type EdgexQueryValue = string | number | bigint | boolean | readonly (string | number | bigint)[];

/** One REST request, as far as signing is concerned. */
export interface EdgexRequestToSign {
  /** HTTP method; upper-cased before signing. */
  readonly method: string;
  /** Path starting with `/api/`, without host or `?`. */
  readonly path: string;
  /** Query parameters (GET). */
  readonly query?: Readonly<Record<string, EdgexQueryValue>>;
  /** JSON body (POST); exactly the object that is sent. */
  readonly body?: EdgexSignValue;
}

function scalarText(value: string | number | bigint | boolean, field: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  // Only integers print the same in JavaScript, Python and Java; anything else must be sent as a string.
  if (!Number.isSafeInteger(value)) {
    throw new InvalidFieldError(field, showValue(value), "send non-integer numbers as decimal strings");
  }
  return value.toString();
}

/**
 * The SDKs' `get_value`: null → "", booleans → "true"/"false", arrays → items joined with "&", objects → keys
 * sorted, each `k=value`, joined with "&".
 * @throws InvalidFieldError for a number that is not a safe integer (its text would differ between languages)
 */
export function edgexSignValue(value: EdgexSignValue, field = "body"): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v, i) => edgexSignValue(v, `${field}[${i}]`)).join("&");
  if (typeof value === "object") {
    const object = value as { readonly [key: string]: EdgexSignValue };
    return Object.keys(object).sort().map((k) => `${k}=${edgexSignValue(object[k], `${field}.${k}`)}`).join(
      "&",
    );
  }
  return scalarText(value, field);
}

/** Query parameters sorted by name with raw (not URL-encoded) text values; the URL must carry the same values. */
export function edgexQueryPairs(query: Readonly<Record<string, EdgexQueryValue>>): [string, string][] {
  return Object.keys(query).sort().map((k): [string, string] => {
    const v = query[k]!;
    const text = Array.isArray(v)
      ? v.map((item, i) => scalarText(item, `query.${k}[${i}]`)).join(",")
      : scalarText(v as string | number | bigint | boolean, `query.${k}`);
    return [k, text];
  });
}

/** The part after the path: the raw sorted query for a GET with parameters, else the flattened body. */
export function edgexSignPayload(request: EdgexRequestToSign): string {
  if (request.query !== undefined && Object.keys(request.query).length > 0) {
    if (request.body !== undefined) {
      throw new InvalidFieldError("request", "(query and body)", "sign either query parameters or a body");
    }
    return edgexQueryPairs(request.query).map(([k, v]) => `${k}=${v}`).join("&");
  }
  return edgexSignValue(request.body);
}

/**
 * The signed text: timestamp + METHOD + path + payload.
 * @throws InvalidFieldError if the path is not a bare `/…` path or the timestamp is not an integer
 */
export function edgexSignContent(timestampMs: number | bigint, request: EdgexRequestToSign): string {
  if (
    typeof timestampMs === "number" ? !Number.isSafeInteger(timestampMs) || timestampMs < 0 : timestampMs < 0n
  ) {
    throw new InvalidFieldError("timestamp", showValue(timestampMs), "expected milliseconds since the epoch");
  }
  if (!request.path.startsWith("/") || request.path.includes("?")) {
    throw new InvalidFieldError(
      "path",
      showValue(request.path),
      "expected a path like /api/v1/…, without a query",
    );
  }
  return `${timestampMs}${request.method.toUpperCase()}${request.path}${edgexSignPayload(request)}`;
}
