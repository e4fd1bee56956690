import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { Logger } from "../logger.ts";
import { type ProblemCode, ProblemError, problemResponse, type ValidationIssue } from "./problem.ts";

const statusToCode: Record<number, ProblemCode> = {
  400: "malformed-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  413: "payload-too-large",
  415: "unsupported-media-type",
};

/**
 * The one place errors become responses. Known errors keep their meaning; anything else is logged
 * with its trace id and answered with a generic 500 that reveals nothing internal.
 */
export function handleErrors(logger: Logger): ErrorHandler {
  return function handleError(err, c) {
    if (err instanceof ProblemError) {
      if (err.status >= 500) {
        logger.warn(err.detail, { code: err.code, cause: rootMessage(err.cause), path: c.req.path });
      }
      return err.toResponse();
    }
    if (err instanceof HTTPException && statusToCode[err.status]) {
      // Hono's own 4xx, e.g. the JSON validator's "Malformed JSON in request body".
      return problemResponse(statusToCode[err.status] ?? "malformed-request", err.message || "Bad request.");
    }
    const span = trace.getActiveSpan();
    span?.recordException(err);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    logger.error("unhandled error", { err, method: c.req.method, path: c.req.path });
    const traceId = span?.spanContext().traceId;
    return problemResponse(
      "internal",
      traceId
        ? `An unexpected error occurred. Quote trace id ${traceId} when reporting it.`
        : "An unexpected error occurred.",
    );
  };
}

/** The innermost cause's message: enough to tell an outage's reason without a stack per request. */
function rootMessage(cause: unknown): string | undefined {
  let current = cause;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  return current === undefined ? undefined : current instanceof Error ? current.message : String(current);
}

export const notFoundProblem: NotFoundHandler = (c) =>
  problemResponse("not-found", `There is no route for ${c.req.method} ${c.req.path}.`);

export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

type HookResult = { success: true } | { success: false; error: z.ZodError; target?: string };

const targetNames: Record<string, string> = { query: "query string", param: "path", json: "request body" };

/** `defaultHook` of the OpenAPI app: a failed validation is a 400 problem listing every issue. */
export function validationProblem(result: HookResult, _c: Context): Response | undefined {
  if (result.success) return undefined;
  const where = targetNames[result.target ?? "json"] ?? "request";
  return problemResponse("validation", `The ${where} is invalid.`, { errors: zodIssues(result.error) });
}
