export type PasswordCost = { memoryKib: number; timeCost: number };

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~40 ms on one core, bounded memory per login. */
export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryKib: 19_456, timeCost: 2 };

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the time a real verification takes, for an unknown email; always false. */
  verifyDummy(password: string): Promise<false>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean;
};

/**
 * argon2id through Bun.password, which hashes on a worker thread: the event loop never blocks.
 * Passwords are NFC-normalised first, so the same password typed on different systems matches.
 */
export function createPasswordHasher(cost: PasswordCost = DEFAULT_PASSWORD_COST): PasswordHasher {
  const options = { algorithm: "argon2id", memoryCost: cost.memoryKib, timeCost: cost.timeCost } as const;
  const hash = (password: string) => Bun.password.hash(password.normalize("NFC"), options);
  let dummy: Promise<string> | undefined;
  const params = `m=${cost.memoryKib},t=${cost.timeCost},p=1`;

  return {
    hash,
    verify: (password, stored) => Bun.password.verify(password.normalize("NFC"), stored, "argon2id"),
    async verifyDummy(password) {
      dummy ??= hash(crypto.randomUUID());
      await Bun.password.verify(password.normalize("NFC"), await dummy, "argon2id");
      return false;
    },
    needsRehash: (stored) => !stored.startsWith("$argon2id$") || stored.split("$")[3] !== params,
  };
}
