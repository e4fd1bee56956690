import { accessSync, constants } from "node:fs";
import { createToolContext, MissingToolError } from "../tools/context.ts";
import { type BinaryNeed, NEEDS, UnmetNeedError } from "./needs.ts";

/**
 * A tool binary the suite runs itself (Envoy, Jaeger): the one in its variable, else the one
 * `npm start` caches — installed now when missing, with the same progress lines.
 */
export async function provideBinary(need: BinaryNeed): Promise<void> {
  const { env, what } = NEEDS[need];
  const given = process.env[env];
  if (given) {
    try {
      accessSync(given, constants.X_OK);
      return;
    } catch {
      throw new UnmetNeedError(
        `${env}=${given} is not an executable file`,
        `Point ${env} at the ${what} binary, or unset it to use the cached one.`,
      );
    }
  }
  try {
    process.env[env] = await install(need);
  } catch (err) {
    if (!(err instanceof MissingToolError)) throw err;
    throw new UnmetNeedError(`${what} is not installed and could not be installed: ${err.message}`, `Or set ${env} to a ${what} binary.`);
  }
}

async function install(need: BinaryNeed): Promise<string> {
  const ctx = createToolContext();
  if (need === "envoy") return (await import("../tools/envoy.ts")).ensureEnvoy(ctx);
  return (await import("../tools/jaeger.ts")).ensureJaeger(ctx);
}
