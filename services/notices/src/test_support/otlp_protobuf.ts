/**
 * Just enough of OTLP/protobuf (an `ExportTraceServiceRequest`, what the kit's exporter POSTs to
 * `/v1/traces`) for a test's stand-in collector to read: resource attributes with string values,
 * and each span's ids and name. Other fields are skipped by wire type, so a newer exporter's extra
 * fields do not break it. Ids come out as lower-case hex, as in OTLP/JSON.
 */

export type OtlpKeyValue = { key: string; value: { stringValue?: string } };
export type OtlpSpan = { name: string; traceId: string; spanId: string; parentSpanId?: string };
export type OtlpTraceRequest = {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
};

type Field = { no: number; varint?: number; bytes?: Uint8Array };

function* fieldsOf(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0;; shift += 7) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error("truncated protobuf");
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield { no, varint: varint() };
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      yield { no, bytes: buf.subarray(pos, pos + length) };
      pos += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const text = new TextDecoder();
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const messages = (buf: Uint8Array, no: number) =>
  [...fieldsOf(buf)].filter((f) => f.no === no && f.bytes).map((f) => f.bytes as Uint8Array);
const first = (buf: Uint8Array, no: number) => messages(buf, no)[0];

function keyValue(buf: Uint8Array): OtlpKeyValue {
  const key = first(buf, 1);
  const value = first(buf, 2);
  const stringValue = value && first(value, 1);
  return { key: key ? text.decode(key) : "", value: stringValue ? { stringValue: text.decode(stringValue) } : {} };
}

function span(buf: Uint8Array): OtlpSpan {
  const parent = first(buf, 4);
  return {
    traceId: hex(first(buf, 1) ?? new Uint8Array()),
    spanId: hex(first(buf, 2) ?? new Uint8Array()),
    ...(parent && parent.length > 0 ? { parentSpanId: hex(parent) } : {}),
    name: text.decode(first(buf, 5) ?? new Uint8Array()),
  };
}

/** ExportTraceServiceRequest{1: ResourceSpans{1: Resource{1: KeyValue}, 2: ScopeSpans{2: Span}}}. */
export function decodeTraceRequest(body: Uint8Array): OtlpTraceRequest {
  return {
    resourceSpans: messages(body, 1).map((resourceSpans) => ({
      resource: { attributes: messages(first(resourceSpans, 1) ?? new Uint8Array(), 1).map(keyValue) },
      scopeSpans: messages(resourceSpans, 2).map((scopeSpans) => ({ spans: messages(scopeSpans, 2).map(span) })),
    })),
  };
}
