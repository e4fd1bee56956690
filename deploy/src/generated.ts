import { existsSync, readFileSync } from "node:fs";
import { fromRoot } from "./facts.ts";
import { containerJaegerConfig } from "./jaeger-config.ts";

/**
 * Files deploy/ keeps as copies of another part's file. kustomize reads files only from inside its
 * kustomization's folder (its load restrictor), so `kubectl apply -k` works without extra flags
 * only when the ConfigMaps' sources sit under deploy/k8s. Each copy is derived from its source by
 * `bun run sync` (in deploy/), and the drift test fails when a copy and its source disagree.
 */
export type GeneratedFile = {
  /** Repository-relative path of the copy. */
  path: string;
  /** Repository-relative path of the file it is made from. */
  source: string;
  /** Says what to run when the source is missing. */
  missing: string;
  derive: (source: string) => string;
};

const header = (source: string, how: string) =>
  `# GENERATED from ${source} by \`bun run sync\` in deploy/ (${how}). Do not edit: change ${source}.\n`;

/** After a shebang line, if there is one, so the script still runs. */
const withHeader = (text: string, line: string) => (text.startsWith("#!") ? text.replace(/^(#![^\n]*\n)/, `$1${line}`) : `${line}${text}`);

export const generatedFiles: GeneratedFile[] = [
  {
    path: "deploy/k8s/base/gateway/envoy.yaml",
    source: "gateway/envoy.yaml",
    missing: "render it: cd gateway && bun run render:containers",
    derive: (text) => withHeader(text, header("gateway/envoy.yaml", "verbatim")),
  },
  {
    path: "deploy/k8s/base/jaeger/jaeger.yaml",
    source: "observability/jaeger.yaml",
    missing: "observability/jaeger.yaml is Jaeger's config for `npm start`; it comes with the observability part",
    derive: (text) => withHeader(containerJaegerConfig(text), header("observability/jaeger.yaml", "listeners on JAEGER_LISTEN_HOST")),
  },
  {
    path: "deploy/k8s/overlays/dev/postgres/10-service-databases.sh",
    source: "deploy/compose/postgres-init/10-service-databases.sh",
    missing: "it is compose's PostgreSQL init script",
    derive: (text) => withHeader(text, header("deploy/compose/postgres-init/10-service-databases.sh", "verbatim")),
  },
  {
    path: "deploy/k8s/overlays/monolith/gateway/envoy.yaml",
    source: "gateway/envoy.monolith.yaml",
    missing: "render it: cd gateway && bun run render:containers",
    derive: (text) => withHeader(text, header("gateway/envoy.monolith.yaml", "verbatim")),
  },
  {
    path: "deploy/k8s/overlays/monolith/postgres/10-monolith-database.sh",
    source: "deploy/compose/postgres-init-monolith/10-monolith-database.sh",
    missing: "it is compose.monolith.yaml's PostgreSQL init script",
    derive: (text) => withHeader(text, header("deploy/compose/postgres-init-monolith/10-monolith-database.sh", "verbatim")),
  },
];

export type Drift = { path: string; problem: string };

/** What each copy should contain now; a missing source is reported, not guessed. */
export function expected(file: GeneratedFile): { content: string } | { error: string } {
  const source = fromRoot(file.source);
  if (!existsSync(source)) return { error: `${file.source} is missing (${file.missing})` };
  return { content: file.derive(readFileSync(source, "utf8")) };
}

export function drift(): Drift[] {
  const problems: Drift[] = [];
  for (const file of generatedFiles) {
    const want = expected(file);
    if ("error" in want) {
      problems.push({ path: file.path, problem: want.error });
      continue;
    }
    const target = fromRoot(file.path);
    const have = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (have !== want.content) {
      problems.push({ path: file.path, problem: `differs from ${file.source}; run \`bun run sync\` in deploy/ and commit the result` });
    }
  }
  return problems;
}
