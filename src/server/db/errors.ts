/** Recognising PostgreSQL errors by SQLSTATE (postgres.js errors may arrive wrapped by Drizzle). */
interface PgErrorFields {
  code?: string;
  constraint_name?: string;
}

function pgFields(error: unknown): PgErrorFields {
  const wrapped = (error as { cause?: PgErrorFields } | null)?.cause;
  return wrapped ?? (error as PgErrorFields | null) ?? {};
}

/** A unique_violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const fields = pgFields(error);
  return fields.code === '23505' && (constraint === undefined || fields.constraint_name === constraint);
}

/** Row-level security refused a write (42501 insufficient_privilege). */
export function isInsufficientPrivilege(error: unknown): boolean {
  return pgFields(error).code === '42501';
}
