import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { safeError } from "../db/safe-error.ts";
import type { Logger } from "../logger.ts";
import { type ProblemCode, ProblemError, problemResponse, type ValidationIssue } from "./problem.ts";

const statusToCode: Record<number, ProblemCode> = {
  400: "malformed-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  409: "conflict",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "rate-limited",
  503: "unavailable",
  504: "timeout",
};

/**
 * The one place errors become responses. Known errors keep their meaning; anything else is
 * logged with its trace id and answered with a generic 500 that reveals nothing internal.
 */
export function handleErrors(logger: Logger): ErrorHandler {
  return function handleError(err, c) {
    if (err instanceof ProblemError) {
      // A 5xx the code chose (a store or the key set away) is an outage to see in the logs, not a bug.
      if (err.status >= 500) logger.warn(err.detail, { code: err.code, cause: rootMessage(err.cause), path: c.req.path });
      return err.toResponse();
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = statusToCode[err.status] ?? "malformed-request";
      return problemResponse(code, err.message || "The request could not be processed.");
    }
    if (isStoreUnavailable(err)) {
      logger.warn("store unavailable", { method: c.req.method, path: c.req.path, code: (err as { code?: string }).code });
      return problemResponse("unavailable", "A data store of this service is unavailable; try again shortly.", {
        headers: { "retry-after": "1" },
      });
    }
    const span = trace.getActiveSpan();
    const recorded = safeError(err); // spans are exported: no query parameters on them
    span?.recordException(recorded);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: recorded.message });
    logger.error("unhandled error", { err, method: c.req.method, path: c.req.path });
    const traceId = span?.spanContext().traceId;
    return problemResponse(
      "internal",
      traceId ? `An unexpected error occurred. Quote trace id ${traceId} when reporting it.` : "An unexpected error occurred.",
    );
  };
}

/** The innermost cause's message: enough to tell an outage's reason without a stack per request. */
function rootMessage(cause: unknown): string | undefined {
  let current = cause;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  return current === undefined ? undefined : current instanceof Error ? current.message : String(current);
}

/** Connection-level failures of PostgreSQL (postgres.js) or Redis: an outage, not a bug. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

export function isStoreUnavailable(err: unknown): boolean {
  // drizzle wraps driver errors (DrizzleQueryError, with the driver's error as `cause`): look through a few layers.
  for (let layer = err, depth = 0; layer && depth < 5; layer = (layer as { cause?: unknown }).cause, depth++) {
    const code = (layer as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    const name = (layer as { name?: unknown }).name;
    if (name === "ClientClosedError" || name === "SocketClosedUnexpectedlyError" || name === "ConnectionTimeoutError") return true;
  }
  return false;
}

export const notFoundProblem: NotFoundHandler = (c) => problemResponse("not-found", `There is no route for ${c.req.method} ${c.req.path}.`);

export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

type HookResult = { success: true } | { success: false; error: z.ZodError; target?: string };

/** `defaultHook` for OpenAPIHono: a failed validation becomes a 400 problem listing each issue. */
export function validationProblemHook(result: HookResult, _c: Context): Response | undefined {
  if (result.success) return undefined;
  const where = result.target === "query" ? "query string" : result.target === "param" ? "path" : "request body";
  return problemResponse("validation", `The ${where} is invalid.`, { errors: zodIssues(result.error) });
}
