/**
 * Page object for a project's board (src/components/boards/*): columns, cards, quick add, the task
 * dialog, presence, sync state, drag and drop (@dnd-kit MouseSensor, 6 px activation) and the
 * realtime socket's frames.
 */
import { expect, type Browser, type Locator, type Page, type WebSocket } from '@playwright/test';
import { whenHydrated } from './flows';
import { en } from './messages';
import { REALTIME_URL } from './stack';
import { createProject, createTeam, signInAs } from './team';

export type Status = 'todo' | 'in_progress' | 'done';

/**
 * An English text with one ICU plural (`{count, plural, one {# change} other {# changes}}`), as
 * next-intl renders it; `en()` only knows simple placeholders.
 */
export function enPlural(key: string, count: number, values: Record<string, string | number> = {}): string {
  const text = en(key, values).replace(/\{count, plural, one \{([^}]*)\} other \{([^}]*)\}\}/g, (_all, one: string, other: string) => (count === 1 ? one : other));
  return text.replace(/#/g, String(count)).replace(/\{count\}/g, String(count));
}

export function boardPath(workspaceSlug: string, projectId: string): string {
  return `/en/w/${workspaceSlug}/p/${projectId}`;
}

/** A new workspace whose only member, its owner, is signed in with a new project's board open and saved. */
export async function openOwnersBoard(browser: Browser) {
  const { workspace, users } = await createTeam(['owner']);
  const context = await browser.newContext();
  await signInAs(context, users[0]!);
  const project = await createProject(context, workspace.slug);
  const board = new BoardPage(await context.newPage(), workspace.slug, project.id);
  await board.open();
  await board.expectSaved();
  return { workspace, project, context, board };
}

export class BoardPage {
  readonly syncStatus: Locator;
  readonly dialog: Locator;

  constructor(
    readonly page: Page,
    readonly workspaceSlug: string,
    readonly projectId: string,
  ) {
    this.syncStatus = page.getByTestId('sync-status');
    this.dialog = page.getByTestId('task-dialog');
  }

  /**
   * Opens the board the way people do: the workspace home, then the project's card (a client-side
   * navigation; the workspace's realtime socket is already up when the board joins its room).
   * `openDirectly` loads the board's URL instead (a fresh socket that joins at once).
   */
  async open(): Promise<void> {
    await this.page.goto(`/en/w/${this.workspaceSlug}`);
    const card = this.page.locator(`[data-testid="project-card"][data-project-id="${this.projectId}"]`).getByRole('link');
    await whenHydrated(card);
    await card.click();
    await expect(this.page).toHaveURL(new RegExp(`${boardPath(this.workspaceSlug, this.projectId)}$`));
    await this.expectBoard();
  }

  async openDirectly(): Promise<void> {
    await this.page.goto(boardPath(this.workspaceSlug, this.projectId));
    await this.expectBoard();
  }

  async expectBoard(): Promise<void> {
    await expect(this.column('todo')).toBeVisible();
    await whenHydrated(this.column('todo').getByRole('button', { name: en('board.addTask') }));
  }

  column(status: Status): Locator {
    return this.page.locator(`[data-testid="board-column"][data-status="${status}"]`);
  }

  card(taskId: string): Locator {
    return this.page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
  }

  cardIn(status: Status, taskId: string): Locator {
    return this.column(status).locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
  }

  cardTitled(title: string): Locator {
    return this.page.getByTestId('task-card').filter({ has: this.page.getByTestId('task-title').getByText(title, { exact: true }) });
  }

  titleOf(taskId: string): Locator {
    return this.card(taskId).getByTestId('task-title');
  }

  presence(userId: string): Locator {
    return this.page.locator(`[data-testid="presence-avatar"][data-user-id="${userId}"]`);
  }

  /** Waits for "all changes saved" (no pending write of this board). */
  async expectSaved(timeout = 10_000): Promise<void> {
    await expect(this.syncStatus).toHaveAttribute('data-state', 'saved', { timeout });
    await expect(this.syncStatus).toHaveAttribute('data-pending', '0');
  }

