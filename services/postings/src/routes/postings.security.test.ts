import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AuthorsRepository } from "../postings/authors-repository.ts";
import { createHarness, type Harness, type TestUser } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
let owner: TestUser;
let other: TestUser;
let admin: TestUser;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_security" });
  owner = await h.user("Owner");
  other = await h.user("Other");
  admin = await h.user("Admin", "admin");
});
afterAll(() => h?.close());

/** Every protected route, with a request that would succeed for the right caller. */
const protectedRoutes = (id: string) =>
  [
    ["POST", "/postings", { title: "t", body: "b" }],
    ["PATCH", `/postings/${id}`, { title: "t" }],
    ["DELETE", `/postings/${id}`, undefined],
  ] as const;

describe("every protected route verifies the token itself", () => {
  test("no token, a non-Bearer header, or an empty token: 401 with a Bearer challenge", async () => {
    const { id } = await h.post(owner);
    for (const [method, path, json] of protectedRoutes(id)) {
      const none = await h.call(method, path, { ...(json ? { json } : {}) });
      expectProblem(none, 401, "unauthorized");
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", `bearer${owner.token}`]) {
        expectProblem(await h.call(method, path, { ...(json ? { json } : {}), headers: { authorization } }), 401);
      }
    }
  });

  test("forged tokens are refused with 401 on every protected route, and change nothing", async () => {
    const { id } = await h.post(owner, { title: "Untouched" });
    const forged = await h.tokens.forged({ sub: owner.id, role: "admin", name: "Mallory" });
    expect(Object.keys(forged).length).toBeGreaterThanOrEqual(7);
    for (const [attack, token] of Object.entries(forged)) {
      for (const [method, path, json] of protectedRoutes(id)) {
        const res = await h.call(method, path, { token, ...(json ? { json } : {}) });
        if (res.status !== 401) throw new Error(`${attack}: ${method} ${path} answered ${res.status}`);
        expectProblem(res, 401, "unauthorized");
      }
    }
    expect((await h.call("GET", `/postings/${id}`)).body.title).toBe("Untouched");
    expect((await h.client.sql`select count(*)::int as n from postings where author_name = 'Mallory'`)[0]?.n).toBe(0);
  });

  test("a token is never echoed in an answer or a log line", async () => {
    const forged = await h.tokens.forged({ sub: owner.id });
    const res = await h.call("POST", "/postings", { token: forged["foreign key under the trusted kid"], json: { title: "t", body: "b" } });
    expect(res.text).not.toContain(forged["foreign key under the trusted kid"] as string);
    expect(h.logs.join("\n")).not.toContain(owner.token);
  });
});

describe("ownership", () => {
  test("only the author may edit: another user and even an admin get 403", async () => {
    const { id } = await h.post(owner, { title: "Mine" });
    expectProblem(await h.call("PATCH", `/postings/${id}`, { token: other.token, json: { title: "Yours" } }), 403, "forbidden");
    expectProblem(await h.call("PATCH", `/postings/${id}`, { token: admin.token, json: { title: "Admin's" } }), 403, "forbidden");
    expect((await h.call("GET", `/postings/${id}`)).body.title).toBe("Mine");
  });

  test("another user may not delete (403); an admin may (204)", async () => {
    const { id } = await h.post(owner);
    expectProblem(await h.call("DELETE", `/postings/${id}`, { token: other.token }), 403, "forbidden");
    expect((await h.call("GET", `/postings/${id}`)).status).toBe(200);
    expect((await h.call("DELETE", `/postings/${id}`, { token: admin.token })).status).toBe(204);
    expectProblem(await h.call("GET", `/postings/${id}`), 404);
  });

  test("the author comes from the token, never from the body", async () => {
    const res = await h.call("POST", "/postings", { token: other.token, json: { title: "t", body: "b", authorId: owner.id } });
    expectProblem(res, 400);
    const created = await h.post(other);
    expect(created.authorId).toBe(other.id);
  });
});

describe("authors: a token's name versus renames from events", () => {
  test("a token issued before a newer rename does not bring the old name back", async () => {
    const user = await h.user("Old Name");
    const first = await h.post(user);
    expect(first.authorName).toBe("Old Name");
    // users renamed them after the token was issued (the event arrived).
    await h.db.transaction((tx) =>
      new AuthorsRepository(tx).recordName(user.id, { name: "New Name", asOf: new Date(Date.now() + 1_000), eventId: Bun.randomUUIDv7() }),
    );
    const second = await h.post(user); // still the old token, saying "Old Name"
    expect(second.authorName).toBe("New Name");
    expect((await h.call("GET", `/postings/${first.id}`)).body.authorName).toBe("New Name");
  });

  test("a token newer than what we know renames every posting of its author", async () => {
    const id = crypto.randomUUID();
    const before = { ...(await h.user()), id, token: await h.tokens.sign({ sub: id, name: "Before" }) };
    const first = await h.post(before);
    // What we know is an hour old (the last rename event); the next token is newer than that.
    await h.client.sql`update authors set name_as_of = now() - interval '1 hour' where id = ${id}`;
    const after = await h.tokens.sign({ sub: id, name: "After" });
    const second = await h.call("POST", "/postings", { token: after, json: { title: "t", body: "b" } });
    expect(second.body.authorName).toBe("After");
    expect((await h.call("GET", `/postings/${first.id}`)).body.authorName).toBe("After");
  });

  test("the token of a deleted account cannot post again (401)", async () => {
    const leaving = await h.user("Leaving");
    const { id } = await h.post(leaving);
    await h.db.transaction((tx) => new AuthorsRepository(tx).markDeleted(leaving.id, new Date()));
    expectProblem(await h.call("GET", `/postings/${id}`), 404);
    const res = await h.call("POST", "/postings", { token: leaving.token, json: { title: "t", body: "b" } });
    expectProblem(res, 401, "unauthorized");
    expect(res.body.detail).toContain("deleted");
  });
});
