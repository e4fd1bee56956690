import { createToolContext, type ToolContext } from "./context.ts";
import { ensureVegeta } from "./vegeta.ts";
import { ensureWrk } from "./wrk.ts";

export type LoadGenerators = { wrk: string; vegeta: string };

/** The bench's load generators: only `npm run bench` and its tests need them, so `ensureTools` does not install them. */
export async function ensureLoadGenerators(ctx: ToolContext = createToolContext()): Promise<LoadGenerators> {
  const [wrk, vegeta] = await Promise.all([ensureWrk(ctx), ensureVegeta(ctx)]);
  return { wrk, vegeta };
}
