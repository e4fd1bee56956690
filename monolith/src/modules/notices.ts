import { createApp } from "@msa-board/notices/app";
import { createNoticesRedis } from "@msa-board/notices/redis-client";
import { redisNoticesRepository } from "@msa-board/notices/repository";
import { createTokenVerifier } from "@msa-board/service-kit/auth";
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
  const app = createApp({
    notices: redisNoticesRepository({ redis, tracer }),
    verifyToken: createTokenVerifier({ keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    logger,
    tracer,
  });
  return {
    name: "notices",
    fetch: app.fetch,
    closers: [{ name: "notices redis", close: async () => (redis.isOpen ? redis.close() : undefined) }],
  };
}
