/**
 * The monolith: one Bun process hosting the modules named in MODULES (default users, postings,
 * notices) behind one Hono app, on one database with a schema per module. Parses env, builds the
 * modules once, serves, and on SIGTERM/SIGINT drains and closes them.
 */
import { bootstrap } from "@msa-board/service-kit/bootstrap";
import { createLogger } from "@msa-board/service-kit/logger";
import { serveGracefully } from "@msa-board/service-kit/serve";
import { loadConfig } from "./config.ts";
import { createHost } from "./host.ts";
import { startModules } from "./modules/index.ts";

const { config, logger, tracing, instance: base } = bootstrap("monolith", loadConfig);

let modules: Awaited<ReturnType<typeof startModules>>;
try {
  modules = await startModules(config, {
    loggerFor: (module) => createLogger({ service: "monolith", level: config.LOG_LEVEL, base: { ...base, module } }),
    tracer: tracing.tracer,
    base,
  });
} catch (err) {
  logger.error("start-up failed; exiting", { err: (err as Error).message });
  await tracing.shutdown();
  process.exit(1);
}
logger.info("hosting modules", { modules: modules.map((m) => m.name) });

const host = createHost({ modules, logger, tracer: tracing.tracer });

serveGracefully({
  fetch: host.fetch,
  hostname: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closers: [...modules.flatMap((m) => m.closers), { name: "tracing", close: () => tracing.shutdown() }],
});
