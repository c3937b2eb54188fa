/**
 * Loading one project's board, the same on the server (the page renders the tasks in its HTML and
 * hands them to the client cache) and in the browser (a reload after the board fell too far behind):
 * the event cursor first, then the tasks, so that replaying from the cursor misses nothing that
 * committed while the list was read (COLLAB-4).
 */
import type { BoardData, Task } from './board-model';

/** 500 tasks per page; a board shows at most this many pages. */
export const BOARD_MAX_PAGES = 10;

/** The client cache key of a board. */
export const boardKey = (workspaceSlug: string, projectId: string) => ['board', workspaceSlug, projectId] as const;

export interface BoardSource {
  cursor: () => Promise<{ lastId: number }>;
  page: (cursor: string | undefined) => Promise<{ items: Task[]; nextCursor?: string | null }>;
}

export async function loadBoard(source: BoardSource): Promise<BoardData> {
  const { lastId } = await source.cursor();
  const tasks: Task[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < BOARD_MAX_PAGES; page += 1) {
    const result = await source.page(cursor);
    tasks.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return { tasks, cursor: lastId };
}
