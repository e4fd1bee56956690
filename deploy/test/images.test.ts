/**
 * The Bun images install with `bun install --frozen-lockfile`: each must hand its install step every
 * workspace manifest, the lockfile and the patches, or the image does not build. There is no Docker
 * engine here, so this reads the Dockerfiles and their .dockerignore files the way BuildKit does.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fromRoot } from "../src/facts.ts";
import { inContext, installInputs, missingInstallInputs, parseDockerignore, stageCopySources } from "../src/image-context.ts";

const read = (path: string) => readFileSync(fromRoot(...path.split("/")), "utf8");

describe("every Bun image's install step gets what a frozen install needs", () => {
  test.each(["services/users", "services/postings", "web"])("%s/Dockerfile", (dir) => {
    const missing = missingInstallInputs(fromRoot(), read(`${dir}/Dockerfile`), read(`${dir}/Dockerfile.dockerignore`), "deps");
    expect(missing).toEqual([]);
  });

  test("the inputs are the workspaces of the root manifest, the lockfile and its patches", () => {
    const inputs = installInputs(fromRoot());
    for (const path of ["bun.lock", "patches/postgres@3.4.9.patch", "packages/service-kit/package.json", "monolith/package.json"])
      expect(inputs).toContain(path);
  });
});

describe("reading a Dockerfile and its .dockerignore", () => {
  test("the last matching rule decides, for the path or a parent directory", () => {
    const rules = parseDockerignore("*\n!*/package.json\n!patches\n**/node_modules\n# a comment\n");
    expect(inContext(rules, "bun.lock")).toBe(false);
    expect(inContext(rules, "web/package.json")).toBe(true);
    expect(inContext(rules, "services/users/package.json")).toBe(false);
    expect(inContext(rules, "patches/x.patch")).toBe(true);
    expect(inContext(rules, "patches/node_modules/y")).toBe(false);
  });

  test("COPY sources of one stage, flags and destinations left out", () => {
    const dockerfile =
      "FROM a AS deps\nCOPY --chown=1:1 package.json bun.lock ./\nCOPY patches patches/\nFROM b AS runtime\nCOPY --from=deps /app x\n";
    expect(stageCopySources(dockerfile, "deps")).toEqual(["package.json", "bun.lock", "patches"]);
  });

  test("a missing manifest or patch is named", () => {
    const dockerfile = "FROM oven/bun AS deps\nCOPY package.json bun.lock bunfig.toml ./\n";
    const missing = missingInstallInputs(fromRoot(), dockerfile, "", "deps");
    expect(missing).toContain("patches/postgres@3.4.9.patch");
    expect(missing).toContain("services/users/package.json");
    expect(missing).not.toContain("bun.lock");
  });
});
