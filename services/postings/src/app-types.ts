import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenVerifier } from "@msa-board/service-kit/auth";
import type { Liveness } from "@msa-board/service-kit/liveness";
import type { Logger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { Database } from "./db/client.ts";
import type { ConsumerStats, ConsumerStatus } from "./events/event-consumer.ts";
import type { CursorCodec } from "./pagination/cursor.ts";

export type PostingsApp = OpenAPIHono;

/** Everything the HTTP layer needs, built once in main.ts (or a test harness) and handed in. */
export type AppDeps = {
  db: Database;
  cursors: CursorCodec;
  verifyToken: TokenVerifier;
  health: {
    database: () => Promise<boolean>;
    /** Absent where events do not travel through Redis (the monolith shape). */
    eventsRedis?: () => Promise<boolean>;
    /** Lag, pending and dead letters from the events Redis; null when it does not answer. */
    consumerStats?: () => Promise<ConsumerStats | null>;
    consumerStatus?: () => ConsumerStatus;
  };
  /** The background loops' liveness, for `/livez` (none: always live). */
  liveness?: Liveness;
  logger: Logger;
  tracer?: Tracer;
};
