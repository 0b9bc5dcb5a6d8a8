/**
 * A process for `secrets_test.ts`: runs a command through `main()` (which loads the env file and its
 * redactor), then lets an error carrying a secret escape every handler, from a timer (`throw`) or an
 * unawaited promise (`reject`).
 *
 * Arguments: `throw|reject <env file> <log dir>`.
 * @module
 */
import { installUncaughtHandlers, main } from "../../main.ts";
import { TEST_SECRETS } from "../fakes/secrets.ts";

const [mode, envFile, logDir] = Deno.args;
installUncaughtHandlers();
await main(["check-position", "--exchange", "paper", "--env-file", envFile!, "--log-dir", logDir!]);
const message = `socket callback failed with key ${TEST_SECRETS.BACKPACK_SECRET_KEY}`;
if (mode === "throw") {
  setTimeout(() => {
    throw new Error(message);
  }, 0);
} else {
  void Promise.reject(new Error(message));
}
