import { createToolContext } from "@msa-board/stack/tools";
import { ensureComposeCli, ensureKubernetesValidate, ensureKustomize } from "../../src/tools.ts";

export type DeployTools = { kustomize: string; compose: string; kubernetesValidate: string };

/** Cold: one Go build after the other (2 cores shared), the PyPI install beside them. */
export const COLD_INSTALL_MS = 20 * 60_000;

let installing: Promise<DeployTools> | undefined;

/**
 * The real validators, installed on first use into the msa-board tool cache. A tool that cannot be
 * installed fails the suite with the installer's message (what to install by hand) — never a skip.
 */
export function deployTools(): Promise<DeployTools> {
  installing ??= (async () => {
    const ctx = createToolContext();
    const python = ensureKubernetesValidate(ctx);
    // Awaited below, after the Go builds; until then its failure must not count as unhandled.
    python.catch(() => {});
    const kustomize = await ensureKustomize(ctx);
    const compose = await ensureComposeCli(ctx);
    return { kustomize, compose, kubernetesValidate: await python };
  })();
  return installing;
}
