import type { JaegerClient } from "@msa-board/observability";
import type { Logger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { ClientBundle } from "./bundle.ts";
import type { UsersClient } from "./session/users-client.ts";

/** Everything the web part's routes need, built once in main.ts (tests build their own). */
export type AppDeps = {
  bundle: ClientBundle;
  users: UsersClient;
  jaeger: JaegerClient;
  /** Jaeger's own UI as the browser reaches it, when there is one. */
  jaegerUiUrl?: string;
  csrfSecret: string;
  sessionCookieMaxAgeSeconds: number;
  logger: Logger;
  tracer?: Tracer;
};
