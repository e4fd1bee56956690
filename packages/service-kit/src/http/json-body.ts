import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ProblemError } from "./problem.ts";

export type JsonBodyOptions = { maxBytes?: number };

/**
 * Guards write routes: only JSON bodies, and only up to a bound, so a client learns what was
 * wrong (415/413) instead of getting a validation error about an empty object.
 */
export const jsonBody = ({ maxBytes = 64 * 1024 }: JsonBodyOptions = {}): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError("payload-too-large", `The request body is larger than ${maxBytes} bytes.`);
    },
  });
  return async function jsonBody(c, next) {
    const method = c.req.method;
    if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
    const contentType = c.req.header("content-type") ?? "";
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
      throw new ProblemError("unsupported-media-type", "Send the request body as application/json.");
    }
    return limit(c, next);
  };
};
