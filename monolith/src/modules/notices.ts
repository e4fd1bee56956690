import { readFileSync } from "node:fs";
import { createApp } from "@msa-board/notices/app";
import { createNoticesRedis } from "@msa-board/notices/redis-client";
import { redisNoticesRepository } from "@msa-board/notices/repository";
import { createTokenVerifier } from "@msa-board/service-kit/auth";
import { FaultInjector, faultControlPath } from "@msa-board/service-kit/faults";
import { createLogger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { JWTVerifyGetKey } from "jose";
import type { Config } from "../config.ts";
import type { HostedModule } from "../hosted-module.ts";

/**
 * notices as a module, on Bun: the same app its Deno service serves (src/app.ts uses web-standard
 * APIs only), its own Redis client. Serves at once; until Redis answers, its routes
 * answer 503 and its readiness says so.
 */
export function startNoticesModule(
  config: Config,
  { tracer, keys, base }: { tracer: Tracer; keys: JWTVerifyGetKey; base: Record<string, unknown> },
): HostedModule {
  const logger = createLogger({ service: "monolith", level: config.LOG_LEVEL, base: { ...base, module: "notices" } });
  const redis = createNoticesRedis(config.REDIS_URL, logger);
  let lastWarning = 0;
  redis.on("error", (err: Error) => {
    // While Redis is away every reconnect attempt errors; one line per 5 s is enough.
    if (Date.now() - lastWarning < 5_000) return;
    lastWarning = Date.now();
    logger.warn("redis connection problem", { err: err.message });
  });
  redis.connect().catch((err: Error) => logger.error("redis client failed to start", { err }));
  // Only with NOTICES_FAULTS=enabled (the config then requires the token); otherwise no assault code path exists.
  const faults =
    config.NOTICES_FAULTS && config.FAULTS_CONTROL_TOKEN
      ? new FaultInjector({ module: "notices", controlToken: config.FAULTS_CONTROL_TOKEN, logger, cpuTimeMs: threadCpuTimeMs })
      : undefined;
  const app = createApp({
    notices: redisNoticesRepository({ redis, tracer }),
    verifyToken: createTokenVerifier({ keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    logger,
    tracer,
    ...(faults ? { faults } : {}),
  });
  return {
    name: "notices",
    fetch: app.fetch,
    closers: [{ name: "notices redis", close: async () => (redis.isOpen ? redis.close() : undefined) }],
    ...(faults ? { internalPaths: [faultControlPath("notices")] } : {}),
  };
}

/**
 * The event loop's own CPU time in ms: what a `cpu` assault burns, also on a busy machine. This
 * thread's (Linux `/proc/thread-self/schedstat`, in ns), not the process's: in the monolith the
 * other modules' work on other threads (argon2's pool, GC) must not count toward the burn.
 */
function threadCpuTimeMs(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}
