/**
 * The permissions of the release binary, in one place: the compile task bakes them in, and the tests run the
 * CLI with exactly these. Hosts come from the modules that connect to them, never from a second list.
 * @module
 */
import { ALL_ENV_VARS } from "../bot/env_vars.ts";
import { notifyHosts } from "../notify/notifier.ts";
import { RUN_DEFAULTS } from "../bot/config.ts";
import { ASTER_HOSTS } from "../exchanges/aster/venue.ts";
import { BACKPACK_HOSTS } from "../exchanges/backpack/venue.ts";

/** What the binary may touch. Paths are relative: they resolve against the directory it runs in. */
export interface PermissionSet {
  readonly net: readonly string[];
  readonly env: readonly string[];
  readonly read: readonly string[];
  readonly write: readonly string[];
}

/** Hosts of every venue this build trades on (paper needs none) and of the notification channels. */
export function allowedHosts(): string[] {
  const venues = [
    ...Object.values(BACKPACK_HOSTS),
    ...Object.values(ASTER_HOSTS).flatMap((hosts) => Object.values(hosts)),
  ];
  return [...new Set([...venues, ...notifyHosts()])].sort();
}

/** The release permissions: the env file and the log directory in the working directory, and no more. */
export function releasePermissions(): PermissionSet {
  return {
    net: allowedHosts(),
    env: ALL_ENV_VARS,
    read: [RUN_DEFAULTS.envFile, RUN_DEFAULTS.logDir],
    write: [RUN_DEFAULTS.logDir],
  };
}

/** The `deno run` / `deno compile` flags of a permission set. No blanket permission is ever produced. */
export function permissionFlags(p: PermissionSet): string[] {
  const flags: string[] = [];
  if (p.net.length > 0) flags.push(`--allow-net=${p.net.join(",")}`);
  if (p.env.length > 0) flags.push(`--allow-env=${p.env.join(",")}`);
  if (p.read.length > 0) flags.push(`--allow-read=${p.read.join(",")}`);
  if (p.write.length > 0) flags.push(`--allow-write=${p.write.join(",")}`);
  flags.push("--no-prompt");
  return flags;
}

if (import.meta.main) console.log(permissionFlags(releasePermissions()).join("\n"));
