import { expect, test } from "bun:test";
import { HTTP_METHODS, type Operation } from "../openapi.ts";
import { answer, expectProblem } from "../problem.ts";
import type { Target } from "../target.ts";

/** A body past every service's bound (the largest is 128 KiB). */
const OVERSIZED = JSON.stringify({ title: "t", body: "x".repeat(1024 * 1024) });

/**
 * What every service answers alike: unknown routes, undeclared methods, and the request bodies of
 * every write operation (media type, size, syntax, unknown fields).
 */
export function httpRules(target: Target, operations: Operation[]): void {
  const auth = (op: Operation): Record<string, string> => (op.secured ? { authorization: `Bearer ${target.caller.token}` } : {});

  test("an unknown route → 404 problem", async () => {
    expectProblem(await answer(target.app.request("/conformance/no-such-route")), 404, "not-found");
  });

  const byPath = new Map<string, Operation[]>();
  for (const op of operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  for (const [path, ops] of byPath) {
    const declared = ops.map((op) => op.method);
    const undeclared = HTTP_METHODS.filter((m) => !declared.includes(m));
    if (undeclared.length === 0) continue;
    test(`${ops[0]?.template}: undeclared methods (${undeclared.join(", ")}) → 405 problem with Allow`, async () => {
      for (const method of undeclared) {
        const res = await answer(target.app.request(path, { method }));
        expectProblem(res, 405, "method-not-allowed", `${method} ${path}`);
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/);
        expect(allow).toEqual(expect.arrayContaining(declared));
        expect(allow).not.toContain(method);
      }
    });
  }

  for (const op of operations.filter((o) => o.hasBody)) {
    const valid = target.validBodies[op.key];
    const post = (body: BodyInit, contentType: string | null = "application/json") =>
      answer(
        target.app.request(op.path, {
          method: op.method,
          headers: { ...auth(op), ...(contentType ? { "content-type": contentType } : {}) },
          body,
        }),
      );

    test(`${op.key}: the rules have a valid body for it`, () => {
      expect(valid).toBeDefined();
    });

    test(`${op.key}: a body that is not JSON → 415 problem`, async () => {
      expectProblem(await post(JSON.stringify(valid), "text/plain"), 415, "unsupported-media-type");
      expectProblem(await post(JSON.stringify(valid), "application/json-seq"), 415, "unsupported-media-type");
      expectProblem(await post(JSON.stringify(valid), null), 415, "unsupported-media-type");
    });

    test(`${op.key}: a body over the bound → 413 problem, with or without Content-Length`, async () => {
      expectProblem(await post(OVERSIZED), 413, "payload-too-large");
      const stream = new Blob([OVERSIZED]).stream();
      expectProblem(await post(stream), 413, "payload-too-large");
    });

    test(`${op.key}: malformed JSON → 400 problem, never a 500`, async () => {
      for (const broken of ["{", '{"title": }', "nul", ""]) {
        const res = await post(broken);
        expect([400]).toContain(res.status);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      }
    });

    test(`${op.key}: an unknown field → 400 validation problem naming it`, async () => {
      const res = await post(JSON.stringify({ ...valid, conformanceUnknownField: true }));
      expectProblem(res, 400, "validation", op.key);
      expect(JSON.stringify(res.body.errors ?? [])).toContain("conformanceUnknownField");
    });
  }
}
