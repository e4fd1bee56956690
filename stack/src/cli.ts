import { parseArgs } from "node:util";
import { start } from "./commands/start.ts";
import { test } from "./commands/test.ts";
import { parseShape } from "./shapes.ts";
import { ensureTools } from "./tools/index.ts";

const usage = `msa-board stack tool

  npm start [-- --wipe] [--data-dir DIR] [--quiet]   the native stack in the foreground (Ctrl-C stops it)
  npm start -- --shape monolith                      the same modules as one Bun process (one database)
  npm start -- --faults                              also opt-in fault injection in notices (PUT /faults/notices; see SECURITY.md)
  npm test  [-- --only NAME] [--keep]                 every suite against a throw-away stack
  npm run trace -- <trace-id> | --last <service>      print a trace from Jaeger as a tree
  npm run bench                                       constant-rate benchmarks (bench/RESULTS.md)
  npm run stack -- status                             the running stack's processes
  npm run stack -- roll <service>                     rolling deploy of one service (or the monolith), zero downtime
  npm run stack -- scale <service> <n>                run N instances of one service (or the monolith)
  npm run stack -- kill <process>                     SIGKILL one process (the supervisor restarts it)
  npm run stack -- stop [--data-dir DIR]              stop the stack, also one whose runner died
  npm run chaos -- [--minutes N] [--seed S]           randomized fault soak with invariants (own stack)
  npm run stack -- tools                              install/check every tool and print where it is
  npm run bun -- <args>  /  npm run deno -- <args>    the pinned Bun / Deno, run in the folder you are in
  npm run stack -- test-stores --need redis,postgres --parent PID
                                                      throw-away test stores while PID lives (test preloads use it)
  npm run screenshots                                 PNGs of the web pages (web/screenshots/) from a throw-away stack
  npm run stack -- cert [DIR] [HOST…]                 local CA + certificate for the containers' gateway
  npm run stack -- redis-acl                          the Redis ACL users (for your own Redis in production)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start": {
      const { values } = parseArgs({
        args: rest,
        options: {
          wipe: { type: "boolean", default: false },
          "data-dir": { type: "string" },
          quiet: { type: "boolean", default: false },
          shape: { type: "string" },
          faults: { type: "boolean", default: false },
        },
      });
      return start({
        faults: values.faults ?? false,
        wipe: values.wipe ?? false,
        dataDir: values["data-dir"],
        quiet: values.quiet ?? false,
        shape: parseShape(values.shape),
      });
    }
    case "test": {
      const { values } = parseArgs({
        args: rest,
        options: { keep: { type: "boolean", default: false }, only: { type: "string", multiple: true } },
      });
      return test({ keep: values.keep ?? false, only: values.only });
    }
    case "test-stores": {
      const { runKeeper } = await import("./test-stores/keeper.ts");
      return runKeeper(rest);
    }
    case "deno": {
      const { runPinnedDeno } = await import("./commands/pinned-deno.ts");
      return runPinnedDeno(rest);
    }
    case "screenshots":
      return test({ keep: false, screenshots: true });
    case "stop": {
      const { values } = parseArgs({ args: rest, options: { "data-dir": { type: "string" } } });
      const { devConfig } = await import("./config.ts");
      const { stopStack } = await import("./previous-run.ts");
      return stopStack(devConfig({ dataDir: values["data-dir"] }).dataDir, (line) => console.log(line));
    }
    case "chaos": {
      const { runChaos } = await import("./commands/chaos.ts");
      return runChaos(rest);
    }
    case "tools": {
      console.log(JSON.stringify(await ensureTools(), null, 2));
      return 0;
    }
    case "redis-acl": {
      const { printRedisAcl } = await import("./commands/redis-acl.ts");
      return printRedisAcl();
    }
    case "cert": {
      const { makeCertificate } = await import("./commands/cert.ts");
      return makeCertificate(rest);
    }
    case "trace": {
      const { runTraceCli } = await import("./commands/trace.ts");
      return runTraceCli(rest);
    }
    case "bench": {
      const { runBench } = await import("./commands/bench.ts");
      return runBench(rest);
    }
    case "status":
    case "roll":
    case "scale":
    case "kill": {
      const { control } = await import("./commands/control.ts");
      return control(command, rest);
    }
    default:
      console.log(usage);
      return command === undefined || command === "help" || command === "--help" ? 0 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`✗ ${err.name === "MissingToolError" ? "" : `${err.name}: `}${err.message}`);
    process.exit(1);
  },
);
