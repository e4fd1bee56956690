import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireTestEnv } from "@msa-board/service-kit/test-support";
import type { StackDescription } from "@msa-board/stack";

const stack = JSON.parse(readFileSync(requireTestEnv("MSA_STACK_FILE"), "utf8")) as StackDescription;

/** For each service, through the real gateway: a success, an error the service makes, an unauthenticated write. */
const requests = {
  users: [
    ["GET", "/.well-known/jwks.json"],
    ["POST", "/login"],
    ["GET", "/user"],
  ],
  postings: [
    ["GET", "/postings"],
    ["GET", "/postings/no-such-posting"],
    ["POST", "/postings"],
  ],
  notices: [
    ["GET", "/notice"],
    ["GET", "/notice/no-such-notice"],
    ["POST", "/notice"],
  ],
} as const;

describe("x-trace-id through the gateway", () => {
  for (const [service, cases] of Object.entries(requests)) {
    test(`${service}: every answer, success or problem, carries its own 32-hex x-trace-id`, async () => {
      const seen = new Set<string>();
      for (const [method, path] of cases) {
        const res = await fetch(`${stack.gatewayUrl}${path}`, {
          method,
          ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: "{}" } : {}),
        });
        await res.arrayBuffer();
        const traceId = res.headers.get("x-trace-id") ?? "";
        expect({ request: `${method} ${path} → ${res.status}`, traceId }).toEqual({
          request: `${method} ${path} → ${res.status}`,
          traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        });
        if (res.status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
        seen.add(traceId);
      }
      expect(seen.size).toBe(cases.length);
    });
  }
});
