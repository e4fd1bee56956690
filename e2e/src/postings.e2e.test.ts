import { describe, expect, test } from "bun:test";
import { type ApiResponse, adminToken, api, expectProblem, signUpAndLogin } from "./support/api.ts";

describe("postings through the gateway", () => {
  test("create, read, list newest first, update, delete", async () => {
    const author = await signUpAndLogin("Poster");
    const created = await api("POST", "/postings", { token: author.token, json: { title: "Hello", body: "First post" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: "Hello", body: "First post", authorId: author.id, authorName: "Poster" });
    expect(Object.keys(created.body).sort()).toEqual(["authorId", "authorName", "body", "createdAt", "id", "title", "updatedAt"]);

    const second = await api("POST", "/postings", { token: author.token, json: { title: "Second", body: "b" } });
    const list = await api("GET", "/postings?limit=2");
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([second.body.id, created.body.id]);

    expect((await api("GET", `/postings/${created.body.id}`)).body.title).toBe("Hello");
    const patched = await api("PATCH", `/postings/${created.body.id}`, { token: author.token, json: { title: "Hello again" } });
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBe("Hello again");
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(patched.body.createdAt));

    expect((await api("DELETE", `/postings/${created.body.id}`, { token: author.token })).status).toBe(204);
    expectProblem(await api("GET", `/postings/${created.body.id}`), 404);
  });

  test("pages follow nextCursor to the end without repeats", async () => {
    const author = await signUpAndLogin("Pager");
    for (let i = 0; i < 5; i++) await api("POST", "/postings", { token: author.token, json: { title: `p${i}`, body: "x" } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse<{ items: { id: string }[]; nextCursor: string | null }> = await api(
        "GET",
        `/postings?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(res.status).toBe(200);
      for (const item of res.body.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10_000);
    expect(cursor).toBeNull();
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  test("bad queries are 400 problems, unknown ids 404", async () => {
    expectProblem(await api("GET", "/postings?limit=0"), 400);
    expectProblem(await api("GET", "/postings?limit=101"), 400);
    expectProblem(await api("GET", "/postings?cursor=garbage"), 400);
    expectProblem(await api("GET", "/postings/does-not-exist"), 404);
  });

  test("only the author may edit; the author or an admin may delete", async () => {
    const author = await signUpAndLogin("Owner");
    const other = await signUpAndLogin("Other");
    const post = await api("POST", "/postings", { token: author.token, json: { title: "Mine", body: "x" } });
    expectProblem(await api("PATCH", `/postings/${post.body.id}`, { token: other.token, json: { title: "Yours" } }), 403);
    expectProblem(await api("DELETE", `/postings/${post.body.id}`, { token: other.token }), 403);
    expect((await api("DELETE", `/postings/${post.body.id}`, { token: await adminToken() })).status).toBe(204);
  });

  test("writes need a token (401 at the edge); bad bodies are 400", async () => {
    expectProblem(await api("POST", "/postings", { json: { title: "t", body: "b" } }), 401);
    const author = await signUpAndLogin();
    expectProblem(await api("POST", "/postings", { token: author.token, json: { title: "", body: "b" } }), 400);
    expectProblem(await api("POST", "/postings", { token: author.token, json: { title: "x".repeat(1000), body: "b" } }), 400);
    expectProblem(await api("POST", "/postings", { token: author.token, json: { title: 5, body: [] } }), 400);
  });
});
