import { describe, expect, test } from "bun:test";
import { testApp } from "../test-support/harness.ts";

describe("GET /traces/{traceId}", () => {
  test("a malformed trace id is a 400 problem naming it", async () => {
    const app = await testApp({ usersUrl: "http://127.0.0.1:9" });
    for (const id of ["abc", "zz92f3577b34da6a3ce929d0e0e4736z", "4bf92f3577b34da6a3ce929d0e0e47360"]) {
      const response = await app.request(`/traces/${id}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("traceId");
    }
  });

  test("Jaeger unreachable: a 503 problem saying so, never a 500", async () => {
    const app = await testApp({ usersUrl: "http://127.0.0.1:9", jaegerUrl: "http://127.0.0.1:9" });
    const response = await app.request("/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toStartWith("application/problem+json");
    expect(((await response.json()) as { detail: string }).detail).toContain("Jaeger");
  });
});
