import { readFileSync } from "node:fs";

/** What these suites need of the running stack `npm test` (or `npm start`) describes in stack.json. */
export type RunningStack = { gatewayUrl: string; jaegerUrl: string; admin?: { email: string; password: string } };

export function loadStack(): RunningStack {
  const file = process.env.MSA_STACK_FILE;
  if (!file) {
    throw new Error(
      "MSA_STACK_FILE is not set. The browser suite drives a running stack: run `npm test` at the repository root " +
        "(or `npm test -- --only web`), or point MSA_STACK_FILE at .data/run/stack.json of a running `npm start`.",
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as RunningStack;
}

/**
 * The board as a browser opens it: on `localhost`, which browsers treat as a secure context, so
 * the session's `Secure` cookies work over plain HTTP as they do over the HTTPS door.
 */
export function boardUrl(stack: RunningStack): string {
  const url = new URL(stack.gatewayUrl);
  url.hostname = "localhost";
  return url.origin;
}
