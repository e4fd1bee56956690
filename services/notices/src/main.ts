/**
 * The Deno entry point: the only module that touches Deno.* (env, serve, signals, exit). It reads
 * the environment once, builds every dependency once, serves, and shuts down gracefully.
 */
import process from "node:process";
import { createTokenVerifier, remoteKeySet } from "@msa-board/service-kit/auth";
import { FaultInjector } from "@msa-board/service-kit/faults";
import { createLogger, flushLogs } from "@msa-board/service-kit/logger";
import { startTracing } from "@msa-board/service-kit/tracing";
import { createApp, SERVICE_NAME } from "./app.ts";
import { ConfigError, configVariables, parseConfig } from "./config.ts";
import { createNoticesRedis } from "./notices/redis_client.ts";
import { redisNoticesRepository } from "./notices/repository.ts";

function loadConfig() {
  // Variable by variable: --allow-env is scoped to exactly these names.
  const env = Object.fromEntries(configVariables.map((name) => [name, Deno.env.get(name)]));
  try {
    return parseConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`notices: ${err.message}`);
    Deno.exit(2);
  }
}

const config = loadConfig();
const logger = createLogger({
  service: SERVICE_NAME,
  level: config.LOG_LEVEL,
  ...(config.INSTANCE_NAME ? { base: { instance: config.INSTANCE_NAME } } : {}),
});
const tracing = startTracing({
  serviceName: SERVICE_NAME,
  enabled: !config.OTEL_SDK_DISABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

const redis = createNoticesRedis(config.REDIS_URL, logger);
let lastRedisWarning = 0;
redis.on("error", (err: Error) => {
  // While Redis is away every reconnect attempt errors; one line per 5 s is enough.
  if (Date.now() - lastRedisWarning < 5_000) return;
  lastRedisWarning = Date.now();
  logger.warn("redis connection problem", { err: err.message });
});
redis.on("ready", () => logger.info("redis ready"));
// Serve at once: until Redis answers, /healthz says 503 and store-backed routes answer 503.
redis.connect().catch((err: Error) => logger.error("redis client failed to start", { err }));

const app = createApp({
  notices: redisNoticesRepository({ redis, tracer: tracing.tracer }),
  verifyToken: createTokenVerifier({
    keys: remoteKeySet(config.JWKS_URL),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  }),
  clock: () => new Date(),
  newId: () => crypto.randomUUID(),
  logger,
  tracer: tracing.tracer,
  // Only with NOTICES_FAULTS=enabled (config requires the token then); otherwise no assault code path exists.
  ...(config.NOTICES_FAULTS && config.FAULTS_CONTROL_TOKEN
    ? {
      faults: new FaultInjector({ module: SERVICE_NAME, controlToken: config.FAULTS_CONTROL_TOKEN, logger, cpuTimeMs }),
    }
    : {}),
});

/** This process's CPU time in ms: what a `cpu` assault burns (node:process's, which Deno provides without a permission). */
function cpuTimeMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  logger.error("unhandled rejection", { err: event.reason });
});

const server = Deno.serve({
  hostname: config.HOST,
  port: config.PORT,
  onListen: ({ hostname, port }) => logger.info("listening", { url: `http://${hostname}:${port}` }),
}, app.fetch);

let stopping = false;
async function shutdown(signal: Deno.Signal) {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  const deadline = setTimeout(() => {
    logger.error("shutdown timed out; exiting", { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
    Deno.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  Deno.unrefTimer(deadline);
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      logger.warn("shutdown step failed", { what, err });
    }
  };
  await step("http server", () => server.shutdown()); // stops accepting, lets in-flight requests finish
  await step("redis", () => redis.isOpen ? redis.close() : Promise.resolve());
  await step("tracing", () => tracing.shutdown()); // flushes the last spans
  logger.info("stopped");
  flushLogs();
  Deno.exit(0);
}
// The loggers batch their lines: whatever is still queued leaves before the process does.
globalThis.addEventListener("unload", flushLogs);
Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
