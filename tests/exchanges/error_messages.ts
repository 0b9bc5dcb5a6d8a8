/**
 * The text an error shows a reader, causes included: what the leak tests search for secrets.
 * @module
 */
import assert from "node:assert/strict";

/** Every message of an error and its causes (six levels at most), each as `Name: message`. */
export function errorMessages(e: unknown): string[] {
  const out: string[] = [];
  for (let x = e, depth = 0; x instanceof Error && depth < 6; x = x.cause, depth++) {
    out.push(`${x.name}: ${x.message}`);
  }
  if (out.length === 0) out.push(String(e));
  return out;
}

/** The {@link errorMessages} of the error `p` rejects with; fails when `p` resolves. */
export async function failureMessages(p: Promise<unknown>): Promise<string[]> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return errorMessages(e);
  }
  assert.fail(`the call should have failed; it resolved ${String(value)}`);
}
