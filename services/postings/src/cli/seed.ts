/**
 * Fills the postings database fast: `bun run seed -- --count 1000000 [--authors 1000] [--days 365]`.
 * Rows stream in through COPY … FROM STDIN; createdAt is spread evenly over the last `--days`, ids are
 * UUIDv7 of the same instant. Reads DATABASE_URL; applies the migrations first. Prints rows/s.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { migratePostingsDatabase } from "../db/migrations.ts";

const usage = "usage: bun run seed -- --count <postings> [--authors <n>] [--days <spread>] [--reset]";

function options() {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      count: { type: "string", default: "10000" },
      authors: { type: "string", default: "1000" },
      days: { type: "string", default: "365" },
      reset: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const count = Number(values.count);
  const authors = Number(values.authors);
  const days = Number(values.days);
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(authors) || authors < 1 || !(days > 0)) {
    throw new Error(`--count and --authors must be positive integers, --days positive\n${usage}`);
  }
  return { count, authors, days, reset: values.reset };
}

const sentences = [
  "Barely used, collection only.",
  "Looking for a second-hand desk lamp in good condition.",
  "Offering weekend tutoring in maths and physics.",
  "Lost: a grey scarf near the station on Tuesday.",
  "Spare tickets for Friday's concert, face value.",
  "Free to a good home: three boxes of paperbacks.",
];

async function main() {
  const { count, authors, days, reset } = options();
  const url = process.env.DATABASE_URL ?? "postgres://postings:postings@127.0.0.1:55432/postings";
  await migratePostingsDatabase(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    if (reset) await sql`truncate postings, authors`;
    const started = performance.now();

    const authorIds = Array.from({ length: authors }, () => Bun.randomUUIDv7());
    const authorName = (k: number) => `Seed Author ${k + 1}`;
    // name_as_of = epoch: any real token or event about these ids is newer.
    await pipeline(
      Readable.from(chunked(authors, (k) => `${authorIds[k]}\t${authorName(k)}\t1970-01-01T00:00:00Z\n`)),
      await sql`copy authors (id, name, name_as_of) from stdin`.writable(),
    );

    const end = Date.now();
    const spreadMs = days * 86_400_000;
    await pipeline(
      Readable.from(
        chunked(count, (i) => {
          // Oldest first, so the index is appended to in order (what a real board looks like).
          const at = end - spreadMs + Math.floor((i * spreadMs) / count);
          const iso = new Date(at).toISOString();
          const k = i % authors;
          const body = `${sentences[i % sentences.length]} ${sentences[(i * 7) % sentences.length]} (#${i + 1})`;
          return `${Bun.randomUUIDv7("hex", at)}\tSeeded posting #${i + 1}\t${body}\t${authorIds[k]}\t${authorName(k)}\t${iso}\t${iso}\n`;
        }),
      ),
      await sql`copy postings (id, title, body, author_id, author_name, created_at, updated_at) from stdin`.writable(),
    );
    const copiedMs = performance.now() - started;
    await sql`analyze postings`;
    await sql`analyze authors`;
    const seconds = copiedMs / 1000;
    console.log(
      `seeded ${count} postings by ${authors} authors in ${seconds.toFixed(2)} s — ${Math.round(count / seconds)} rows/s ` +
        `(then ANALYZE in ${((performance.now() - started - copiedMs) / 1000).toFixed(2)} s)`,
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Lines produced by `line(i)` for i in [0, n), joined into ~1 MB chunks. */
function* chunked(n: number, line: (i: number) => string): Generator<string> {
  let chunk = "";
  for (let i = 0; i < n; i++) {
    chunk += line(i);
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

try {
  await main();
} catch (err) {
  console.error(`seed: ${(err as Error).message}`);
  process.exit(1);
}
