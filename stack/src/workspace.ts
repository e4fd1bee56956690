import { join } from "node:path";
import { repoRoot } from "./config.ts";
import { run } from "./tools/exec.ts";
import type { Tools } from "./tools/index.ts";

/** Deno's npm packages for notices, from its lock file, into the shared Deno cache. */
export async function prepareWorkspace(tools: Tools): Promise<void> {
  const result = await run([tools.deno, "install", "--frozen", "--quiet"], {
    cwd: join(repoRoot, "services", "notices"),
    env: { DENO_DIR: tools.denoDir, DENO_NO_UPDATE_CHECK: "1" },
  });
  if (result.code !== 0) throw new Error(`deno install failed for services/notices:\n${result.stderr}`);
}
