/**
 * Shared building blocks of procedure input contracts (issue 11): text PostgreSQL can store and
 * integers its columns can hold. A value outside them is a field error (400), never a failed query (500).
 */
import { z } from 'zod';

/** The message key (under `errors.`) of a text field holding a NUL or a lone surrogate. */
export const INVALID_CHARACTERS = 'validation.invalidCharacters';

/**
 * NUL (PostgreSQL's text cannot hold it) or a UTF-16 surrogate without its partner (no UTF-8 encoding
 * exists for it: PostgreSQL refuses the string). A well-formed pair (an emoji) is fine.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasUnstorableCharacters(value: string): boolean {
  return UNSTORABLE.test(value);
}

/**
 * Free text from a client: a string PostgreSQL can store. Chain the usual checks after it
 * (`text().trim().min(1).max(120)`); this check runs first, on the value as sent.
 */
export function text() {
  return z.string().refine((value) => !hasUnstorableCharacters(value), { message: INVALID_CHARACTERS, abort: true });
}

/** The largest value of a PostgreSQL `integer` (int4) column. */
export const INT4_MAX = 2_147_483_647;

/** A value for an int4 column (e.g. `version`): a whole number from `min` up to 2^31 − 1. */
export function int4(min = 0) {
  return z.number().int().min(min).max(INT4_MAX);
}
