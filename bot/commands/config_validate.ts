/**
 * `perpbot config validate`: checks the environment a venue needs, offline, without printing a secret.
 * @module
 */
import { ExitCode } from "../errors.ts";
import { loadEnv } from "../env.ts";
import { checkEnv, type EnvReport, formatReport, reportJson, VENUE_ENV_VARS } from "../env_checks.ts";
import { parseExchange } from "../config.ts";
import { EXCHANGE_NAMES, type ExchangeName } from "../../exchanges/names.ts";
import type { CommandIo, EnvFileOptions } from "./common.ts";

/** Options of `config validate`, as typed. */
export interface ConfigValidateOptions extends EnvFileOptions {
  /** The venue to check; without it, every venue with at least one of its variables set (paper if none). */
  readonly exchange: string | undefined;
  readonly json: boolean;
}

/** Venues to check when none is named: those the environment mentions. */
export function venuesInEnv(env: Readonly<Record<string, string>>): ExchangeName[] {
  const found = EXCHANGE_NAMES.filter((name) =>
    name !== "paper" && VENUE_ENV_VARS[name].some((v) => (env[v] ?? "").trim() !== "")
  );
  return found.length > 0 ? found : ["paper"];
}

/** Exit 0 when every check passes (warnings allowed), 2 otherwise. */
export function configValidateCommand(opts: ConfigValidateOptions, io: CommandIo): ExitCode {
  const exchanges = opts.exchange === undefined ? undefined : [parseExchange(opts.exchange)];
  const loaded = loadEnv(opts.envFile, opts.envFileExplicit, io.env);
  const reports: EnvReport[] = (exchanges ?? venuesInEnv(loaded.env)).map((x) => checkEnv(x, loaded.env));
  const source = loaded.file === undefined
    ? "process environment only (no env file)"
    : `env file ${loaded.file}`;
  if (opts.json) {
    io.out(JSON.stringify({
      source,
      warnings: loaded.warnings,
      ok: reports.every((r) => r.ok),
      reports: reports.map(reportJson),
    }));
  } else {
    io.out(`Source: ${source}, under the process environment`);
    for (const w of loaded.warnings) io.out(`warning  ${w}`);
    for (const r of reports) io.out(formatReport(r));
  }
  return reports.every((r) => r.ok) ? ExitCode.Ok : ExitCode.Usage;
}
