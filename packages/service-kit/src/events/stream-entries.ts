/** A stream entry as read: `message` is null when the entry was deleted (trimmed) while still pending. */
export type StreamEntry = { id: string; message: Record<string, string> | null };

/**
 * Parses a raw XREADGROUP reply (`[[stream, [[id, [field, value, …] | null], …]], …] | null`). Read raw
 * because a pending entry whose data was deleted comes back with a null body, which typed clients choke on.
 */
export function entriesOfReadReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: StreamEntry[] = [];
  for (const stream of reply) {
    const messages = Array.isArray(stream) ? stream[1] : undefined;
    if (!Array.isArray(messages)) continue;
    for (const raw of messages) {
      if (!Array.isArray(raw)) continue;
      entries.push({ id: String(raw[0]), message: fieldsOf(raw[1]) });
    }
  }
  return entries;
}

function fieldsOf(raw: unknown): Record<string, string> | null {
  if (!Array.isArray(raw)) return null;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1]);
  return fields;
}

/** Stream ids compare as (milliseconds, sequence), not as strings. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split("-").map((part) => BigInt(part));
  const [bMs = 0n, bSeq = 0n] = b.split("-").map((part) => BigInt(part));
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}
