import { afterAll, describe } from "bun:test";
import { operationsOf } from "./openapi.ts";
import { authRules } from "./rules/auth.ts";
import { healthRules } from "./rules/health.ts";
import { httpRules } from "./rules/http.ts";
import type { Target } from "./target.ts";
import { noticesTarget } from "./targets/notices.ts";
import { postingsTarget } from "./targets/postings.ts";
import { usersTarget } from "./targets/users.ts";

// Built before the tests are declared: the rules enumerate each service's own OpenAPI operations.
const targets: Target[] = [await usersTarget(), await postingsTarget(), await noticesTarget()];
const operations = await Promise.all(targets.map((t) => operationsOf(t.app)));

afterAll(async () => {
  for (const target of targets) await target.close();
});

targets.forEach((target, i) => {
  const ops = operations[i] ?? [];
  describe(`${target.name}: auth`, () => authRules(target, ops));
  describe(`${target.name}: http`, () => httpRules(target, ops));
  describe(`${target.name}: health`, () => healthRules(target));
});
