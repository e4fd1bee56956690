import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenVerifier } from "@msa-board/service-kit/auth";
import type { Logger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
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
