import { type Attributes, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { Sql } from "postgres";
import { safeError } from "../db/safe-error.ts";

export type PostgresTracingOptions = {
  tracer?: Tracer;
  /** Database name, host and port for span attributes. */
  dbName?: string;
  host?: string;
  port?: number;
};

type Thenable = PromiseLike<unknown> & { count?: number };

/**
 * Wraps a postgres.js client so every statement (drizzle's and hand-written) is a child span of the
 * active span, with the SQL text but never its parameters. Transactions get a span of their own,
 * so their statements nest under it.
 */
export function instrumentPostgres<T extends Sql>(sql: T, options: PostgresTracingOptions = {}): T {
  const tracer = options.tracer ?? trace.getTracer("postgres.js");
  // One name per attribute (the conventions `db.system` and `db.statement` come from): the newer
  // duplicates (`db.namespace`, `db.query.text`) doubled those attributes' cost in every SQL span's
  // export and in Jaeger for nothing.
  const baseAttributes: Attributes = {
    "db.system": "postgresql",
    ...(options.dbName ? { "db.name": options.dbName } : {}),
    ...(options.host ? { "server.address": options.host } : {}),
    ...(options.port ? { "server.port": options.port } : {}),
  };
  const statements = new StatementCache(baseAttributes);

  const traceQuery = <Q extends Thenable>(query: Q, statement: string): Q => {
    const { name, attributes } = statements.get(statement);
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
    // Attaching here is safe: postgres.js defers execution by a microtask, so `.values()` still applies.
    query.then(
      (result) => endOk(span, result),
      (err: unknown) => endWithError(span, err),
    );
    return query;
  };

  const wrapScoped =
    (name: string, target: (...args: unknown[]) => Promise<unknown>) =>
    (...args: unknown[]) => {
      const last = args.length - 1;
      const fn = args[last];
      if (typeof fn !== "function") return target(...args);
      return tracer.startActiveSpan(
        name,
        { kind: SpanKind.CLIENT, attributes: { ...baseAttributes, "db.operation": name } },
        async (span) => {
          try {
            const result = await target(...args.slice(0, last), (inner: Sql) => fn(wrap(inner)));
            span.end();
            return result;
          } catch (err) {
            endWithError(span, err);
            throw err;
          }
        },
      );
    };

  const wrap = <S extends Sql>(client: S): S =>
    new Proxy(client, {
      apply(target, thisArg, args: unknown[]) {
        const result = Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
        const strings = args[0];
        if (isTemplateStrings(strings) && isThenable(result)) {
          return traceQuery(
            result,
            strings.reduce((text, part, i) => `${text}$${i}${part}`),
          );
        }
        return result;
      },
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "unsafe" && typeof value === "function") {
          return (query: string, ...rest: unknown[]) => traceQuery(value.call(target, query, ...rest), query);
        }
        if (prop === "begin" && typeof value === "function") return wrapScoped("transaction", value.bind(target));
        if (prop === "savepoint" && typeof value === "function") return wrapScoped("savepoint", value.bind(target));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });

  return wrap(sql);
}

type StatementSpan = { name: string; attributes: Attributes };
const STATEMENT_CACHE_LIMIT = 1_000;

/**
 * Statements repeat (drizzle and postgres.js build the same text each time): each one's span name
 * and attributes (the SQL as `db.statement`, what the trace CLI and Jaeger's UI show) are made once.
 */
class StatementCache {
  readonly #spans = new Map<string, StatementSpan>();
  constructor(readonly base: Attributes) {}

  get(statement: string): StatementSpan {
    let span = this.#spans.get(statement);
    if (span === undefined) {
      span = { name: deriveSpanName(statement), attributes: Object.freeze({ ...this.base, "db.statement": statement }) };
      // Hand-written SQL with inlined values would make every statement new: stop remembering then.
      if (this.#spans.size < STATEMENT_CACHE_LIMIT) this.#spans.set(statement, span);
    }
    return span;
  }
}

function deriveSpanName(statement: string): string {
  const keyword = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? "SQL";
  const table = /\b(?:from|into|update|join)\s+"?([\w.]+)"?/i.exec(statement)?.[1];
  return table ? `${keyword} ${table}` : keyword;
}

function isTemplateStrings(value: unknown): value is TemplateStringsArray {
  return Array.isArray(value) && "raw" in value;
}

function isThenable(value: unknown): value is Thenable {
  return typeof (value as Thenable | null)?.then === "function";
}

function endOk(span: Span, result: unknown): void {
  const rows = (result as { count?: number } | null)?.count;
  if (typeof rows === "number") span.setAttribute("db.response.returned_rows", rows);
  span.end();
}

function endWithError(span: Span, err: unknown): void {
  // PostgreSQL quotes rejected values in some messages: record the error without them.
  const safe = safeError(err);
  const error = safe instanceof Error ? safe : new Error(String(safe));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.end();
}
