/**
 * Prints the cursor of the page that starts at row `--offset` (newest first), signed with CURSOR_SECRET
 * (or the dev default), so a benchmark can jump to page 50 000 without walking there:
 *
 *   DATABASE_URL=… bun run src/cli/page-cursor.ts --offset 999980
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { DEV_CURSOR_SECRET } from "../config.ts";
import { createCursorCodec } from "../pagination/cursor.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { offset: { type: "string" } }, strict: true });
const offset = Number(values.offset);
if (!Number.isSafeInteger(offset) || offset < 1) {
  console.error("usage: page-cursor --offset <rows before the page, ≥ 1>");
  process.exit(2);
}
const sql = postgres(process.env.DATABASE_URL ?? "postgres://postings:postings@127.0.0.1:55432/postings", { max: 1 });
try {
  // The last row of the previous page is where the cursor points.
  const [row] = await sql`select created_at, id from postings order by created_at desc, id desc offset ${offset - 1} limit 1`;
  if (!row) throw new Error(`there are fewer than ${offset} postings`);
  console.log(
    createCursorCodec(process.env.CURSOR_SECRET ?? DEV_CURSOR_SECRET).encode({ createdAt: row.created_at as Date, id: row.id as string }),
  );
} finally {
  await sql.end({ timeout: 5 });
}
