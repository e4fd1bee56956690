import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used (it needs no database); migrations are applied by the service
// at start-up under an advisory lock (see src/db/migrations.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  strict: true,
});
