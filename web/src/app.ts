import { handleErrors, notFoundProblem } from "@msa-board/service-kit/errors";
import { traceRequests } from "@msa-board/service-kit/tracing";
import { Hono } from "hono";
import type { AppDeps } from "./app-types.ts";
import { registerHealth } from "./routes/health.ts";
import { registerPages } from "./routes/pages.ts";
import { registerSession } from "./routes/session.ts";
import { registerTraces } from "./routes/traces.ts";

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(handleErrors(deps.logger));
  app.notFound(notFoundProblem);
  // Only the session calls get server spans: they call users, and that hop belongs in the trace.
  // Pages, assets and trace reads would only bury the traces people come to look at.
  const traced = traceRequests({ serviceName: "web", ...(deps.tracer ? { tracer: deps.tracer } : {}) });
  // Hono's "/session/*" also matches "/session" itself.
  app.use("/session/*", traced);
  registerHealth(app);
  registerPages(app, deps);
  registerSession(app, deps);
  registerTraces(app, deps);
  return app;
}
