/**
 * The Bun images install with `bun install --frozen-lockfile`: each must hand its install step every
 * workspace manifest, the lockfile and the patches, or the image does not build. There is no Docker
 * engine here, so this reads the Dockerfiles and their .dockerignore files the way BuildKit does.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fromRoot } from "../src/facts.ts";
import {
  inContext,
  installInputs,
  loadedSources,
  missingInstallInputs,
  missingSources,
  parseDockerignore,
  stageCopySources,
} from "../src/image-context.ts";

const read = (path: string) => readFileSync(fromRoot(...path.split("/")), "utf8");

describe("every Bun image's install step gets what a frozen install needs", () => {
  test.each(["services/users", "services/postings", "web", "monolith"])("%s/Dockerfile", (dir) => {
    const missing = missingInstallInputs(fromRoot(), read(`${dir}/Dockerfile`), read(`${dir}/Dockerfile.dockerignore`), "deps");
    expect(missing).toEqual([]);
  });

  test("the inputs are the workspaces of the root manifest, the lockfile and its patches", () => {
    const inputs = installInputs(fromRoot());
    for (const path of ["bun.lock", "patches/postgres@3.4.9.patch", "packages/service-kit/package.json", "monolith/package.json"])
      expect(inputs).toContain(path);
  });
});

describe("the monolith image: one process hosting modules of four workspaces", () => {
  const dockerfile = () => read("monolith/Dockerfile");
  const dockerignore = () => read("monolith/Dockerfile.dockerignore");

  test("its source stage copies every file the entry point loads (through package exports), from the build context", async () => {
    const loaded = await loadedSources(fromRoot(), "monolith/src/main.ts");
    // The modules it hosts and the chassis they share, not only its own folder.
    for (const dir of [
      "monolith/src/",
      "services/users/src/",
      "services/postings/src/",
      "services/notices/src/",
      "packages/service-kit/src/",
      "gateway/src/",
    ])
      expect(loaded.some((path) => path.startsWith(dir))).toBe(true);
    expect(await missingSources(fromRoot(), "monolith/src/main.ts", dockerfile(), dockerignore(), "source")).toEqual([]);
  });

  test("no test or test helper is loaded, and none is copied into the runtime", async () => {
    const loaded = await loadedSources(fromRoot(), "monolith/src/main.ts");
    expect(loaded.filter((path) => /(\.test\.ts|_test\.ts)$|test-support|test_support/.test(path))).toEqual([]);
    expect(dockerfile()).toContain("find . \\( -name '*.test.ts' -o -name '*_test.ts' \\) -delete");
    expect(dockerfile()).toContain("find . -type d \\( -name test-support -o -name test_support \\) -prune -exec rm -rf {} +");
  });

  test("users' and postings' migrations, which they read from disk at start, are copied", () => {
    const sources = stageCopySources(dockerfile(), "source");
    for (const dir of ["services/users/drizzle", "services/postings/drizzle"]) {
      expect(sources).toContain(dir);
      expect(inContext(parseDockerignore(dockerignore()), `${dir}/meta/_journal.json`)).toBe(true);
    }
  });

  test("installs the monolith's production dependencies only, runs as non-root, checks /healthz, drains on SIGTERM", () => {
    const text = dockerfile();
    expect(text).toContain("RUN bun install --frozen-lockfile --production --filter @msa-board/monolith\n");
    expect(text).toMatch(/^USER bun$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/healthz/m);
    expect(text).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(text).toMatch(/^CMD \["bun", "run", "src\/main\.ts"\]$/m);
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
