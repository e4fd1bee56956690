import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { aclLines, REDIS_ACCOUNTS, serviceRedisUrl } from "./redis-acl.ts";

const passwords = { admin: "admin-secret", services: { users: "u-secret", postings: "p-secret", notices: "n-secret" } };

describe("Redis ACL users", () => {
  test("each Redis gets the operator's default user and only the services that use it", () => {
    const users = (lines: string[]) => lines.map((l) => l.split(" ")[1]);
    expect(users(aclLines("redisEvents", passwords))).toEqual(["default", "users", "postings"]);
    expect(users(aclLines("redisNotices", passwords))).toEqual(["default", "notices"]);
  });

  test("the native ACL file holds SHA-256 hashes, never a password", () => {
    const text = [...aclLines("redisEvents", passwords), ...aclLines("redisNotices", passwords)].join("\n");
    for (const secret of [passwords.admin, ...Object.values(passwords.services)]) expect(text).not.toContain(secret);
    expect(text).toContain(`#${createHash("sha256").update("u-secret").digest("hex")}`);
  });

  test("every service user starts from nothing, and no one but default gets dangerous commands", () => {
    for (const account of Object.values(REDIS_ACCOUNTS)) {
      expect(account.rules.slice(0, 3)).toEqual(["resetkeys", "resetchannels", "-@all"]);
      const text = account.rules.join(" ");
      for (const forbidden of ["+@all", "allkeys", "~*", "+flushall", "+flushdb", "+config", "+keys", "+acl", "+@admin", "+@dangerous"]) {
        expect(text).not.toContain(forbidden);
      }
    }
    expect(REDIS_ACCOUNTS.users.rules.filter((r) => r.startsWith("+x"))).toEqual(["+xadd"]);
  });

  test("a service's URL names its user on its Redis", () => {
    const url = new URL(serviceRedisUrl({ redisEvents: 6381, redisNotices: 6380 }, passwords.services, "postings"));
    expect([url.username, url.password, url.port]).toEqual(["postings", "p-secret", "6381"]);
  });
});
