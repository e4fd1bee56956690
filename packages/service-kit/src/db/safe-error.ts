/**
 * Database errors carry the data they failed on: drizzle's DrizzleQueryError puts every bound
 * parameter in its message ("params: ada@example.com,$argon2id$…"), and PostgreSQL quotes the
 * offending value in data-exception messages (`invalid input syntax for type uuid: "…"`) and in
 * `detail` (`Key (email)=(…) already exists`). These helpers give the same error without that
 * data — SQL text, SQLSTATE and object names only — for log lines and span events.
 */

type DatabaseErrorShape = Error & { code?: unknown; constraint_name?: unknown; table_name?: unknown; column_name?: unknown };

const isDrizzleQueryError = (err: Error): err is Error & { query: string; params: unknown; cause?: unknown } =>
  typeof (err as { query?: unknown }).query === "string" && "params" in err && err.message.startsWith("Failed query:");

const isPostgresError = (err: Error): err is DatabaseErrorShape =>
  err.name === "PostgresError" || (typeof (err as DatabaseErrorShape).code === "string" && "severity" in err && "routine" in err);

/** The error without bound parameters or quoted values; `undefined` when it is not a database error. */
export function redactDatabaseError(err: unknown): Error | undefined {
  if (!(err instanceof Error)) return undefined;
  if (isDrizzleQueryError(err)) {
    const cause = redactDatabaseError(err.cause) ?? (err.cause instanceof Error ? err.cause : undefined);
    const safe = rebuild(err, "DrizzleQueryError", `Failed query: ${err.query}${cause ? ` (${cause.message})` : ""}`);
    if (cause) {
      safe.cause = cause;
      const code = (cause as DatabaseErrorShape).code;
      if (code !== undefined) (safe as DatabaseErrorShape).code = code;
    }
    return safe;
  }
  if (isPostgresError(err)) {
    const code = String(err.code ?? "");
    // Class 22 (data exception) messages quote the rejected value; the others name objects only.
    const message = code.startsWith("22") ? `data exception (SQLSTATE ${code})` : `${err.message} (SQLSTATE ${code})`;
    const safe = rebuild(err, "PostgresError", message) as DatabaseErrorShape;
    safe.code = err.code;
    for (const name of ["constraint_name", "table_name", "column_name"] as const) {
      if (typeof err[name] === "string") safe[name] = err[name];
    }
    return safe;
  }
  return undefined;
}

/** Any error made safe to log or record: database errors redacted, other errors unchanged. */
export function safeError<E>(err: E): E | Error {
  return redactDatabaseError(err) ?? err;
}

/** The message of `err`, safe to log: for database errors without parameters or values. */
export function safeErrorMessage(err: unknown): string {
  const safe = safeError(err);
  return safe instanceof Error ? safe.message || safe.name : String(safe);
}

/** A fresh Error with the original's stack frames but not its message (the first stack lines repeat it). */
function rebuild(original: Error, name: string, message: string): Error {
  const safe = new Error(message);
  safe.name = name;
  const frames = (original.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  safe.stack = [`${name}: ${message}`, ...frames].join("\n");
  return safe;
}
