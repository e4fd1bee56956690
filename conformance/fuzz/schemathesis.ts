/**
 * Schema-driven fuzzing of one service's real process (`bun fuzz/schemathesis.ts <service>`): runs
 * Schemathesis on the service's own OpenAPI document with every check on, authenticated, in the
 * coverage and fuzzing phases, with a fixed seed and a bounded number of examples so it fits CI.
 * Needs the running test stack (MSA_STACK_FILE) and the Schemathesis binary (SCHEMATHESIS_BIN),
 * both provided by `npm test`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackDescription } from "@msa-board/stack";
import { DEV_ADMIN } from "@msa-board/stack/config";

const SEED = 20_261_129;
const MAX_EXAMPLES = 10;

type Service = keyof StackDescription["services"];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through \`npm test\` (or \`npm test -- --only schemathesis\`).`);
  return value;
}

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** An access token the service's protected routes accept: the stack's admin for notices, a fresh account elsewhere. */
async function tokenFor(service: Service, stack: StackDescription): Promise<string> {
  const users = stack.services.users[0];
  const post = (path: string, body: unknown) =>
    fetch(`${users}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  let credentials = stack.admin ?? (stack.mode === "dev" ? DEV_ADMIN : undefined);
  if (service !== "notices") {
    credentials = { email: `fuzz-${crypto.randomUUID()}@example.com`, password: `fuzz-${crypto.randomUUID()}` };
    await json(await post("/users", { ...credentials, name: "Fuzz" }), "sign-up");
  }
  if (!credentials) throw new Error("the stack description has no admin account (is this the test stack?)");
  return String((await json(await post("/login", credentials), "login")).accessToken);
}

/** POSTs `body` as the caller and returns the created resource's id. */
async function create(url: string, token: string, body: unknown): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return String((await json(res, `POST ${url}`)).id);
}

const operation = (match: string, parameters: Record<string, string>) =>
  `[[operations]]\n${match}\nparameters = { ${Object.entries(parameters)
    .map(([name, value]) => `${name} = ${JSON.stringify(value)}`)
    .join(", ")} }\n`;

/**
 * Per-operation settings. Operations on one resource get the id of a real one (random ids would
 * only ever reach the 404). A page cursor is opaque and signed: no schema can describe the valid
 * ones, and a forged one is a 400 by design — so the fuzzer pages with a real cursor.
 */
async function operationSettings(service: Service, base: string, token: string): Promise<string> {
  if (service === "postings") {
    const ids = [];
    for (const title of ["fuzz page 1", "fuzz page 2"])
      ids.push(await create(`${base}/postings`, token, { title, body: "To page through." }));
    const cursor = (await json(await fetch(`${base}/postings?limit=1`), "first page")).nextCursor;
    if (typeof cursor !== "string") throw new Error("the first page of two postings has no nextCursor");
    return operation('include-name = "GET /postings"', { cursor }) + operation('include-path = "/postings/{id}"', { id: String(ids[0]) });
  }
  if (service === "notices") {
    const id = await create(`${base}/notice`, token, { title: "fuzz", body: "A notice to change." });
    return operation('include-path = "/notice/{id}"', { id });
  }
  return "";
}

const service = process.argv[2] as Service | undefined;
const stack = JSON.parse(readFileSync(required("MSA_STACK_FILE"), "utf8")) as StackDescription;
if (!service || !(service in stack.services)) throw new Error(`usage: schemathesis.ts <${Object.keys(stack.services).join("|")}>`);
const base = stack.services[service][0];
const token = await tokenFor(service, stack);
// Its own folder: the config, and whatever Schemathesis leaves behind, stay out of the repository.
const workDir = mkdtempSync(join(tmpdir(), "msa-board-fuzz-"));
const configFile = join(workDir, "schemathesis.toml");
writeFileSync(configFile, await operationSettings(service, String(base), token));

const run = Bun.spawn(
  [
    required("SCHEMATHESIS_BIN"),
    "--config-file",
    configFile,
    "run",
    `${base}/openapi.json`,
    "--url",
    String(base),
    "--header",
    `Authorization: Bearer ${token}`,
    "--checks",
    "all",
    "--phases",
    "coverage,fuzzing",
    "--seed",
    String(SEED),
    "--max-examples",
    String(MAX_EXAMPLES),
    "--workers",
    "1",
    "--no-shrink",
    // No example database: every run is the seed's, not the last failure's replay.
    "--generation-database",
    "none",
    // Long patterned text (a 20 000-character body) is slow to generate on a busy CI machine: the
    // example count bounds the run, not Hypothesis' own deadline.
    "--suppress-health-check",
    "too_slow",
    "--request-timeout",
    "10",
  ],
  { cwd: workDir, stdout: "inherit", stderr: "inherit", env: { ...process.env, NO_COLOR: "1", SCHEMATHESIS_TELEMETRY: "false" } },
);
process.exit(await run.exited);
