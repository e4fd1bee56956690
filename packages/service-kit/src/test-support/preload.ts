// `bun test` here works with nothing else running: a real PostgreSQL (for the SQL span tests) from
// TEST_DATABASE_URL (as `npm test` sets it), else a throw-away one for this run.
import { provideTestStores } from "@msa-board/stack/test-stores";

await provideTestStores("packages/service-kit", ["postgres"]);
