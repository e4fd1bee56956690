import { OpenAPIHono } from "@hono/zod-openapi";
import { handleErrors, notFoundProblem, validationProblemHook } from "@msa-board/service-kit/errors";
import { assaultRequests, registerFaultControl } from "@msa-board/service-kit/faults";
import { Liveness, registerLivez } from "@msa-board/service-kit/liveness";
import { answerUndeclaredMethods } from "@msa-board/service-kit/method-not-allowed";
import { publishApiDocument } from "@msa-board/service-kit/openapi";
import { requestLog } from "@msa-board/service-kit/request-log";
import { traceRequests } from "@msa-board/service-kit/tracing";
import type { AppDeps } from "./app_types.ts";
import { registerCreateNotice } from "./routes/create_notice.ts";
import { registerDeleteNotice } from "./routes/delete_notice.ts";
import { registerGetNotice } from "./routes/get_notice.ts";
import { registerHealthz } from "./routes/healthz.ts";
import { registerListNotices } from "./routes/list_notices.ts";
import { registerUpdateNotice } from "./routes/update_notice.ts";

export type { AppDeps } from "./app_types.ts";

export const SERVICE_NAME = "notices";

/**
 * The notices HTTP app from injected dependencies. Only web-standard APIs and the service-kit's
 * runtime-neutral core here (no Deno.*), so the same module runs under Deno (main.ts) and is
 * imported from Bun (`@msa-board/notices/app`).
 */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationProblemHook });
  app.use(traceRequests({ serviceName: SERVICE_NAME, tracer: deps.tracer, untracedPaths: ["/healthz", "/livez"] }));
  app.use(requestLog({ logger: deps.logger }));
  app.onError(handleErrors(deps.logger));
  app.notFound(notFoundProblem);
  if (deps.faults) {
    // Before the routes, so it runs first; only the notices routes, never the probes.
    app.use("/notice/*", assaultRequests(deps.faults));
    registerFaultControl(app, deps.faults);
  }

  registerListNotices(app, deps);
  registerGetNotice(app, deps);
  registerCreateNotice(app, deps);
  registerUpdateNotice(app, deps);
  registerDeleteNotice(app, deps);
  registerHealthz(app, deps);
  // notices runs no background loop: answering at all means live.
  registerLivez(app, new Liveness());

  publishApiDocument(app, {
    service: "notices",
    tokenIssuer: "users",
    summary: "Admin notices: public reads, admin writes.",
  });
  answerUndeclaredMethods(app);
  return app;
}
