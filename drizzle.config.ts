import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` only diffs the schema against drizzle/ — it needs no database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
  strict: true,
});
