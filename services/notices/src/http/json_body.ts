import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ProblemError } from "./problem.ts";

export type JsonBodyOptions = { maxBytes?: number };

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Guards a write route before it reads its body: only JSON (415 otherwise) and only up to a bound
 * (413), whether or not the client declared a Content-Length.
 */
export const jsonBody = ({ maxBytes = DEFAULT_MAX_BODY_BYTES }: JsonBodyOptions = {}): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError("payload-too-large", `The request body is larger than ${maxBytes} bytes.`);
    },
  });
  return async function jsonBody(c, next) {
    const contentType = c.req.header("content-type") ?? "";
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
      throw new ProblemError("unsupported-media-type", "Send the request body as application/json.");
    }
    return await limit(c, next);
  };
};
