import { readFileSync } from "node:fs";
import { join } from "node:path";
import { devConfig } from "../config.ts";
import { describeDeadRunner } from "../previous-run.ts";
import type { StackDescription } from "../stack.ts";

/** Talks to a running stack's control API, found through its `stack.json`. */
export async function control(command: string, args: string[]): Promise<number> {
  const stackFile = process.env.MSA_STACK_FILE ?? join(devConfig().runDir, "stack.json");
  let description: StackDescription;
  try {
    description = JSON.parse(readFileSync(stackFile, "utf8"));
  } catch {
    console.error(`no running stack found (${stackFile}); start one with npm start`);
    return 1;
  }
  const base = description.controlUrl;
  const call = async (method: "GET" | "POST", path: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${description.controlToken}` };
    if (method === "POST") headers["content-type"] = "application/json";
    const res = await fetch(`${base}${path}`, { method, headers, body: method === "POST" ? "{}" : undefined }).catch(() => null);
    if (!res) {
      const why = describeDeadRunner(description.dataDir);
      throw new Error(`the stack's control API at ${base} does not answer; ${why ?? "is npm start still running?"}`);
    }
    const body = await res.json();
    console.log(JSON.stringify(body, null, 2));
    return res.ok ? 0 : 1;
  };
  switch (command) {
    case "status":
      return call("GET", "/status");
    case "roll":
      return call("POST", `/services/${args[0]}/roll`);
    case "scale":
      return call("POST", `/services/${args[0]}/scale?replicas=${args[1]}`);
    case "kill":
      return call("POST", `/processes/${args[0]}/kill?signal=${args[1] ?? "SIGKILL"}`);
    default:
      return 1;
  }
}
