import { existsSync } from "node:fs";
import { join } from "node:path";
import { deployVersions, fromRoot } from "../../src/facts.ts";
import type { ComposeModel } from "./types.ts";

/**
 * What is wrong with a Compose model's images, one line each (none: every image is ours, built from
 * a Dockerfile that exists and tagged msa-board/<service>:dev, or a pinned official image).
 */
export function imageProblems(model: ComposeModel): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(model.services)) {
    if (s.build) {
      const dockerfile = join(s.build.context, s.build.dockerfile);
      if (!existsSync(dockerfile)) problems.push(`${name}: no ${dockerfile.replace(`${fromRoot()}/`, "")}`);
      if (s.image !== `msa-board/${name}:dev`) problems.push(`${name}: built image tagged ${s.image}, not msa-board/${name}:dev`);
    } else if (!Object.values(deployVersions.images).includes(s.image as string)) {
      problems.push(`${name}: image ${s.image} is not pinned in deploy/versions.json`);
    }
  }
  return problems;
}
