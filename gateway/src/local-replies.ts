/**
 * Every response Envoy makes itself (no route, bad token, too large, rate limited, upstream down or
 * slow) becomes an RFC 9457 problem, exactly like the services' own errors. Mappers only touch
 * local replies: a service's own 404/409/400 problem passes through unchanged. (`x-trace-id` is
 * added to every response, these included, by the header filter in headers.ts.)
 */

export const PROBLEM_TYPE_BASE = "https://msa-board.dev/problems/";
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

interface Problem {
  status: number;
  code: string;
  title: string;
  /** Fixed text, or an Envoy command operator such as `%LOCAL_REPLY_BODY%`. */
  detail: string;
  /** Answer with another status than Envoy chose. */
  rewriteFrom?: number;
}

/**
 * Envoy's wording is kept only where it helps the client and reveals nothing inside (the JWT
 * verdict, e.g. "Jwt is expired"); upstream connection errors are replaced by a fixed sentence
 * because they name internal addresses and socket errors.
 */
export const GATEWAY_PROBLEMS: readonly Problem[] = [
  { status: 400, code: "bad-request", title: "Bad Request", detail: "The request is malformed." },
  { status: 401, code: "unauthorized", title: "Unauthorized", detail: "%LOCAL_REPLY_BODY%" },
  // jwt_authn answers 403 only for a token issued to another audience: for this API that token is
  // as invalid as a forged one, so the answer is the same 401 the services give.
  { status: 401, rewriteFrom: 403, code: "unauthorized", title: "Unauthorized", detail: "%LOCAL_REPLY_BODY%" },
  { status: 404, code: "not-found", title: "Not Found", detail: "No public route matches this method and path." },
  { status: 408, code: "timeout", title: "Request Timeout", detail: "The request was not received in time." },
  {
    status: 413,
    code: "payload-too-large",
    title: "Payload Too Large",
    detail: "The request body is larger than the gateway accepts.",
  },
  {
    status: 429,
    code: "rate-limited",
    title: "Too Many Requests",
    detail: "Too many requests; retry after the time in the retry-after header.",
  },
  {
    status: 431,
    code: "headers-too-large",
    title: "Request Header Fields Too Large",
    detail: "The request headers are too large.",
  },
  { status: 502, code: "unavailable", title: "Bad Gateway", detail: "The service gave an invalid response." },
  {
    status: 503,
    code: "unavailable",
    title: "Service Unavailable",
    detail: "The service is unavailable right now; try again shortly.",
  },
  { status: 504, code: "timeout", title: "Gateway Timeout", detail: "The service did not answer in time." },
];

const statusIs = (status: number) => ({
  status_code_filter: {
    comparison: { op: "EQ", value: { default_value: status, runtime_key: `gateway.local_reply.status_${status}` } },
  },
});

const statusAtLeast = (status: number) => ({
  status_code_filter: {
    comparison: { op: "GE", value: { default_value: status, runtime_key: `gateway.local_reply.status_ge_${status}` } },
  },
});

const problemBody = (fields: Record<string, string | number>) => ({
  json_format: fields,
  content_type: PROBLEM_CONTENT_TYPE,
});

export const localReplyConfig = () => ({
  mappers: [
    ...GATEWAY_PROBLEMS.map((p) => ({
      filter: statusIs(p.rewriteFrom ?? p.status),
      ...(p.rewriteFrom ? { status_code: p.status } : {}),
      body_format_override: problemBody({
        type: PROBLEM_TYPE_BASE + p.code,
        title: p.title,
        status: p.status,
        detail: p.detail,
      }),
    })),
    // Any other error Envoy might produce still answers with a problem, never a plain-text body.
    {
      filter: statusAtLeast(400),
      body_format_override: problemBody({
        type: `${PROBLEM_TYPE_BASE}gateway-error`,
        title: "Gateway Error",
        status: "%RESPONSE_CODE%",
        detail: "The gateway could not handle the request.",
      }),
    },
  ],
});
