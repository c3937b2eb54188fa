/**
 * @mentions in markdown (COLLAB-7; docs/notifications.md). The mention picker inserts a stable
 * token `@[Display name](user:<uuid>)`: the id is what counts (a renamed user still matches), the
 * name is only what the text shows. Isomorphic: the server parses tokens to notify (ids that are
 * not members of the workspace are ignored there), the markdown renderer highlights them.
 */

/** One mention token; group 1 the shown name, group 2 the user id. */
export const MENTION_PATTERN = /@\[([^\]\n]{1,100})\]\(user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

/** Most distinct users one text may mention (a longer list is cut: notifications are not a mailing list). */
export const MENTIONS_MAX = 50;

/** The token the picker inserts for `name` / `userId` (brackets in the name are dropped). */
export function mentionToken(name: string, userId: string): string {
  const shown = name.replace(/[[\]\n]/g, '').trim().slice(0, 100) || 'user';
  return `@[${shown}](user:${userId})`;
}

/** The distinct user ids mentioned in `text`, in order of first appearance (lower-cased), at most MENTIONS_MAX. */
export function mentionedUserIds(text: string | null | undefined): string[] {
  if (!text) return [];
  const ids = new Set<string>();
  for (const match of text.matchAll(MENTION_PATTERN)) {
    ids.add((match[2] as string).toLowerCase());
    if (ids.size >= MENTIONS_MAX) break;
  }
  return [...ids];
}

/**
 * The `@query` being typed right before `caret` (the picker's trigger): an `@` at the start or after
 * whitespace, followed by up to 30 non-space characters. Null when the caret is not in one.
 */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@[\]()]{0,30})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}
