import postgres from "postgres";
import { requireTestEnv } from "./env.ts";

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/** A fresh database per suite on the PostgreSQL of TEST_DATABASE_URL (a superuser URL). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const adminUrl = requireTestEnv("TEST_DATABASE_URL");
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}
