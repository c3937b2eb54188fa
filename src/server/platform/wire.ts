/**
 * The tRPC wire format (ADR 0013): plain JSON, no transformer. The only non-JSON values the API
 * produced were dates; they travel as ISO-8601 UTC strings with milliseconds (`Date#toISOString`,
 * e.g. `2026-12-02T06:50:08.123Z`), converted once at the procedure boundary (`toWire`). A client
 * that needs a Date makes one (`new Date(iso)`); ordering by the string is ordering by the time.
 *
 * Precision: Drizzle reads `timestamptz` columns as JS Dates (milliseconds), so the wire loses
 * nothing the server held. No procedure compares a timestamp a client sends back: optimistic
 * concurrency uses the integer `version`, and the member cursor carries its own microsecond text.
 */
import { z } from 'zod';

/** A timestamp in an output contract: ISO-8601 UTC with milliseconds, exactly what `toWire` writes. */
export const isoTimestamp = z.iso.datetime({ precision: 3 });

/** A timestamp a client sends (any ISO-8601 date-time with an offset), handed to the server as a Date. */
export const isoTimestampInput = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()));

/** `T` as it travels: every Date becomes its ISO string (deeply; `unknown` stays `unknown`). */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** `timestamptz` as PostgreSQL writes it in UTC: `2026-12-02 13:00:00.123456+00` (fraction optional). */
const PG_UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * A `timestamptz` in PostgreSQL's text form (how Drizzle's postgres.js driver hands them over,
 * unparsed) as the wire's ISO string, exactly what `new Date(text).toISOString()` gives — milliseconds,
 * the rest of the fraction dropped — without building a Date for the common UTC case (hot lists).
 */
export function pgTimestampToIso(text: string): string {
  const utc = PG_UTC_TIMESTAMP.exec(text);
  if (!utc) return new Date(text).toISOString();
  return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/**
 * A procedure's result as it travels: Dates (at any depth, in plain objects and arrays) become ISO
 * strings; everything else is kept as it is. New objects are built only where a Date was found.
 */
export function toWire<T>(value: T): Wire<T> {
  return convert(value) as Wire<T>;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = convert(value[i]);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | null = null;
    for (const key of Object.keys(value)) {
      const current = value[key];
      const next = convert(current);
      if (next !== current) (out ??= { ...value })[key] = next;
    }
    return out ?? value;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An output contract enforced by the type system only — no runtime parse (ADR 0013). For hot lists
 * (task.list: up to 500 rows per call) whose rows are built field by field by a typed mapper, so
 * nothing outside the contract can leak and every field has the contract's type; the schema stays
 * the documentation, and tests parse the mapper's output with it.
 */
export function typedOutput<S extends z.ZodType>(_schema: S): (value: unknown) => z.output<S> {
  return (value) => value as z.output<S>;
}
