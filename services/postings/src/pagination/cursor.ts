import { createHmac, timingSafeEqual } from "node:crypto";

/** Where a page ends: the last posting's `(createdAt, id)`, the next page starts strictly after it. */
export type PagePosition = { createdAt: Date; id: string };

export type CursorCodec = {
  encode(position: PagePosition): string;
  /** The position, or null for anything this service did not issue (garbage, truncated, tampered). */
  decode(cursor: string): PagePosition | null;
};

const VERSION = 1;
const MAC_BYTES = 16;
// version (1) + createdAt ms (8, big-endian int64) + id (16, the uuid's bytes)
const PAYLOAD_BYTES = 1 + 8 + 16;
const CURSOR_BYTES = PAYLOAD_BYTES + MAC_BYTES;
const CURSOR_LENGTH = Math.ceil((CURSOR_BYTES * 4) / 3); // unpadded base64url
const base64url = /^[A-Za-z0-9_-]+$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ±8.64e15 ms is the range a Date can hold. */
const MAX_TIME_MS = 8.64e15;

/**
 * Opaque, tamper-evident page cursors: base64url(version ‖ createdAt ‖ id ‖ HMAC-SHA256(secret)[:16]).
 * Clients cannot read or forge a position; a cursor from another secret (or edited by hand) fails
 * the MAC and is refused. 55 characters, safe in a query string without escaping.
 */
export function createCursorCodec(secret: string): CursorCodec {
  if (secret.length < 16) throw new Error("the cursor secret must be at least 16 characters");
  const mac = (payload: Uint8Array) => createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);

  return {
    encode({ createdAt, id }) {
      const ms = createdAt.getTime();
      if (!Number.isInteger(ms) || !uuid.test(id)) throw new Error("cannot encode a cursor for an invalid position");
      const payload = Buffer.alloc(PAYLOAD_BYTES);
      payload.writeUInt8(VERSION, 0);
      payload.writeBigInt64BE(BigInt(ms), 1);
      Buffer.from(id.replaceAll("-", ""), "hex").copy(payload, 9);
      return Buffer.concat([payload, mac(payload)]).toString("base64url");
    },

    decode(cursor) {
      if (cursor.length !== CURSOR_LENGTH || !base64url.test(cursor)) return null;
      const bytes = Buffer.from(cursor, "base64url");
      if (bytes.length !== CURSOR_BYTES || bytes.toString("base64url") !== cursor) return null;
      const payload = bytes.subarray(0, PAYLOAD_BYTES);
      if (!timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), mac(payload))) return null;
      if (payload.readUInt8(0) !== VERSION) return null;
      const ms = Number(payload.readBigInt64BE(1));
      if (Math.abs(ms) > MAX_TIME_MS) return null;
      const hex = payload.subarray(9).toString("hex");
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      return { createdAt: new Date(ms), id };
    },
  };
}
