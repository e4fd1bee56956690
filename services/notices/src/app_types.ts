import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenVerifier } from "@msa-board/service-kit/auth";
import type { FaultInjector } from "@msa-board/service-kit/faults";
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
  /**
   * Opt-in fault injection (NOTICES_FAULTS=enabled): assaults on the notices routes and their
   * control route. Absent in every default start: then neither exists.
   */
  faults?: FaultInjector;
};

export type App = OpenAPIHono;
