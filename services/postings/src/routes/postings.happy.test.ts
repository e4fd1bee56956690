import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_happy" });
});
afterAll(() => h?.close());

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("postings: the happy paths", () => {
  test("POST creates a posting by the caller, named from the token", async () => {
    const ada = await h.user("Ada Lovelace");
    const res = await h.call("POST", "/postings", { token: ada.token, json: { title: "  Hello  ", body: "First post\n  indented" } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["authorId", "authorName", "body", "createdAt", "id", "title", "updatedAt"]);
    expect(res.body).toMatchObject({ title: "Hello", body: "First post\n  indented", authorId: ada.id, authorName: "Ada Lovelace" });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.body.createdAt).toMatch(isoUtc);
    expect(res.body.updatedAt).toBe(res.body.createdAt);
    expect(res.headers.get("location")).toBe(`/postings/${res.body.id}`);
    expect(Math.abs(Date.parse(res.body.createdAt) - Date.now())).toBeLessThan(10_000);
  });

  test("GET /postings/{id} returns it; an upper-case id names the same posting", async () => {
    const author = await h.user();
    const created = await h.post(author, { title: "Readable", body: "text" });
    const res = await h.call("GET", `/postings/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
    expect((await h.call("GET", `/postings/${created.id.toUpperCase()}`)).body).toEqual(created);
  });

  test("PATCH by the author changes only what is sent and moves updatedAt", async () => {
    const author = await h.user();
    const created = await h.post(author, { title: "Before", body: "Body before" });
    await Bun.sleep(5);
    const titled = await h.call("PATCH", `/postings/${created.id}`, { token: author.token, json: { title: " After " } });
    expect(titled.status).toBe(200);
    expect(titled.body).toMatchObject({ id: created.id, title: "After", body: "Body before", createdAt: created.createdAt });
    expect(Date.parse(titled.body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    const bodied = await h.call("PATCH", `/postings/${created.id}`, { token: author.token, json: { body: "Body after" } });
    expect(bodied.body).toMatchObject({ title: "After", body: "Body after" });
    const both = await h.call("PATCH", `/postings/${created.id}`, { token: author.token, json: { title: "T", body: "B" } });
    expect(both.body).toMatchObject({ title: "T", body: "B", authorName: created.authorName });
    expect((await h.call("GET", `/postings/${created.id}`)).body).toEqual(both.body);
  });

  test("DELETE by the author is 204 with no body; the posting is gone", async () => {
    const author = await h.user();
    const created = await h.post(author);
    const res = await h.call("DELETE", `/postings/${created.id}`, { token: author.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expectProblem(await h.call("GET", `/postings/${created.id}`), 404, "not-found");
    expectProblem(await h.call("DELETE", `/postings/${created.id}`, { token: author.token }), 404, "not-found");
  });

  test("GET /postings lists newest first with the default page size of 20", async () => {
    const author = await h.user("Lister");
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) ids.push((await h.post(author, { title: `n${i}` })).id);
    const res = await h.call("GET", "/postings");
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(20);
    expect(res.body.items.slice(0, 3).map((p: { id: string }) => p.id)).toEqual(ids.slice(-3).reverse());
    expect(res.body.nextCursor).toBeString();
    const created = res.body.items.map((p: { createdAt: string }) => Date.parse(p.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  test("a second post by the same author keeps one author record", async () => {
    const author = await h.user("Twice");
    await h.post(author);
    await h.post(author);
    const rows = await h.client.sql`select id, name from authors where id = ${author.id}`;
    expect(rows.map((r) => ({ ...r }))).toEqual([{ id: author.id, name: "Twice" }]);
  });

  test("the OpenAPI document describes every route", async () => {
    const res = await h.call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths).sort()).toEqual(["/healthz", "/livez", "/postings", "/postings/{id}"]);
    expect(Object.keys(res.body.paths["/postings/{id}"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(Object.keys(res.body.paths["/postings"]).sort()).toEqual(["get", "post"]);
    expect(res.body.paths["/postings"].post.security).toEqual([{ bearerAuth: [] }]);
    expect(res.body.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const limit = res.body.paths["/postings"].get.parameters.find((p: { name: string }) => p.name === "limit");
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
  });
});
