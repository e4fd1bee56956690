import { parseArgs } from "node:util";
import { constantRate, saturate } from "../load-generator.ts";
import { assertLocal } from "./generator-run.ts";

/**
 * The bench's former in-process generator (fetch from Bun), run as a child of its own so its CPU can
 * be read like wrk's and vegeta's: `bun run bun-fetch.ts --url U --connections N | --rate R --seconds S`
 * prints the LoadResult as one JSON line. Only the load-generator comparison uses it.
 */
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { url: { type: "string" }, connections: { type: "string" }, rate: { type: "string" }, seconds: { type: "string" } },
});
const url = values.url as string;
assertLocal(url);
const durationS = Number(values.seconds);
const result = values.rate
  ? await constantRate("bun fetch", () => ({ url }), { rate: Number(values.rate), durationS, warmupS: 0 })
  : await saturate("bun fetch", () => ({ url }), { connections: Number(values.connections), durationS, warmupS: 0 });
console.log(JSON.stringify(result));
