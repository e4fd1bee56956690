import { join } from "node:path";
import { repoRoot } from "../config.ts";
import type { Tools } from "../tools/index.ts";
import type { Suite } from "./run-suite.ts";

const at = (...path: string[]) => join(repoRoot, ...path);

/**
 * Bun 1.3 ignores `[test] timeout` in bunfig.toml, so the per-test default (5 s) is set here: the
 * suites run beside a whole stack on two cores, where an argon2id sign-up or a 250-row relay pass can
 * take longer than 5 s without anything being wrong. Tests that need more still say so themselves.
 */
const timeout = (ms: number) => ["--timeout", String(ms)];
const TEST_TIMEOUT = timeout(30_000);

/** Format, lint and type checks: each counts as one test in the summary. */
export function staticChecks(tools: Tools): Suite[] {
  return [
    {
      name: "check: biome (format + lint)",
      kind: "check",
      cwd: repoRoot,
      command: [tools.bun, "x", "--bun", "biome", "ci", "--colors=off", "."],
    },
    { name: "check: tsc --noEmit (Bun workspace)", kind: "check", cwd: repoRoot, command: [tools.bun, "x", "tsc", "--noEmit", "-p", "."] },
    {
      name: "check: deno fmt + lint + check (notices)",
      kind: "check",
      cwd: at("services", "notices"),
      command: [tools.deno, "task", "check"],
    },
  ];
}

/** Each part's own suite, against the test stack's real stores (their env points there). */
export function serviceSuites(tools: Tools): Suite[] {
  return [
    { name: "stack (runner units)", kind: "bun-test", cwd: at("stack"), command: [tools.bun, "test", "./src", ...timeout(60_000)] },
    {
      // Starts real dev stacks on free ports and SIGKILLs their runner.
      name: "stack (runner death and recovery)",
      kind: "bun-test",
      cwd: at("stack"),
      command: [tools.bun, "test", "./test", ...timeout(240_000)],
      timeoutMs: 900_000,
    },
    { name: "service-kit", kind: "bun-test", cwd: at("packages", "service-kit"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "users", kind: "bun-test", cwd: at("services", "users"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "postings", kind: "bun-test", cwd: at("services", "postings"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "monolith (host, in-process events)", kind: "bun-test", cwd: at("monolith"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "notices (deno test)", kind: "deno-test", cwd: at("services", "notices"), command: [tools.deno, "task", "test"] },
    // The rules every service must pass alike, against the real apps of all three on the stack's stores.
    { name: "conformance (all services)", kind: "bun-test", cwd: at("conformance"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "gateway (real Envoy)", kind: "bun-test", cwd: at("gateway"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    {
      name: "deploy (compose + k8s validation)",
      kind: "bun-test",
      cwd: at("deploy"),
      command: [tools.bun, "test", ...timeout(120_000)],
      // Cold CI builds kustomize and docker compose from the Go module proxy (~4 min on 2 cores).
      timeoutMs: 1_200_000,
    },
    { name: "bench (load generators, tables)", kind: "bun-test", cwd: at("bench"), command: [tools.bun, "test", ...TEST_TIMEOUT] },
    { name: "observability (real Jaeger)", kind: "bun-test", cwd: at("observability"), command: [tools.bun, "test", ...timeout(60_000)] },
    { name: "web (server units)", kind: "bun-test", cwd: at("web"), command: [tools.bun, "test", ...TEST_TIMEOUT, "./src", "./client"] },
  ];
}

/** `npm run screenshots`: the web part's PNGs of its main pages (web/screenshots/), against a test stack. */
export function screenshotSuites(tools: Tools): Suite[] {
  return [
    { name: "web: screenshots", kind: "check", cwd: at("web"), command: [tools.bun, "run", "browser/screenshots.ts"], timeoutMs: 300_000 },
  ];
}

/** Through the real gateway; chaos and the soak last, since they kill parts of the stack. */
export function systemSuites(tools: Tools): Suite[] {
  return [
    {
      name: "e2e (through the gateway)",
      kind: "bun-test",
      cwd: at("e2e"),
      command: [tools.bun, "test", ...TEST_TIMEOUT, "./src"],
      timeoutMs: 900_000,
    },
    // Schemathesis on each service's own OpenAPI document, against its real process (after e2e: it leaves data behind).
    ...(["users", "postings", "notices"] as const).map(
      (service): Suite => ({
        name: `schemathesis (${service})`,
        kind: "check",
        cwd: at("conformance"),
        command: [tools.bun, "fuzz/schemathesis.ts", service],
        timeoutMs: 300_000,
      }),
    ),
    // A person's visit in Debian's Chromium (CHROMIUM_BIN), axe-core on every page.
    {
      name: "web (Chromium journey + axe)",
      kind: "bun-test",
      cwd: at("web"),
      command: [tools.bun, "test", ...timeout(60_000), "./browser"],
      timeoutMs: 600_000,
    },
    {
      name: "chaos (failure isolation, deploys)",
      kind: "bun-test",
      cwd: at("e2e"),
      command: [tools.bun, "test", ...TEST_TIMEOUT, "./chaos"],
      timeoutMs: 900_000,
    },
    {
      // Last: it kills, pauses and slows every part of the stack for two minutes.
      name: "soak (fixed-seed faults, 2 min)",
      kind: "bun-test",
      cwd: at("e2e"),
      command: [tools.bun, "test", "./soak"],
      timeoutMs: 600_000,
    },
  ];
}

/**
 * Against a second throw-away stack in the monolith shape: the same end-to-end suites, through the
 * same gateway. Where the shapes legitimately differ (events in-process, one service name in
 * traces) the suites read the shape from the stack description and say so.
 */
export function monolithSuites(tools: Tools): Suite[] {
  return [
    {
      name: "e2e (monolith shape)",
      kind: "bun-test",
      cwd: at("e2e"),
      command: [tools.bun, "test", ...TEST_TIMEOUT, "./src"],
      timeoutMs: 900_000,
    },
  ];
}
