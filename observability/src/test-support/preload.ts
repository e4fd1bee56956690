// `bun test` here works with nothing else running: the real Jaeger from JAEGER_BIN (as `npm test` sets it),
// else the one `npm start` caches (built now if missing). The suites start their own Jaegers.
import { provideTestStores } from "@msa-board/stack/test-stores";

await provideTestStores("observability", ["jaeger"]);
