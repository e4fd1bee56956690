import { OpenAPIHono } from "@hono/zod-openapi";
import { handleErrors, notFoundProblem, validationProblemHook } from "@msa-board/service-kit/errors";
import { Liveness, registerLivez } from "@msa-board/service-kit/liveness";
import { answerUndeclaredMethods } from "@msa-board/service-kit/method-not-allowed";
import { publishApiDocument } from "@msa-board/service-kit/openapi";
import { requestLog } from "@msa-board/service-kit/request-log";
import { traceRequests } from "@msa-board/service-kit/tracing";
import type { AppDeps, PostingsApp } from "./app-types.ts";
import { registerCreatePosting } from "./routes/create-posting.ts";
import { registerDeletePosting } from "./routes/delete-posting.ts";
import { registerGetPosting } from "./routes/get-posting.ts";
import { registerHealthz } from "./routes/healthz.ts";
import { registerListPostings } from "./routes/list-postings.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerUpdatePosting } from "./routes/update-posting.ts";

export type { AppDeps } from "./app-types.ts";

/** The postings HTTP API. Owns error handling, validation problems and the OpenAPI document. */
export function createApp(deps: AppDeps): PostingsApp {
  const app: PostingsApp = new OpenAPIHono({ defaultHook: validationProblemHook });
  // Probes and scrapes come every few seconds: tracing them would bury the real traces.
  app.use(
    traceRequests({
      serviceName: "postings",
      untracedPaths: ["/healthz", "/livez", "/metrics"],
      ...(deps.tracer ? { tracer: deps.tracer } : {}),
    }),
  );
  app.use(requestLog({ logger: deps.logger }));
  app.onError(handleErrors(deps.logger));
  app.notFound(notFoundProblem);

  registerListPostings(app, deps);
  registerGetPosting(app, deps);
  registerCreatePosting(app, deps);
  registerUpdatePosting(app, deps);
  registerDeletePosting(app, deps);
  registerHealthz(app, deps);
  registerLivez(app, deps.liveness ?? new Liveness());
  registerMetrics(app, deps);

  publishApiDocument(app, {
    service: "postings",
    tokenIssuer: "users",
    summary:
      "The board: postings newest first in keyset pages (follow `nextCursor`; cursors are opaque and signed), " +
      "written by the holder of a verified access token.",
  });
  answerUndeclaredMethods(app);
  return app;
}
