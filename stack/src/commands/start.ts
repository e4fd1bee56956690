import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { devConfig } from "../config.ts";
import { startControlServer } from "../control-server.ts";
import { jaegerBannerLine } from "../jaeger-ui.ts";
import { type PortName, portEnvNames, portIsFree } from "../ports.ts";
import { recoverPreviousRun } from "../previous-run.ts";
import type { Shape } from "../shapes.ts";
import { Stack } from "../stack.ts";
import { printStatus } from "../status-table.ts";
import { ensureTools } from "../tools/index.ts";
import { prepareWorkspace } from "../workspace.ts";
import { onShutdownSignal } from "./signals.ts";

export type StartOptions = { wipe: boolean; dataDir?: string; quiet: boolean; shape: Shape; faults?: boolean };

/** `npm start`: the native stack in the foreground until Ctrl-C; data persists between runs. */
export async function start(options: StartOptions): Promise<number> {
  const config = devConfig({ dataDir: options.dataDir, shape: options.shape });
  config.echo = !options.quiet;
  config.faultInjection = options.faults ?? false;
  // Before anything touches the data folder: a runner that died (SIGKILL, OOM, closed terminal)
  // left its processes running on it; a live one owns it.
  const previous = await recoverPreviousRun(config.dataDir, (line) => console.log(line));
  if (previous.state === "running") {
    console.error(
      `✗ msa-board already runs on ${config.dataDir} (runner pid ${previous.runnerPid}); ` +
        "see it with `npm run stack -- status`, stop it with `npm run stack -- stop`",
    );
    return 1;
  }
  if (options.wipe && existsSync(config.dataDir)) {
    console.log(`wiping ${config.dataDir}`);
    rmSync(config.dataDir, { recursive: true, force: true });
  }
  const busy: string[] = [];
  const unused = new Set<PortName>(config.shape === "monolith" ? ["users", "postings", "notices", "redisEvents"] : ["monolith"]);
  for (const [name, port] of Object.entries(config.ports) as [PortName, number][]) {
    if (unused.has(name)) continue;
    if (!(await portIsFree(port))) busy.push(`${name} :${port} (set ${portEnvNames[name]} to move it)`);
  }
  if (busy.length > 0) {
    console.error(`✗ ports in use — is another msa-board running?\n  ${busy.join("\n  ")}`);
    return 1;
  }

  const tools = await ensureTools();
  await prepareWorkspace(tools);
  const stack = new Stack(config, tools);
  const started = performance.now();
  let stopping: Promise<number> | null = null;
  const stop = (why: string) => {
    stopping ??= (async () => {
      console.log(`\n${why}: stopping msa-board…`);
      await control?.stop();
      await stack.stop((line) => console.log(line));
      console.log("stopped. Data is kept in", config.dataDir);
      return 0;
    })();
    return stopping;
  };
  onShutdownSignal((signal) => void stop(signal).then((code) => process.exit(code)));

  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  try {
    console.log(`starting msa-board, ${config.shape} shape (data: ${config.dataDir}, logs: ${config.logDir})`);
    await stack.start((line) => console.log(line));
    control = startControlServer(stack, config.ports.control);
  } catch (err) {
    console.error(`✗ ${(err as Error).message}`);
    await stop("start failed");
    return 1;
  }
  console.log(`\nmsa-board (${config.shape}) is up in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  if (config.faultInjection) {
    console.log(
      `⚠ fault injection is ON (--faults): PUT ${stack.status().faultControl?.join(", ")} ` +
        `{"kind":"latency"|"cpu","ms":N} or {"kind":"off"}, with the control token of ${join(config.runDir, "stack.json")}\n`,
    );
  }
  await printStatus(stack);
  const ca = join(config.tlsDir, "ca.crt");
  console.log(`
  the board in your browser       http://localhost:${config.ports.gateway}/    every click shows its trace
  gateway (the only public door)  http://localhost:${config.ports.gateway}     try: curl localhost:${config.ports.gateway}/postings
  gateway over TLS                https://localhost:${config.ports.gatewayTls}    try: curl --cacert ${ca} https://localhost:${config.ports.gatewayTls}/postings
    trust its local CA once       ${ca}
                                  Debian/Ubuntu: sudo cp ${ca} /usr/local/share/ca-certificates/msa-board.crt && sudo update-ca-certificates
                                  macOS: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}
                                  browsers with their own store (Firefox): Settings → Certificates → Import
  traces in your terminal         npm run trace -- --last ${config.shape === "monolith" ? "monolith" : "postings"}   (or: npm run trace -- <x-trace-id>)
${await jaegerBannerLine(config.ports.jaegerQuery)}
  admin account                   ${config.admin.email} (password: ADMIN_PASSWORD or the documented dev default)
  logs                            ${config.logDir}

Ctrl-C stops everything.`);
  await new Promise(() => {});
  return 0;
}
