import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { repoRoot } from "./config.ts";

/** `deps`: what it runs with (no cycles allowed); `declared`: those and its test-only devDependencies. */
type Workspace = { name: string; dir: string; deps: string[]; declared: string[] };

const rootPackage = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
const workspaceDirs = rootPackage.workspaces.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(repoRoot, pattern.slice(0, -2))).map((child) => join(repoRoot, pattern.slice(0, -2), child))
    : [join(repoRoot, pattern)],
);
const workspaces: Workspace[] = workspaceDirs.map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const ours = (deps: Record<string, string> = {}) => Object.keys(deps).filter((d) => d.startsWith("@msa-board/"));
  const deps = ours(pkg.dependencies);
  return { name: pkg.name, dir, deps, declared: [...deps, ...ours(pkg.devDependencies)] };
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry.startsWith(".")) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(entry) ? [path] : [];
  });
}

const importSpecifiers = (source: string) =>
  [...source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] as string).filter((s) => s.startsWith("."));

describe("workspace boundaries", () => {
  test("no relative import leaves its workspace: packages talk through their exports", () => {
    const crossing: string[] = [];
    for (const workspace of workspaces) {
      for (const file of sourceFiles(workspace.dir)) {
        for (const spec of importSpecifiers(readFileSync(file, "utf8"))) {
          const target = resolve(dirname(file), spec);
          if (relative(workspace.dir, target).startsWith("..")) crossing.push(`${relative(repoRoot, file)} → ${spec}`);
        }
      }
    }
    expect(crossing).toEqual([]);
  });

  test("workspaces depend on each other without cycles", () => {
    const byName = new Map(workspaces.map((w) => [w.name, w]));
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (path.includes(name)) {
        cycles.push([...path.slice(path.indexOf(name)), name].join(" → "));
        return;
      }
      for (const dep of byName.get(name)?.deps ?? []) visit(dep, [...path, name]);
    };
    for (const w of workspaces) visit(w.name, []);
    expect(cycles).toEqual([]);
  });

  test("every @msa-board import is a declared dependency of the importing workspace", () => {
    const undeclared: string[] = [];
    for (const workspace of workspaces) {
      for (const file of sourceFiles(workspace.dir)) {
        for (const [, pkg] of readFileSync(file, "utf8").matchAll(/from\s+["'](@msa-board\/[^/"']+)/g)) {
          if (pkg !== workspace.name && !workspace.declared.includes(pkg as string)) undeclared.push(`${relative(repoRoot, file)}: ${pkg}`);
        }
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
