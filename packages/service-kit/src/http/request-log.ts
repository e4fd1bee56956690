import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../logger.ts";

export type RequestLogOptions = {
  logger: Logger;
  /** Probes and scrapes, every few seconds: logged at debug only. Exact paths. */
  quietPaths?: string[];
};

export const DEFAULT_QUIET_PATHS = ["/healthz", "/livez", "/metrics"];

/**
 * The one request-logging rule of every service: one `request` line per answered request (method,
 * route template, status, duration), written inside the request span so it carries the trace id.
 * Never the query string, headers or body: they may hold tokens or personal data.
 */
export const requestLog = ({ logger, quietPaths = DEFAULT_QUIET_PATHS }: RequestLogOptions): MiddlewareHandler => {
  const quiet = new Set(quietPaths);
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const fields = {
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (quiet.has(c.req.path)) logger.debug("request", fields);
    else logger.info("request", fields);
  };
};
