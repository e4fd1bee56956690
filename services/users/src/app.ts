import { OpenAPIHono } from "@hono/zod-openapi";
import { handleErrors, notFoundProblem, validationProblemHook } from "@msa-board/service-kit/errors";
import { Liveness, registerLivez } from "@msa-board/service-kit/liveness";
import { answerUndeclaredMethods } from "@msa-board/service-kit/method-not-allowed";
import { publishApiDocument } from "@msa-board/service-kit/openapi";
import { requestLog } from "@msa-board/service-kit/request-log";
import { traceRequests } from "@msa-board/service-kit/tracing";
import type { AppDeps, ResolvedAppDeps, UsersApp } from "./app-types.ts";
import { registerCreateUser } from "./routes/create-user.ts";
import { registerDeleteUser } from "./routes/delete-user.ts";
import { registerGetUser } from "./routes/get-user.ts";
import { registerHealthz } from "./routes/healthz.ts";
import { registerJwks } from "./routes/jwks.ts";
import { registerLogin } from "./routes/login.ts";
import { registerLogout } from "./routes/logout.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerRefreshToken } from "./routes/refresh-token.ts";
import { registerUpdateUser } from "./routes/update-user.ts";
import { LoginThrottle } from "./sessions/login-throttle.ts";
import { RefreshTokens } from "./sessions/refresh-tokens.ts";

export type { AppDeps } from "./app-types.ts";

/** The users HTTP API. Owns error handling, validation problems and the OpenAPI document. */
export function createApp(appDeps: AppDeps): UsersApp {
  const deps: ResolvedAppDeps = {
    ...appDeps,
    refreshTokens: appDeps.refreshTokens ?? new RefreshTokens({ db: appDeps.db }),
    loginThrottle: appDeps.loginThrottle ?? new LoginThrottle({ db: appDeps.db }),
  };
  const app: UsersApp = new OpenAPIHono({ defaultHook: validationProblemHook });
  // Probes and scrapes come every few seconds: tracing them would bury the real traces.
  app.use(traceRequests({ serviceName: "users", tracer: deps.tracer, untracedPaths: ["/healthz", "/livez", "/metrics"] }));
  app.use(requestLog({ logger: deps.logger }));
  app.onError(handleErrors(deps.logger));
  app.notFound(notFoundProblem);

  registerCreateUser(app, deps);
  registerLogin(app, deps);
  registerRefreshToken(app, deps);
  registerLogout(app, deps);
  registerGetUser(app, deps);
  registerUpdateUser(app, deps);
  registerDeleteUser(app, deps);
  registerJwks(app, deps);
  registerHealthz(app, deps);
  registerLivez(app, deps.liveness ?? new Liveness());
  registerMetrics(app, deps);

  publishApiDocument(app, {
    service: "users",
    summary: "Sign-up, login, refresh-token rotation and logout, the caller's account and the JWKS.",
  });
  answerUndeclaredMethods(app);
  return app;
}
