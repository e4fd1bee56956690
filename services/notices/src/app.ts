import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "./app_types.ts";
import { handleErrors, notFoundProblem, validationProblem } from "./http/errors.ts";
import { requestLog } from "./http/request_log.ts";
import { registerCreateNotice } from "./routes/create_notice.ts";
import { registerDeleteNotice } from "./routes/delete_notice.ts";
import { registerGetNotice } from "./routes/get_notice.ts";
import { registerHealthz } from "./routes/healthz.ts";
import { registerLivez } from "./routes/livez.ts";
import { registerListNotices } from "./routes/list_notices.ts";
import { registerUpdateNotice } from "./routes/update_notice.ts";
import { traceRequests } from "./tracing/server_span.ts";

export type { AppDeps } from "./app_types.ts";

export const SERVICE_NAME = "notices";

/**
 * The notices HTTP app from injected dependencies. Only web-standard APIs here (no Deno.*), so
 * the same module runs under Deno (main.ts) and can be imported by another runtime's build.
 */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationProblem });
  app.use("*", traceRequests({ serviceName: SERVICE_NAME, tracer: deps.tracer }));
  app.use("*", requestLog({ logger: deps.logger }));
  app.onError(handleErrors(deps.logger));
  app.notFound(notFoundProblem);

  registerListNotices(app, deps);
  registerGetNotice(app, deps);
  registerCreateNotice(app, deps);
  registerUpdateNotice(app, deps);
  registerDeleteNotice(app, deps);
  registerHealthz(app, deps);
  registerLivez(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT (EdDSA, from the users service)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "msa-board notices",
      version: "0.1.0",
      description: "Admin notices: public reads, admin writes. Errors are application/problem+json (RFC 9457).",
    },
  });
  return app;
}
