import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used (it needs no database); the service applies the migrations at
// start-up under an advisory lock (src/db/migrations.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  strict: true,
});
