import { describe, expect, test } from "bun:test";
import { api, eventually, signUpAndLogin } from "./support/api.ts";
import { monolith } from "./support/shape.ts";

/**
 * The contract: postings follows users' changes within 5 s. Microservices: through the outbox and
 * the events stream, eventually. Monolith: postings' handlers run in the very transaction of the
 * change, so the reaction is already visible when the PATCH/DELETE answers — asserted as such.
 */
async function followsWithin5s(check: () => Promise<boolean>): Promise<void> {
  if (monolith) {
    expect(await check()).toBe(true);
    return;
  }
  expect(await eventually(check, { timeoutMs: 5_000 })).toBeLessThan(5_000);
}

const statusOf = async (id: string) => (await api("GET", `/postings/${id}`)).status;

describe(`events from users reach postings within 5 s (${monolith ? "monolith: in the same transaction" : "microservices: via the stream"})`, () => {
  test("rename: authorName follows user.updated", async () => {
    const user = await signUpAndLogin("Old Name");
    const post = await api("POST", "/postings", { token: user.token, json: { title: "rename me", body: "b" } });
    expect(post.body.authorName).toBe("Old Name");
    expect((await api("PATCH", "/user", { token: user.token, json: { name: "New Name" } })).status).toBe(200);
    await followsWithin5s(async () => (await api("GET", `/postings/${post.body.id}`)).body.authorName === "New Name");
  });

  test("delete: the account's postings disappear", async () => {
    const user = await signUpAndLogin("Leaving");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api("POST", "/postings", { token: user.token, json: { title: `bye ${i}`, body: "b" } })).body.id);
    expect((await api("DELETE", "/user", { token: user.token })).status).toBe(204);
    await followsWithin5s(async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 404));
  });

  test("another author's postings are untouched by a deletion", async () => {
    const stays = await signUpAndLogin("Stays");
    const leaves = await signUpAndLogin("Leaves");
    const kept = await api("POST", "/postings", { token: stays.token, json: { title: "kept", body: "b" } });
    const gone = await api("POST", "/postings", { token: leaves.token, json: { title: "gone", body: "b" } });
    await api("DELETE", "/user", { token: leaves.token });
    await followsWithin5s(async () => (await statusOf(gone.body.id)) === 404);
    expect(await statusOf(kept.body.id)).toBe(200);
  });
});
