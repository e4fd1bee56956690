import { describe, expect, test } from "bun:test";
import { api, eventually, signUpAndLogin } from "./support/api.ts";

describe("events from users reach postings within 5 s", () => {
  test("rename: authorName follows user.updated", async () => {
    const user = await signUpAndLogin("Old Name");
    const post = await api("POST", "/postings", { token: user.token, json: { title: "rename me", body: "b" } });
    expect(post.body.authorName).toBe("Old Name");
    expect((await api("PATCH", "/user", { token: user.token, json: { name: "New Name" } })).status).toBe(200);
    const ms = await eventually(async () => (await api("GET", `/postings/${post.body.id}`)).body.authorName === "New Name", {
      timeoutMs: 5_000,
    });
    expect(ms).toBeLessThan(5_000);
  });

  test("delete: the account's postings disappear", async () => {
    const user = await signUpAndLogin("Leaving");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api("POST", "/postings", { token: user.token, json: { title: `bye ${i}`, body: "b" } })).body.id);
    expect((await api("DELETE", "/user", { token: user.token })).status).toBe(204);
    await eventually(
      async () => {
        const statuses = await Promise.all(ids.map(async (id) => (await api("GET", `/postings/${id}`)).status));
        return statuses.every((s) => s === 404);
      },
      { timeoutMs: 5_000 },
    );
  });

  test("another author's postings are untouched by a deletion", async () => {
    const stays = await signUpAndLogin("Stays");
    const leaves = await signUpAndLogin("Leaves");
    const kept = await api("POST", "/postings", { token: stays.token, json: { title: "kept", body: "b" } });
    const gone = await api("POST", "/postings", { token: leaves.token, json: { title: "gone", body: "b" } });
    await api("DELETE", "/user", { token: leaves.token });
    await eventually(async () => (await api("GET", `/postings/${gone.body.id}`)).status === 404);
    expect((await api("GET", `/postings/${kept.body.id}`)).status).toBe(200);
  });
});
