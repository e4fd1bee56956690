import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../logger.ts";

export type RequestLogOptions = { logger: Logger; quietPaths?: string[] };

/**
 * One line per request after it is answered (method, route template, status, duration), inside
 * the request span so the line carries its trace id. Probe paths log at debug only.
 */
export const requestLog = ({ logger, quietPaths = ["/healthz", "/livez"] }: RequestLogOptions): MiddlewareHandler =>
  async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const fields = {
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (quietPaths.includes(c.req.path)) logger.debug("request", fields);
    else logger.info("request", fields);
  };
