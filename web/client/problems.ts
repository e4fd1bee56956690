import type { ApiResult } from "./http.ts";

/** What to tell a person about a failed call: one sentence, and a message per form field. */
export type Explained = { message: string; fields: Record<string, string> };

const seconds = (retryAfter: string | null) => {
  const n = Number(retryAfter);
  return Number.isFinite(n) && n > 0 ? `${n} second${n === 1 ? "" : "s"}` : "a moment";
};

const sentence = (text: string) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

export function explain(result: ApiResult): Explained {
  const { status, problem } = result;
  const fields: Record<string, string> = {};
  for (const error of problem?.errors ?? []) {
    const field = error.path.split(".")[0] ?? error.path;
    fields[field] ??= sentence(error.message);
  }
  if (status === 0) {
    return { message: "The board could not be reached. Check that the stack is running (npm start), then try again.", fields };
  }
  if (status === 429) {
    return {
      message: `Too many requests: the gateway limits how often this can be done, to slow down password guessing and floods. Try again in ${seconds(result.retryAfter)}.`,
      fields,
    };
  }
  if (status === 503 || status === 502) {
    return {
      message: `A service behind the gateway is unavailable right now (it may be restarting, or it is overloaded). Try again in ${seconds(result.retryAfter)}.`,
      fields,
    };
  }
  if (status === 504) {
    return {
      message: "A service took too long to answer, so the gateway gave up. It may still have done the work: reload before trying again.",
      fields,
    };
  }
  if (status === 400 && Object.keys(fields).length > 0) return { message: "Please correct the fields marked below.", fields };
  return { message: problem?.detail || problem?.title || `The request failed (HTTP ${status}).`, fields };
}