  /** Quick add in a column: "Add a task" → labelled input → Enter. */
  async quickAdd(status: Status, title: string): Promise<void> {
    const column = this.column(status);
    const input = column.getByLabel(en('board.newTaskIn', { column: en(`board.columns.${status}`) }), { exact: true });
    if (!(await input.isVisible())) await column.getByRole('button', { name: en('board.addTask') }).click();
    await input.fill(title);
    await input.press('Enter');
    await expect(input).toHaveValue('');
    await input.press('Escape');
  }

  async openTask(taskId: string): Promise<void> {
    await this.card(taskId).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.page).toHaveURL(new RegExp(`[?&]task=${taskId}`));
    await expect(this.titleInput).toBeEnabled();
  }

  get titleInput(): Locator {
    return this.dialog.getByTestId('task-title-input');
  }

  async closeTask(): Promise<void> {
    await this.dialog.getByRole('button', { name: en('board.close') }).click();
    await expect(this.dialog).toHaveCount(0);
  }

  /** In the open dialog: replaces the title and saves it (Enter blurs the input, blur saves). */
  async renameInDialog(title: string): Promise<void> {
    await this.titleInput.click();
    await this.titleInput.fill(title);
    await this.titleInput.press('Enter');
    await expect(this.titleInput).not.toBeFocused();
  }

  /** Opens the task, renames it and closes the dialog again. */
  async rename(taskId: string, title: string): Promise<void> {
    await this.openTask(taskId);
    await this.renameInDialog(title);
    await this.closeTask();
  }

  /**
   * Drag with the mouse (@dnd-kit's MouseSensor starts after 6 px): from the card's
   * centre to the free area at the bottom of a column, or onto the lower half of a card.
   */
  async drag(taskId: string, to: { column: Status } | { belowCard: string }): Promise<void> {
    const source = await this.card(taskId).boundingBox();
    if (!source) throw new Error(`card ${taskId} is not visible`);
    let x: number;
    let y: number;
    if ('column' in to) {
      const box = await this.column(to.column).boundingBox();
      if (!box) throw new Error(`column ${to.column} is not visible`);
      // Just above the quick-add button: inside the column, below its cards.
      x = box.x + box.width / 2;
      y = box.y + box.height - 60;
    } else {
      const box = await this.card(to.belowCard).boundingBox();
      if (!box) throw new Error(`card ${to.belowCard} is not visible`);
      x = box.x + box.width / 2;
      y = box.y + box.height * 0.75;
    }
    const mouse = this.page.mouse;
    await mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await mouse.down();
    await mouse.move(source.x + source.width / 2 + 10, source.y + source.height / 2 + 10, { steps: 3 });
    await mouse.move(x, y, { steps: 15 });
    await mouse.move(x, y + 1, { steps: 2 });
    await mouse.up();
  }

  /** Keyboard move: focus the card, Alt+ArrowRight (one column to the right). */
  async moveRightWithKeyboard(taskId: string): Promise<void> {
    await this.card(taskId).focus();
    await this.card(taskId).press('Alt+ArrowRight');
  }
}

/** Every frame a page's realtime socket receives, parsed, in order, with the time it arrived. */
export interface SocketRecorder {
  frames: { at: number; message: Record<string, unknown> }[];
  sockets: WebSocket[];
}

export function recordRealtime(page: Page, label = 'page'): SocketRecorder {
  const recorder: SocketRecorder = { frames: [], sockets: [] };
  page.on('websocket', (socket) => {
    if (!socket.url().startsWith(REALTIME_URL)) return;
    recorder.sockets.push(socket);
    if (process.env.E2E_DEBUG_WS) socket.on('close', () => console.log(`[ws ${label}] closed`));
    socket.on('framereceived', ({ payload }) => {
      try {
        recorder.frames.push({ at: Date.now(), message: JSON.parse(String(payload)) as Record<string, unknown> });
        if (process.env.E2E_DEBUG_WS) console.log(`[ws ${label}] ${String(payload).slice(0, 300)}`);
      } catch {
        // Not JSON: not part of the protocol.
      }
    });
  });
  return recorder;
}
