import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ProblemError } from "./problem.ts";

export type JsonBodyOptions = { maxBytes?: number };

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The one JSON content-type rule: `application/json` or a `+json` type, optionally with parameters
 * (`; charset=utf-8`). Lookalikes such as `application/json-seq` or `application/jsonx` are not JSON.
 */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Guards write routes before they read the body: only JSON (415 otherwise) and only up to a bound
 * (413), whether or not the client declared a Content-Length, so a client learns what was wrong
 * instead of getting a validation error about an empty object.
 */
export const jsonBody = ({ maxBytes = DEFAULT_MAX_BODY_BYTES }: JsonBodyOptions = {}): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError("payload-too-large", `The request body is larger than ${maxBytes} bytes.`);
    },
  });
  return async function jsonBody(c, next) {
    const method = c.req.method;
    if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
    if (!JSON_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new ProblemError("unsupported-media-type", "Send the request body as application/json.");
    }
    return limit(c, next);
  };
};
