import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_BODY_BYTES } from "../http/schemas.ts";
import { createHarness, type Harness, type TestResponse, type TestUser } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
let author: TestUser;
let postingId: string;
beforeAll(async () => {
  h = await createHarness({ prefix: "postings_errors" });
  author = await h.user("Careful Author");
  postingId = (await h.post(author, { title: "Original", body: "Original body" })).id;
});
afterAll(() => h?.close());

const paths = (res: TestResponse) => (res.body.errors ?? []).map((e: { path: string }) => e.path);

/** Bodies every write must refuse with a 400 validation problem naming the field. */
const invalidBodies: Array<[string, unknown, string]> = [
  ["empty title", { title: "", body: "b" }, "title"],
  ["blank title", { title: "   \t ", body: "b" }, "title"],
  ["title over 200 characters", { title: "x".repeat(201), body: "b" }, "title"],
  ["huge title", { title: "x".repeat(1_000), body: "b" }, "title"],
  ["title with a newline", { title: "two\nlines", body: "b" }, "title"],
  ["title with NUL", { title: "nul\u0000", body: "b" }, "title"],
  ["body over 20000 characters", { title: "t", body: "x".repeat(20_001) }, "body"],
  ["blank body", { title: "t", body: " \n " }, "body"],
  ["body with NUL", { title: "t", body: "a\u0000b" }, "body"],
  ["title a number", { title: 5, body: "b" }, "title"],
  ["body an array", { title: "t", body: [] }, "body"],
  ["title null", { title: null, body: "b" }, "title"],
  ["unknown field", { title: "t", body: "b", authorId: "someone-else" }, "(root)"],
];

describe("POST /postings refuses bad input with clear problems", () => {
  for (const [what, json, field] of invalidBodies) {
    test(`400: ${what}`, async () => {
      const res = await h.call("POST", "/postings", { token: author.token, json });
      expectProblem(res, 400, "validation");
      expect(paths(res)).toContain(field);
    });
  }

  test("400: missing fields are each named", async () => {
    const res = await h.call("POST", "/postings", { token: author.token, json: {} });
    expectProblem(res, 400, "validation");
    expect(paths(res).sort()).toEqual(["body", "title"]);
  });

  test("400: a body that is not an object", async () => {
    for (const json of [[], "text", 42, null]) {
      expectProblem(await h.call("POST", "/postings", { token: author.token, json }), 400);
    }
  });

  test("exactly 200 title and 20000 body characters are fine", async () => {
    const res = await h.call("POST", "/postings", { token: author.token, json: { title: "t".repeat(200), body: "b".repeat(20_000) } });
    expect(res.status).toBe(201);
    expect(res.body.body).toHaveLength(20_000);
  });

  test("20000 characters sent as \\u escapes still fit the byte bound", async () => {
    const body = `{"title":"escaped","body":"${"\\u00e9".repeat(20_000)}"}`;
    const res = await h.call("POST", "/postings", { token: author.token, body, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(201);
  });

  test("400: malformed JSON", async () => {
    const res = await h.call("POST", "/postings", {
      token: author.token,
      body: '{"title": "t",',
      headers: { "content-type": "application/json" },
    });
    expectProblem(res, 400);
  });

  test("415: not JSON, or no content type", async () => {
    expectProblem(
      await h.call("POST", "/postings", {
        token: author.token,
        body: "title=t&body=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported-media-type",
    );
    expectProblem(await h.call("POST", "/postings", { token: author.token, body: '{"title":"t","body":"b"}' }), 415);
  });

  test("413: a body over the bound (room for the longest posting, however escaped)", async () => {
    const res = await h.call("POST", "/postings", { token: author.token, json: { title: "big", body: "x".repeat(MAX_BODY_BYTES) } });
    expectProblem(res, 413, "payload-too-large");
  });

  test("401 comes before body checks", async () => {
    expectProblem(await h.call("POST", "/postings", { json: { title: "" } }), 401, "unauthorized");
  });
});

describe("PATCH /postings/{id} refuses bad input", () => {
  for (const [what, json, field] of invalidBodies) {
    test(`400: ${what}`, async () => {
      const res = await h.call("PATCH", `/postings/${postingId}`, { token: author.token, json });
      expectProblem(res, 400, "validation");
      expect(paths(res)).toContain(field);
    });
  }

  test("400: an empty change", async () => {
    const res = await h.call("PATCH", `/postings/${postingId}`, { token: author.token, json: {} });
    expectProblem(res, 400, "validation");
    expect(res.body.errors[0].message).toContain("at least one");
  });

  test("400 malformed JSON, 415 wrong type, 413 too large", async () => {
    const path = `/postings/${postingId}`;
    expectProblem(await h.call("PATCH", path, { token: author.token, body: "{", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await h.call("PATCH", path, { token: author.token, body: "x", headers: { "content-type": "text/plain" } }), 415);
    expectProblem(await h.call("PATCH", path, { token: author.token, json: { body: "x".repeat(MAX_BODY_BYTES) } }), 413);
  });

  test("nothing was changed by the refused requests", async () => {
    const res = await h.call("GET", `/postings/${postingId}`);
    expect(res.body).toMatchObject({ title: "Original", body: "Original body" });
  });
});

describe("unknown and impossible ids are 404 problems, never 500", () => {
  const unknown = "01939a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b";
  const impossible = ["does-not-exist", "1", "%20", "01939a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6bX", "x".repeat(5_000), "' or 1=1 --"];

  test("GET", async () => {
    expectProblem(await h.call("GET", `/postings/${unknown}`), 404, "not-found");
    for (const id of impossible) expectProblem(await h.call("GET", `/postings/${encodeURIComponent(id)}`), 404, "not-found");
  });

  test("PATCH", async () => {
    expectProblem(await h.call("PATCH", `/postings/${unknown}`, { token: author.token, json: { title: "t" } }), 404);
    for (const id of impossible) {
      expectProblem(await h.call("PATCH", `/postings/${encodeURIComponent(id)}`, { token: author.token, json: { title: "t" } }), 404);
    }
  });

  test("DELETE", async () => {
    expectProblem(await h.call("DELETE", `/postings/${unknown}`, { token: author.token }), 404);
    for (const id of impossible) expectProblem(await h.call("DELETE", `/postings/${encodeURIComponent(id)}`, { token: author.token }), 404);
  });

  test("routes that do not exist: 404; methods a route does not declare: 405 with Allow", async () => {
    expectProblem(await h.call("GET", "/nope"), 404, "not-found");
    expectProblem(await h.call("GET", `/postings/${postingId}/extra`), 404);
    const remove = await h.call("DELETE", "/postings");
    expectProblem(remove, 405, "method-not-allowed");
    expect(remove.headers.get("allow")).toBe("GET, HEAD, POST");
    const put = await h.call("PUT", `/postings/${postingId}`, { token: author.token, json: { title: "t", body: "b" } });
    expectProblem(put, 405, "method-not-allowed");
    expect(put.headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH");
  });
});
