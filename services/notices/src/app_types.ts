import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Tracer } from "@opentelemetry/api";
import type { TokenVerifier } from "./auth/token_verifier.ts";
import type { Logger } from "./logger.ts";
import type { NoticesRepository } from "./notices/repository.ts";

/** Everything the app needs, built once at start-up (main.ts) or by a test harness. */
export type AppDeps = {
  notices: NoticesRepository;
  verifyToken: TokenVerifier;
  clock: () => Date;
  newId: () => string;
  logger: Logger;
  tracer: Tracer;
};

export type App = OpenAPIHono;
