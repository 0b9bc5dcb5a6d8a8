/**
 * perpbot's command line: builds the command tree and maps outcomes to exit codes. Nothing else lives here.
 * @module
 */
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import denoJson from "./deno.json" with { type: "json" };
import { cancelAllCommand, type CancelAllOptions } from "./bot/commands/cancel_all.ts";
import { checkPositionCommand, type CheckPositionOptions } from "./bot/commands/check_position.ts";
import { type CommandIo, VenueUnreachableError } from "./bot/commands/common.ts";
import { configValidateCommand } from "./bot/commands/config_validate.ts";
import { runCommand, type SignalSource } from "./bot/commands/run.ts";
import { RUN_DEFAULTS } from "./bot/config.ts";
import { ConfigError, ExitCode, SafetyStopError } from "./bot/errors.ts";
import { Redactor } from "./bot/redact.ts";
import { ALL_ENV_VARS, readEnv } from "./bot/env_vars.ts";
import { COMMIT } from "./bot/build_info.ts";
import { EXCHANGE_NAMES } from "./exchanges/names.ts";
import { AuthenticationError, RateLimitError, VenueUnavailableError } from "./exchanges/venue.ts";

/** The version printed by `--version`. */
export const VERSION: string = denoJson.version;

const encoder = new TextEncoder();

/**
 * The redactor of the environment loaded last (the process environment, then the env file's): every line
 * perpbot prints passes through it, errors that no command caught included.
 */
let redactor = new Redactor([]);

function writeErr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`${redactor.redact(line)}\n`));
}

/**
 * A usage error of the command parser without the values it would quote: of an unknown option
 * (`--secret-key=…`) and of surplus arguments. A key typed on the command line must not be echoed (keys come
 * only from the environment or the env file).
 */
function withoutOptionValues(text: string): string {
  return text
    .replace(/(unknown option '[^'=\s]*)=[^']*'/g, "$1=…'")
    .replace(/(Expected \d+ arguments? but got \d+): [^\n]*?\.(\n|$)/g, "$1.$2");
}

/**
 * Prints an error that escaped every handler (a failing timer or socket callback) redacted, with its stack,
 * and returns the exit code to leave with. Deno's own report would print the message as it is.
 */
