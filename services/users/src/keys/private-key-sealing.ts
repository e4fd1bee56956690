import { base64url, CompactEncrypt, compactDecrypt, type JWK } from "jose";

/** How a private JWK is stored: plain JSON (protected by database access) or sealed with a key from env. */
export type Sealed = { privateJwk: string; privateJwkEncryption: "none" | "A256GCM" };

/**
 * Seals private signing keys at rest as a compact JWE (`dir` + A256GCM) under a 32-byte key from
 * the environment. The protected header names the signing key, so a sealed key copied onto another
 * row does not open.
 */
export class PrivateKeySealer {
  private readonly keyId: string | undefined;

  constructor(private readonly key: Uint8Array | undefined) {
    if (key && key.length !== 32) throw new Error("the signing-key encryption key must be 32 bytes");
    this.keyId = key ? fingerprint(key) : undefined;
  }

  static fromBase64(value: string | undefined): PrivateKeySealer {
    return new PrivateKeySealer(value ? new Uint8Array(Buffer.from(value, "base64")) : undefined);
  }

  get encrypts(): boolean {
    return this.key !== undefined;
  }

  async seal(kid: string, jwk: JWK): Promise<Sealed> {
    const plaintext = JSON.stringify(jwk);
    if (!this.key) return { privateJwk: plaintext, privateJwkEncryption: "none" };
    const jwe = await new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", cty: "jwk+json", kid: this.keyId, skid: kid })
      .encrypt(this.key);
    return { privateJwk: jwe, privateJwkEncryption: "A256GCM" };
  }

  async open(kid: string, sealed: Sealed): Promise<JWK> {
    if (sealed.privateJwkEncryption === "none") return JSON.parse(sealed.privateJwk) as JWK;
    if (!this.key) {
      throw new Error(`signing key ${kid} is encrypted at rest: set SIGNING_KEYS_ENCRYPTION_KEY to the key it was sealed with`);
    }
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(sealed.privateJwk, this.key);
      if (protectedHeader.skid !== kid) throw new Error("sealed for another key");
      return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
    } catch {
      throw new Error(`signing key ${kid} could not be decrypted: SIGNING_KEYS_ENCRYPTION_KEY is not the key it was sealed with`);
    }
  }
}

function fingerprint(key: Uint8Array): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(key);
  return base64url.encode(hasher.digest()).slice(0, 16);
}
