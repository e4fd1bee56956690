import { readFileSync } from "node:fs";
import type { StackDescription } from "@msa-board/stack";

/** The running stack these suites test, as `npm test` (or `npm start`) describes it. */
export function loadStack(): StackDescription {
  const file = process.env.MSA_STACK_FILE;
  if (!file) {
    throw new Error(
      "MSA_STACK_FILE is not set. These suites test a running stack: run `npm test` at the repository root, " +
        "or point MSA_STACK_FILE at .data/run/stack.json of a running `npm start`.",
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as StackDescription;
}

export const stack = loadStack();

/** Re-read, for suites that restart or roll processes (pids and instances change). */
export function currentStack(): StackDescription {
  return loadStack();
}

/** The stack's control API, with the per-run token from the state file (POSTs as JSON, as it requires). */
export async function control(method: "GET" | "POST", path: string): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${stack.controlToken}` };
  if (method === "POST") headers["content-type"] = "application/json";
  const res = await fetch(`${stack.controlUrl}${path}`, { method, headers, body: method === "POST" ? "{}" : undefined });
  const body = await res.json();
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
