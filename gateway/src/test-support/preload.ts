// `bun test` here works with nothing else running: the real Envoy from ENVOY_BIN (as `npm test` sets it),
// else the one `npm start` caches (installed now if missing). The suites start their own Envoys.
import { provideTestStores } from "@msa-board/stack/test-stores";

await provideTestStores("gateway", ["envoy"]);
