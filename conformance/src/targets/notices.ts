import { type AppDeps, createApp } from "@msa-board/notices/app";
import { createNoticesRedis } from "@msa-board/notices/redis-client";
import { redisNoticesRepository } from "@msa-board/notices/repository";
import { createTokenVerifier } from "@msa-board/service-kit/auth";
import { createLogger } from "@msa-board/service-kit/logger";
import { requireTestEnv } from "@msa-board/service-kit/test-support";
import { createTestTokens } from "@msa-board/service-kit/test-support/tokens";
import { trace } from "@opentelemetry/api";
import { refusedUrl, type Target, unreachableKeysVerifier } from "../target.ts";

const ISSUER = "msa-board";
const AUDIENCE = "msa-board";

/** notices' Deno app, imported from Bun, on the test stack's notices Redis under a key prefix of its own. */
export async function noticesTarget(): Promise<Target> {
  const redis = createNoticesRedis(requireTestEnv("TEST_REDIS_URL"));
  redis.on("error", () => {});
  await redis.connect();
  const keyPrefix = `conformance:${crypto.randomUUID().slice(0, 8)}:`;
  const tracer = trace.getTracer("notices");
  const tokens = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
  const deps: AppDeps = {
    notices: redisNoticesRepository({ redis, tracer, keyPrefix }),
    verifyToken: createTokenVerifier({ keys: tokens.keys, issuer: ISSUER, audience: AUDIENCE }),
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    logger: createLogger({ service: "notices", level: "error", write: () => {} }),
    tracer,
  };
  const admin = { sub: crypto.randomUUID(), role: "admin" as const, name: "Conformance Admin" };
  const keysDown = await unreachableKeysVerifier();
  return {
    name: "notices",
    app: createApp(deps),
    tokens,
    caller: { ...admin, token: await tokens.sign(admin) },
    validBodies: {
      "POST /notice": { title: "Conformance", body: "A notice the rules write." },
      "PATCH /notice/{id}": { title: "Conformance, edited" },
    },
    keysUnreachable: () => createApp({ ...deps, verifyToken: keysDown }),
    storeDown: async () => {
      const dead = createNoticesRedis(await refusedUrl("redis"));
      dead.on("error", () => {});
      dead.connect().catch(() => {});
      const app = createApp({ ...deps, notices: redisNoticesRepository({ redis: dead, tracer, keyPrefix }) });
      return { request: app.request, close: async () => void (dead.isOpen ? await dead.destroy() : undefined) };
    },
    close: async () => {
      for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
      await redis.close();
    },
  };
}
