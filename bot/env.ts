/**
 * The environment perpbot reads: process variables plus an optional dotenv file.
 * @module
 */
import { parse } from "dotenv";
import { ConfigError } from "./errors.ts";

/** An immutable set of environment variables. */
export type Env = Readonly<Record<string, string>>;

/** Where variables came from, for warnings. */
export interface LoadedEnv {
  readonly env: Env;
  /** The env file that was read, if any. */
  readonly file: string | undefined;
  /** Warnings to show the user (for example a file readable by others). */
  readonly warnings: readonly string[];
}

/**
 * Merges a dotenv file under the process environment: values already in the environment win.
 *
 * A missing file is an error only when the user named it (`explicit`); the default `.env` may be absent.
 * `readFile` and `stat` are injected so tests need no real files.
 */
export function loadEnv(
  path: string,
  explicit: boolean,
  processEnv: Env,
  io: {
    readFile: (path: string) => string;
    mode: (path: string) => number | null;
  } = { readFile: Deno.readTextFileSync, mode: (p) => Deno.statSync(p).mode },
): LoadedEnv {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      if (explicit) throw new ConfigError("--env-file", `file not found: ${path}`);
      return { env: processEnv, file: undefined, warnings: [] };
    }
    throw new ConfigError("--env-file", `cannot read ${path}: ${(e as Error).message}`);
  }
  const warnings: string[] = [];
  const mode = safeMode(io.mode, path);
  if (mode !== null && (mode & 0o077) !== 0) {
    warnings.push(
      `The env file ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); ` +
        `it holds keys: run chmod 600 ${path}`,
    );
  }
  const fromFile = parse(text);
  return { env: { ...fromFile, ...processEnv }, file: path, warnings };
}

function safeMode(mode: (path: string) => number | null, path: string): number | null {
  try {
    return mode(path);
  } catch {
    return null;
  }
}
