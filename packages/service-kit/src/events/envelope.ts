import { z } from "zod";

/** What a producer writes to the stream, in the entry field `envelope` (ARCHITECTURE.md, contract). */
export type Envelope = {
  id: string;
  type: string;
  occurredAt: string;
  traceparent: string | null;
  data: Record<string, unknown>;
};

const envelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  occurredAt: z.iso.datetime({ offset: true }),
  traceparent: z.string().max(512).nullable().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** The entry field a producer writes; throws on an envelope a consumer would dead-letter. */
export function serializeEnvelope(envelope: Envelope): string {
  const result = envelopeSchema.safeParse(envelope);
  if (!result.success) throw new Error(`refusing to publish an invalid envelope: ${describeIssues(result.error)}`);
  return JSON.stringify(envelope);
}

export type ParsedEnvelope = { ok: true; envelope: Envelope } | { ok: false; error: string; traceparent: string | null };

/** Parses an entry's `envelope` field; a failure says why, for the dead letter. */
export function parseEnvelope(raw: string | undefined): ParsedEnvelope {
  if (raw === undefined) return { ok: false, error: "the entry has no `envelope` field", traceparent: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, error: `malformed JSON: ${(err as Error).message}`, traceparent: null };
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const traceparent = (json as { traceparent?: unknown } | null)?.traceparent;
    return {
      ok: false,
      error: `invalid envelope: ${describeIssues(result.error)}`,
      traceparent: typeof traceparent === "string" ? traceparent : null,
    };
  }
  return { ok: true, envelope: { ...result.data, traceparent: result.data.traceparent ?? null } };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
}