function reportUncaught(e: unknown, write: (line: string) => void = writeErr): ExitCode {
  write(`perpbot: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  if (e instanceof Error && e.stack) write(e.stack);
  return ExitCode.Unexpected;
}

/** Routes uncaught exceptions and unhandled rejections to {@link reportUncaught}, then exits. */
export function installUncaughtHandlers(): void {
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    Deno.exit(reportUncaught(event.error));
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    Deno.exit(reportUncaught(event.reason));
  });
}

/** Maps an error that reached the top to its exit code. */
export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof ConfigError || e instanceof Deno.errors.NotCapable) return ExitCode.Usage;
  if (e instanceof SafetyStopError) return ExitCode.Safety;
  if (
    e instanceof VenueUnreachableError || e instanceof AuthenticationError ||
    e instanceof VenueUnavailableError ||
    e instanceof RateLimitError
  ) return ExitCode.VenueUnreachable;
  return ExitCode.Unexpected;
}

const signals: SignalSource = (handler) => {
  const names: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  const listeners = names.map((name) => {
    const listener = () => handler(name);
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) Deno.removeSignalListener(name, listener);
  };
};

/** Runs the CLI on `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  // Only the variables perpbot documents: the release binary may read no others.
  const processEnv = readEnv(ALL_ENV_VARS);
  redactor = Redactor.fromEnv(processEnv);
  const io: CommandIo & { exit(code: number): never } = {
    env: processEnv,
    useRedactor: (r) => {
      redactor = r;
    },
    out: (line) => Deno.stdout.writeSync(encoder.encode(`${redactor.redact(line)}\n`)),
    err: writeErr,
    exit: (code) => Deno.exit(code),
  };
  let exitCode: number = ExitCode.Ok;
  const envFileOptions = (cmd: Command<[], { envFile: string }>) => ({
    envFile: cmd.opts().envFile,
    envFileExplicit: cmd.getOptionValueSource("envFile") === "cli",
  });

  const program = new Command()
    .name("perpbot")
    .description(
      "Market-making / volume bot for perpetual-futures DEXs: quotes a post-only order one tick inside the touch and rests a take-profit for every fill. Venues: " +
        EXCHANGE_NAMES.join(", ") + ".",
    )
    .version(`perpbot ${VERSION} (commit ${COMMIT})`, "-V, --version", "print the version")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => Deno.stdout.writeSync(encoder.encode(s)),
      writeErr: (s) => Deno.stderr.writeSync(encoder.encode(redactor.redact(withoutOptionValues(s)))),
    });

  const exchangeHelp = `venue: ${EXCHANGE_NAMES.join(", ")}`;
  const envFileOption = () =>
    new Option("--env-file <path>", "dotenv file with keys; variables already set win").default(
      RUN_DEFAULTS.envFile,
    );
  const logDirOption = () =>
    new Option("--log-dir <dir>", "directory of the logs (and of the paper account)").default(
      RUN_DEFAULTS.logDir,
    );

  const run = program.command("run")
    .description("run the bot until --duration elapses, Ctrl-C / SIGTERM, or a safety stop")
    .option("--exchange <name>", exchangeHelp, RUN_DEFAULTS.exchange)
    .option("--ticker <ticker>", "base asset of the perpetual market", RUN_DEFAULTS.ticker)
    .option("--quantity <qty>", "size of each open order, in base units", RUN_DEFAULTS.quantity)
    .option(
      "--take-profit <percent>",
      "take-profit distance from the entry, in percent",
      RUN_DEFAULTS.takeProfit,
    )
    .option(
      "--direction <side>",
      "buy: open long, take profit selling; sell: the reverse",
      RUN_DEFAULTS.direction,
    )
    .option("--max-orders <n>", "most take-profit orders resting at once", RUN_DEFAULTS.maxOrders)
    .option(
      "--wait-time <seconds>",
      "base cooldown between take-profits (tiered by how full the book is)",
      RUN_DEFAULTS.waitTime,
    )
    .option(
      "--grid-step <percent>",
      "least distance between take-profits, in percent; -100 = off",
      RUN_DEFAULTS.gridStep,
    )
    .option(
      "--stop-price <price>",
      "stop the bot when the market reaches it (buy: ask >=, sell: bid <=); -1 = off",
      RUN_DEFAULTS.stopPrice,
    )
    .option(
      "--pause-price <price>",
      "pause new orders while the market is past it; -1 = off",
      RUN_DEFAULTS.pausePrice,
    )
    .option("--boost", "close every fill at once with a market order (aster, backpack, paper)", false)
    .addOption(new Option("--aster-boost", "alias of --boost").default(false).hideHelp())
    .option("--duration <span>", "stop cleanly after this long, e.g. 90s, 45m, 2h, 1h30m")
    .addOption(envFileOption())
    .addOption(logDirOption())
    .option("--virtual-clock", "paper only: simulated time, as fast as the machine allows", false)
    .action(async (opts) => {
      exitCode = await runCommand(
        {
          exchange: opts.exchange,
          ticker: opts.ticker,
          quantity: opts.quantity,
          takeProfit: opts.takeProfit,
          direction: opts.direction,
          maxOrders: opts.maxOrders,
          waitTime: opts.waitTime,
          gridStep: opts.gridStep,
          stopPrice: opts.stopPrice,
          pausePrice: opts.pausePrice,
          boost: opts.boost || opts.asterBoost,
          duration: opts.duration,
          logDir: opts.logDir,
          virtualClock: opts.virtualClock,
          ...envFileOptions(run),
        },
        io,
        signals,
      );
    });

  const checkPosition = program.command("check-position")
    .description(
      "compare the position with the resting take-profits; exit 0 consistent, 3 mismatch, 4 unreachable",
    )
    .option("--exchange <name>", exchangeHelp, RUN_DEFAULTS.exchange)
    .option("--ticker <ticker>", "base asset of the perpetual market", RUN_DEFAULTS.ticker)
    .option("--quantity <qty>", "the bot's --quantity: the tolerance is 2 x this", RUN_DEFAULTS.quantity)
    .option(
      "--direction <side>",
      "the bot's --direction: take-profits are on the other side",
      RUN_DEFAULTS.direction,
    )
    .addOption(envFileOption())
    .addOption(logDirOption())
    .option("--json", "print one JSON object", false)
    .action(async (opts) => {
      const o: CheckPositionOptions = { ...opts, ...envFileOptions(checkPosition) };
      exitCode = await checkPositionCommand(o, io);
    });

  const cancelAll = program.command("cancel-all")
    .description("cancel every open order of the market; with --close-position also flatten it at market")
    .option("--exchange <name>", exchangeHelp, RUN_DEFAULTS.exchange)
    .option("--ticker <ticker>", "base asset of the perpetual market", RUN_DEFAULTS.ticker)
    .option("--close-position", "also close the position with a reduce-only market order", false)
    .addOption(envFileOption())
    .addOption(logDirOption())
    .option("--json", "print one JSON object", false)
    .action(async (opts) => {
      const o: CancelAllOptions = { ...opts, ...envFileOptions(cancelAll) };
      exitCode = await cancelAllCommand(o, io);
    });

  const config = program.command("config").description("configuration tools");
  const validate = config.command("validate")
    .description("check offline that the variables a venue needs are present and well formed; exit 0 or 2")
    .option("--exchange <name>", exchangeHelp)
    .addOption(envFileOption())
    .option("--json", "print one JSON object", false)
    .action((opts) => {
      exitCode = configValidateCommand(
        { exchange: opts.exchange, json: opts.json, ...envFileOptions(validate) },
        io,
      );
    });

  try {
    await program.parseAsync(args, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    const code = exitCodeFor(e);
    let message = e instanceof Error ? e.message : String(e);
    if (e instanceof Deno.errors.NotCapable) {
      message =
        `${message.replace(/, run again with.*$/, "")}. This build may read only .env and logs/ and ` +
        "write only logs/ in the directory it runs in: run it from there, with the default --env-file and --log-dir";
    }
    io.err(`perpbot: ${message}`);
    if (code === ExitCode.Unexpected && e instanceof Error && e.stack) io.err(e.stack);
    return code;
  }
}

if (import.meta.main) {
  installUncaughtHandlers();
  Deno.exit(await main(Deno.args));
}
