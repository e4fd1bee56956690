// The keeper as its own small process, so a preload can start it without loading the stack tool.
import { runKeeper } from "./keeper.ts";

process.exit(await runKeeper(process.argv.slice(2)));
