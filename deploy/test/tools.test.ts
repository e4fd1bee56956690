import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "@msa-board/stack/tools";
import versions from "@msa-board/stack/versions.json";
import { ensureComposeCli, ensureKubernetesValidate, ensureKustomize } from "../src/tools.ts";
import deployVersions from "../versions.json";

let cacheDir: string;
let steps: string[];
const context = (): ToolContext => ({
  cacheDir,
  versions,
  step: (label, fn) => {
    steps.push(label);
    return fn();
  },
});
const mustNotLook = () => {
  throw new Error("must not look for a toolchain on a warm run");
};

beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "msa-deploy-tools-"));
  steps = [];
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A stand-in for an installed tool: exits with `exitCode` whatever it is asked. */
function placeBinary(path: string[], exitCode: number): string {
  const binary = join(cacheDir, ...path);
  mkdirSync(join(binary, ".."), { recursive: true });
  writeFileSync(binary, `#!/bin/sh\necho stand-in\nexit ${exitCode}\n`);
  chmodSync(binary, 0o755);
  return binary;
}

const tools = [
  {
    name: "kustomize",
    ensure: ensureKustomize,
    path: ["kustomize", deployVersions.kustomize.version, "kustomize"],
    needs: /Go is needed once.*kustomize/s,
  },
  {
    name: "docker-compose",
    ensure: ensureComposeCli,
    path: ["docker-compose", deployVersions.compose.version, "docker-compose"],
    needs: /Go is needed once.*Docker Compose/s,
  },
  {
    name: "kubernetes-validate",
    ensure: ensureKubernetesValidate,
    path: ["kubernetes-validate", deployVersions.kubernetesValidate.version, "venv", "bin", "kubernetes-validate"],
    needs: /python3 is missing.*apt-get install -y python3 python3-venv/s,
  },
];

describe.each(tools)("$name", ({ ensure, path, needs }) => {
  test("a cached binary that runs is returned at once, nothing installed", async () => {
    const binary = placeBinary(path, 0);
    const started = performance.now();
    expect(await ensure(context(), { findGo: mustNotLook, findPython: mustNotLook })).toBe(binary);
    expect(steps).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("without its toolchain it fails, saying what to install", async () => {
    const attempt = ensure(context(), { findGo: () => null, findPython: () => null });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(needs);
    expect(steps).toEqual([]);
  });

  test("a cached binary that does not run is reinstalled, not trusted", async () => {
    placeBinary(path, 1);
    await expect(ensure(context(), { findGo: () => null, findPython: () => null })).rejects.toBeInstanceOf(MissingToolError);
  });
});

test("versions are pinned exactly", () => {
  expect(deployVersions.kustomize.version).toMatch(/^v\d+\.\d+\.\d+$/);
  expect(deployVersions.compose.version).toMatch(/^v\d+\.\d+\.\d+$/);
  for (const requirement of deployVersions.kubernetesValidate.requirements) expect(requirement).toMatch(/^[A-Za-z0-9_.-]+==[\w.]+$/);
  expect(deployVersions.kubernetesValidate.requirements).toContain(`kubernetes-validate==${deployVersions.kubernetesValidate.version}`);
});
