import { createJaegerClient } from "@msa-board/observability";
import { bootstrap } from "@msa-board/service-kit/bootstrap";
import { serveGracefully } from "@msa-board/service-kit/serve";
import { createApp } from "./app.ts";
import { buildClient } from "./bundle.ts";
import { DEV_CSRF_SECRET, loadConfig } from "./config.ts";
import { createUsersClient } from "./session/users-client.ts";

const { config, logger, tracing } = bootstrap("web", loadConfig);
if (config.CSRF_SECRET === undefined) {
  logger.warn("CSRF_SECRET is not set; using the public development default (set it in any shared deployment)");
}

const started = performance.now();
const bundle = await buildClient();
logger.info("browser bundle built", {
  ms: Math.round(performance.now() - started),
  files: [...bundle.assets.values()].map((a) => ({ name: a.name, bytes: a.body.length, gzipBytes: a.gzip.length })),
});

const app = createApp({
  bundle,
  users: createUsersClient(config.USERS_URL),
  jaeger: createJaegerClient(config.JAEGER_QUERY_URL),
  ...(config.JAEGER_UI_URL ? { jaegerUiUrl: config.JAEGER_UI_URL } : {}),
  csrfSecret: config.CSRF_SECRET ?? DEV_CSRF_SECRET,
  sessionCookieMaxAgeSeconds: config.SESSION_COOKIE_MAX_AGE_SECONDS,
  logger,
  tracer: tracing.tracer,
});

serveGracefully({
  fetch: app.fetch,
  hostname: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closers: [{ name: "tracing", close: () => tracing.shutdown() }],
});
