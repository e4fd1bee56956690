import { describe, expect, test } from "bun:test";
import { adminToken, api, expectProblem, signUpAndLogin } from "./support/api.ts";

describe("notices through the gateway", () => {
  test("an admin creates, updates and deletes; everyone reads newest first", async () => {
    const token = await adminToken();
    const first = await api("POST", "/notice", { token, json: { title: "Maintenance", body: "Sunday 02:00" } });
    expect(first.status).toBe(201);
    expect(Object.keys(first.body).sort()).toEqual(["body", "createdAt", "id", "title", "updatedAt"]);
    const second = await api("POST", "/notice", { token, json: { title: "Welcome", body: "Hi" } });

    const list = await api("GET", "/notice");
    expect(list.status).toBe(200);
    const ids = list.body.items.map((n: { id: string }) => n.id);
    expect(ids.indexOf(second.body.id)).toBeLessThan(ids.indexOf(first.body.id));

    expect((await api("GET", `/notice/${first.body.id}`)).body.title).toBe("Maintenance");
    const patched = await api("PATCH", `/notice/${first.body.id}`, { token, json: { body: "Sunday 03:00" } });
    expect(patched.status).toBe(200);
    expect(patched.body.body).toBe("Sunday 03:00");
    expect((await api("DELETE", `/notice/${first.body.id}`, { token })).status).toBe(204);
    expectProblem(await api("GET", `/notice/${first.body.id}`), 404);
  });

  test("non-admins get 403, anonymous writers 401", async () => {
    const user = await signUpAndLogin();
    expectProblem(await api("POST", "/notice", { token: user.token, json: { title: "t", body: "b" } }), 403);
    expectProblem(await api("POST", "/notice", { json: { title: "t", body: "b" } }), 401);
  });

  test("bad notice bodies are 400 problems", async () => {
    const token = await adminToken();
    expectProblem(await api("POST", "/notice", { token, json: { title: "", body: "b" } }), 400);
    expectProblem(await api("POST", "/notice", { token, body: "nope", headers: { "content-type": "application/json" } }), 400);
  });
});
