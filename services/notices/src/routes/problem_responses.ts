import { BEARER_SCHEME, problem } from "@msa-board/service-kit/openapi";
import { MAX_BODY_BYTES } from "../notices/notice.ts";

/** The problem responses notices' routes declare in the OpenAPI document. */
export const problems = {
  400: problem("Invalid or malformed request (`errors` lists each issue; unknown fields are refused)"),
  401: problem("Missing, malformed or invalid access token"),
  403: problem("The token is valid but not an admin's"),
  404: problem("No such notice"),
  413: problem(`Request body larger than ${MAX_BODY_BYTES / 1024} KiB`),
  415: problem("Request body is not application/json"),
  503: problem("The notices store, or the keys that verify tokens, are unavailable"),
} as const;

export const adminOnly = [{ [BEARER_SCHEME]: [] }];
