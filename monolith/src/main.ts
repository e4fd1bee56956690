/**
 * The monolith: one Bun process hosting the modules named in MODULES (default users, postings,
 * notices) behind one Hono app, on one database with a schema per module. Parses env, builds the
 * modules once, serves, and on SIGTERM/SIGINT drains and closes them.
 */
import { ConfigError } from "@msa-board/service-kit/env";
import { createLogger } from "@msa-board/service-kit/logger";
import { serveGracefully } from "@msa-board/service-kit/serve";
import { startTracing } from "@msa-board/service-kit/tracing";
import { type Config, loadConfig } from "./config.ts";
import { createHost } from "./host.ts";
import { startModules } from "./modules/index.ts";

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`monolith: ${err.message}`);
  process.exit(1);
}

const base = process.env.INSTANCE_NAME ? { instance: process.env.INSTANCE_NAME } : {};
const logger = createLogger({ service: "monolith", level: config.LOG_LEVEL, base });
const tracing = startTracing({
  serviceName: "monolith",
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  enabled: !config.OTEL_SDK_DISABLED,
});

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
