import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Stack } from "@msa-board/stack";

/** Fills postings through the service's own seed script (COPY), as the postings README documents. */
export async function seedPostings(stack: Stack, count: number): Promise<void> {
  if (count <= 0) return;
  const { ports } = stack.config;
  console.log(`▸ seeding ${count.toLocaleString("en")} postings`);
  const result = spawnSync(stack.tools.bun, ["run", "src/cli/seed.ts", "--count", String(count)], {
    cwd: join(stack.config.root, "services", "postings"),
    env: { ...process.env, DATABASE_URL: `postgres://postings:postings@127.0.0.1:${ports.postgres}/postings` },
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("seeding postings failed");
}
