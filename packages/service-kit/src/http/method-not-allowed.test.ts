import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createLogger } from "../logger.ts";
import { handleErrors, notFoundProblem } from "./error-handler.ts";
import { answerUndeclaredMethods } from "./method-not-allowed.ts";

const app = new Hono();
app.use(async (_c, next) => next());
app.onError(handleErrors(createLogger({ service: "test", write: () => {} })));
app.notFound(notFoundProblem);
app.get("/things", (c) => c.text("list"));
app.post("/things", (c) => c.text("made", 201));
app.delete("/things/:id", (c) => c.body(null, 204));
answerUndeclaredMethods(app);

describe("answerUndeclaredMethods", () => {
  test("declared methods answer as before (HEAD too, wherever GET is)", async () => {
    expect((await app.request("/things")).status).toBe(200);
    expect((await app.request("/things", { method: "POST" })).status).toBe(201);
    expect((await app.request("/things", { method: "HEAD" })).status).toBe(200);
    expect((await app.request("/things/1", { method: "DELETE" })).status).toBe(204);
  });

  test("an undeclared method on a served path is a 405 problem with Allow", async () => {
    const put = await app.request("/things", { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(put.headers.get("content-type")).toBe("application/problem+json");
    expect((await put.json()).type).toBe("https://msa-board.dev/problems/method-not-allowed");
    const get = await app.request("/things/1");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("DELETE");
  });

  test("a path nobody serves is still 404", async () => {
    expect((await app.request("/nothing", { method: "PUT" })).status).toBe(404);
  });
});
