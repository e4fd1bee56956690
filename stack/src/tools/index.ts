import { join } from "node:path";
import { ensureChromium } from "./chromium.ts";
import { createToolContext, type ToolContext } from "./context.ts";
import { ensureDeno } from "./deno.ts";
import { ensureEnvoy } from "./envoy.ts";
import { ensureJaeger } from "./jaeger.ts";
import { ensureOpenssl } from "./openssl.ts";
import { ensurePostgres, type PostgresTools } from "./postgres.ts";
import { ensureRedis, type RedisTools } from "./redis.ts";

export { cacheDir, createToolContext, MissingToolError, type ToolContext, type Versions } from "./context.ts";
export { ensureEnvoy } from "./envoy.ts";
export { run, runs, which } from "./exec.ts";
export { ensureJaeger, findGo } from "./jaeger.ts";
export { ensureLoadGenerators, type LoadGenerators } from "./load-generators.ts";
export { ensureOpenssl } from "./openssl.ts";
export { ensurePerf } from "./perf.ts";
export { ensurePostgres, type PostgresTools } from "./postgres.ts";
export { ensureToxiproxy } from "./toxiproxy.ts";

export type Tools = {
  bun: string;
  deno: string;
  /** Deno's module cache (npm packages of notices), kept with the other tools. */
  denoDir: string;
  envoy: string;
  jaeger: string;
  postgres: PostgresTools;
  redis: RedisTools;
  /** Debian's Chromium, for the web part's browser suite; only when asked for (`npm test`). */
  chromium?: string;
  /** Makes the gateway's local CA and HTTPS certificate. */
  openssl: string;
  /** Only the test stack and the soak need the fault proxy: `ensureToxiproxy` fills it in. */
  toxiproxy?: string;
};

/**
 * Every tool the stack runs, installed on first use and cached per user by version, so a fresh
 * clone on the same machine starts in seconds. Independent installs run side by side.
 */
export async function ensureTools(ctx: ToolContext = createToolContext(), { browser = false } = {}): Promise<Tools> {
  // apt installs take the dpkg lock, so those two run one after the other.
  const system = (async () => {
    const postgres = await ensurePostgres(ctx);
    const redis = await ensureRedis(ctx);
    const chromium = browser ? await ensureChromium(ctx) : undefined;
    const openssl = await ensureOpenssl(ctx);
    return { postgres, redis, chromium, openssl };
  })();
  const [deno, envoy, jaeger, { postgres, redis, chromium, openssl }] = await Promise.all([
    ensureDeno(ctx),
    ensureEnvoy(ctx),
    ensureJaeger(ctx),
    system,
  ]);
  return {
    bun: process.env.MSA_BOARD_BUN ?? process.execPath,
    deno,
    denoDir: join(ctx.cacheDir, "deno-dir"),
    envoy,
    jaeger,
    postgres,
    redis,
    ...(chromium ? { chromium } : {}),
    openssl,
  };
}
