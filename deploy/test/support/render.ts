import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRoot } from "../../src/facts.ts";
import { exec } from "./exec.ts";
import type { ComposeModel, K8sObject } from "./types.ts";

export type Overlay = "dev" | "prod" | "monolith";

export type Rendered = { yaml: string; objects: K8sObject[] };

/** `kustomize build deploy/k8s/overlays/<overlay>`: exactly what `kubectl apply -k` would send. */
export async function kustomizeBuild(kustomize: string, overlay: Overlay): Promise<Rendered> {
  const dir = fromRoot("deploy", "k8s", "overlays", overlay);
  const built = await exec([kustomize, "build", dir]);
  if (built.code !== 0) throw new Error(`kustomize build ${dir} failed:\n${built.stderr}`);
  const parsed = Bun.YAML.parse(built.stdout);
  const objects = (Array.isArray(parsed) ? parsed : [parsed]) as K8sObject[];
  return { yaml: built.stdout, objects };
}

/**
 * The project as Docker's Compose reads it (compose.yaml, or compose.monolith.yaml) (`docker compose config --format json`): merged,
 * interpolated, normalised. `env` plays the role of the shell environment and `.env`; a developer's
 * own `.env` is never read (an empty env file stands in for it).
 */
export async function composeConfig(compose: string, env: Record<string, string> = {}, file = "compose.yaml"): Promise<ComposeModel> {
  const dir = mkdtempSync(join(tmpdir(), "msa-compose-"));
  try {
    const envFile = join(dir, "empty.env");
    writeFileSync(envFile, "");
    const result = await exec(
      [compose, "--file", fromRoot(file), "--project-directory", fromRoot(), "--env-file", envFile, "config", "--format", "json"],
      {
        env,
      },
    );
    if (result.code !== 0) throw new Error(`docker compose config failed:\n${result.stderr}`);
    return JSON.parse(result.stdout) as ComposeModel;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
