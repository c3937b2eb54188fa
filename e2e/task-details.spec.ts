/**
 * A task's details: the task dialog edits every field (assignee, priority, due date, labels, a
 * markdown description), the values survive closing the dialog and reloading the page, markdown
 * renders without raw HTML; the list view filters by those fields with the filters in the URL;
 * comments are posted with Ctrl+Enter and reach a second person's open dialog live; the activity
 * section lists the field changes.
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { BoardPage, boardPath } from './support/board';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs, trpc } from './support/team';

const PAST_DAY = '2020-01-02';

/** A task with fields set at creation (task.create accepts them); returns its id. */
async function createTaskWith(
  context: BrowserContext,
  workspaceSlug: string,
  projectId: string,
  title: string,
  fields: { status?: 'todo' | 'in_progress' | 'done'; labels?: string[]; dueDate?: string; assigneeId?: string; priority?: string },
): Promise<string> {
  const id = randomUUID();
  await trpc(context, 'task.create', { workspaceSlug, id, projectId, title, ...fields });
  return id;
}

/** The dialog's side fields, found by their visible labels. */
function fieldsOf(dialog: Locator) {
  return {
    status: dialog.getByLabel(en('board.fields.status'), { exact: true }),
    assignee: dialog.getByLabel(en('board.fields.assigneeId'), { exact: true }),
    priority: dialog.getByLabel(en('board.fields.priority'), { exact: true }),
    due: dialog.getByLabel(en('board.fields.dueDate'), { exact: true }),
    labels: dialog.getByLabel(en('board.fields.labels'), { exact: true }),
    description: dialog.getByRole('region', { name: en('board.fields.description'), exact: true }),
  };
}

/** The list view's filter form. */
function filtersOf(page: Page) {
  const form = page.getByRole('search', { name: en('board.filters.label') });
  return {
    form,
    status: form.getByLabel(en('board.fields.status'), { exact: true }),
    assignee: form.getByLabel(en('board.fields.assigneeId'), { exact: true }),
    label: form.getByLabel(en('board.fields.labels'), { exact: true }),
    due: form.getByLabel(en('board.fields.dueDate'), { exact: true }),
    clear: form.getByRole('button', { name: en('board.filters.clear') }),
  };
}

test('task dialog edits every field, the list view filters by them, comments and activity are live', async ({ browser }) => {
  test.setTimeout(240_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [owner, member] = users as [(typeof users)[0], (typeof users)[0]];
  const ownerContext = await browser.newContext();
  const memberContext = await browser.newContext();
  await signInAs(ownerContext, owner);
  await signInAs(memberContext, member);

  const project = await createProject(ownerContext, workspace.slug);
  const target = await createTask(ownerContext, workspace.slug, project.id, 'Design the landing page');
  // Distractors: a label the filter must not match, an in-progress task, and a done task with a
  // past due date (done tasks are never overdue) assigned to the owner.
  const backendOnly = await createTaskWith(ownerContext, workspace.slug, project.id, 'Set up the API', { labels: ['backend'] });
  const inProgress = await createTaskWith(ownerContext, workspace.slug, project.id, 'Write the copy', { status: 'in_progress' });
  const doneLate = await createTaskWith(ownerContext, workspace.slug, project.id, 'Book the photographer', {
    status: 'done',
    dueDate: '2020-01-01',
    assigneeId: owner.id,
    labels: ['backend'],
  });
  const all = [target, backendOnly, inProgress, doneLate];

  const board = new BoardPage(await ownerContext.newPage(), workspace.slug, project.id);
  const page = board.page;
  // A script that ran would set this; the description below tries.
  await page.addInitScript(() => Object.defineProperty(window, '__e2eInjected', { value: false, writable: true }));
  await board.openDirectly();
  await expect(board.card(target)).toBeVisible();

  await test.step('the dialog edits assignee, priority, due date, labels and the description', async () => {
    await board.openTask(target);
    const fields = fieldsOf(board.dialog);
    await expect(fields.assignee).toHaveValue('');
    await fields.assignee.selectOption({ label: member.name });
    await expect(fields.assignee).toHaveValue(member.id);
    await board.expectSaved();

    await fields.priority.selectOption('high');
    await expect(fields.priority).toHaveValue('high');
    await board.expectSaved();

    await fields.due.fill(PAST_DAY);
    await expect(fields.due).toHaveValue(PAST_DAY);
    await board.expectSaved();

    await fields.labels.click();
    await fields.labels.fill('design, backend');
    await fields.labels.press('Enter');
    await expect(fields.labels).not.toBeFocused();
    await expect(fields.labels).toHaveValue('design, backend');
    await board.expectSaved();

    await expect(fields.description.getByText(en('board.noDescription'))).toBeVisible();
    await fields.description.getByRole('button', { name: en('board.edit'), exact: true }).click();
    const textarea = fields.description.getByLabel(en('board.fields.description'), { exact: true });
    await expect(textarea).toBeFocused();
    await textarea.fill('Hero, pricing and **the signup form**.\n\n<script>window.__e2eInjected = true</script>\n\nThen ship.');
    await fields.description.getByRole('button', { name: en('board.save'), exact: true }).click();
    await expect(textarea).toHaveCount(0);
    await board.expectSaved();
  });

  /** What the dialog shows for the target after step 1. */
  const expectEdited = async () => {
    const fields = fieldsOf(board.dialog);
    await expect(fields.assignee).toHaveValue(member.id);
    await expect(fields.assignee.locator('option:checked')).toHaveText(member.name);
    await expect(fields.priority).toHaveValue('high');
    await expect(fields.due).toHaveValue(PAST_DAY);
    await expect(fields.labels).toHaveValue('design, backend');
    await expect(fields.description.locator('strong')).toHaveText('the signup form');
    await expect(fields.description.getByText('Then ship.')).toBeVisible();
    // Raw HTML is dropped, not rendered and not shown as text.
    await expect(board.dialog.locator('script')).toHaveCount(0);
    await expect(fields.description).not.toContainText('__e2eInjected');
    expect(await page.evaluate(() => (window as unknown as { __e2eInjected: boolean }).__e2eInjected)).toBe(false);
  };

  await test.step('closing and reopening the dialog shows the values; so does a reload (saved on the server)', async () => {
    await board.closeTask();
    // The card shows the new state too.
    await expect(board.card(target)).toContainText('design');
    await board.openTask(target);
    await expectEdited();

    await page.reload();
    await expect(board.dialog).toBeVisible();
    await expect(board.titleInput).toHaveValue('Design the landing page');
    await expectEdited();
    await board.closeTask();
  });

  await test.step('the list view filters by assignee, label, due date and status, with the filters in the URL', async () => {
    await board.expectBoard();
    await page.getByRole('group', { name: en('board.viewLabel') }).getByRole('button', { name: en('board.views.list') }).click();
    await expect(page).toHaveURL(/[?&]view=list(&|$)/);
    const rows = page.getByTestId('task-row');
    const row = (id: string) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);
    const count = page.getByText(new RegExp(`^${en('board.filters.count', { shown: '\\d+', total: '\\d+' })}$`));
    const expectRows = async (ids: string[]) => {
      await expect(count).toHaveText(en('board.filters.count', { shown: ids.length, total: all.length }));
      await expect(rows).toHaveCount(ids.length);
      for (const id of ids) await expect(row(id)).toBeVisible();
    };
    await expectRows(all);
    // The row shows the dialog's values.
    await expect(row(target)).toContainText(member.name);
    await expect(row(target)).toContainText('design, backend');
    await expect(row(target)).toContainText(en('board.priority.high'));

    const filters = filtersOf(page);
    await expect(filters.clear).toHaveCount(0);

    // Assignee = the member: only the edited task; the URL carries it and a reload keeps it.
    await filters.assignee.selectOption({ label: member.name });
    await expectRows([target]);
    await expect(page).toHaveURL(new RegExp(`[?&]view=list&assignee=${member.id}$`));
    await page.reload();
    await expect(filtersOf(page).assignee).toHaveValue(member.id);
    await expectRows([target]);
    await filters.clear.click();
    await expectRows(all);
    await expect(page).toHaveURL(/\?view=list$/);

    // Label "design": only the edited task (the others carry "backend" or nothing).
    await expect(filters.label.locator('option')).toHaveText([en('board.filters.any'), 'backend', 'design']);
    await filters.label.selectOption('design');
    await expect(page).toHaveURL(/[?&]label=design(&|$)/);
    await expectRows([target]);
    await filters.label.selectOption('backend');
    await expectRows([target, backendOnly, doneLate]);
    await filters.clear.click();
    await expectRows(all);

    // Due = overdue: the edited task; the done one with a past date is not overdue.
    await filters.due.selectOption('overdue');
    await expect(page).toHaveURL(/[?&]due=overdue(&|$)/);
    await expectRows([target]);
    await filters.clear.click();

    // Status.
    await filters.status.selectOption('in_progress');
    await expectRows([inProgress]);
    await filters.status.selectOption('todo');
    await expectRows([target, backendOnly]);
    // Combined with a label, then the whole set survives a reload.
    await filters.label.selectOption('backend');
    await expectRows([target, backendOnly]);
    await filters.due.selectOption('none');
    await expectRows([backendOnly]);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ view: 'list', status: 'todo', label: 'backend', due: 'none' });
    await page.reload();
    await expect(filtersOf(page).status).toHaveValue('todo');
    await expect(filtersOf(page).label).toHaveValue('backend');
    await expect(filtersOf(page).due).toHaveValue('none');
    await expectRows([backendOnly]);

    await filters.clear.click();
    await expectRows(all);
    await expect(filters.clear).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`${boardPath(workspace.slug, project.id)}\\?view=list$`));
  });

  await test.step('a comment posted with Ctrl+Enter appears, and live in a second person\'s open dialog', async () => {
    // The owner opens the task from the list; the member opens it by its URL.
    await page.locator(`[data-testid="task-row"][data-task-id="${target}"]`).getByRole('button', { name: 'Design the landing page' }).click();
    await expect(board.dialog).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`[?&]task=${target}`));
    const other = new BoardPage(await memberContext.newPage(), workspace.slug, project.id);
    await other.page.goto(`${boardPath(workspace.slug, project.id)}?task=${target}`);
    await expect(other.dialog).toBeVisible();
    await expect(other.titleInput).toHaveValue('Design the landing page');
    const ownerComments = board.dialog.getByTestId('task-comments');
    const memberComments = other.dialog.getByTestId('task-comments');
    await expect(ownerComments.getByTestId('comments-empty')).toHaveText(en('comments.empty'));
    await expect(memberComments.getByTestId('comments-empty')).toHaveText(en('comments.empty'));
    // The member's page is in the project's room before the comment is posted.
    await expect(board.presence(member.id)).toBeVisible();

    const box = ownerComments.getByLabel(en('comments.addLabel'), { exact: true });
    await box.fill('Looks **good** — hero first, please.');
    await box.press('Control+Enter');
    const ownComment = ownerComments.getByTestId('comment');
    await expect(ownComment).toHaveCount(1);
    await expect(ownComment).toContainText(owner.name);
    await expect(ownComment.locator('strong')).toHaveText('good');
    await expect(box).toHaveValue('');

    // Live on the member's page, no reload.
    const seen = memberComments.getByTestId('comment');
    await expect(seen).toHaveCount(1, { timeout: 5_000 });
    await expect(seen).toContainText(owner.name);
    await expect(seen.locator('strong')).toHaveText('good');

    // And back: the member answers with the button; the owner has it live.
    const memberBox = memberComments.getByLabel(en('comments.addLabel'), { exact: true });
    await memberBox.fill('On it.');
    await memberComments.getByRole('button', { name: en('comments.post'), exact: true }).click();
    await expect(memberComments.getByTestId('comment')).toHaveCount(2);
    await expect(ownerComments.getByTestId('comment')).toHaveCount(2, { timeout: 5_000 });
    await expect(ownerComments.getByTestId('comment').nth(1)).toContainText('On it.');
    await expect(ownerComments.getByTestId('comment').nth(1)).toContainText(member.name);

    // The comment was stored: the member's reload still shows both.
    await other.page.reload();
    await expect(other.dialog.getByTestId('comment')).toHaveCount(2);
    await other.page.close();
  });

  await test.step('the activity lists the field changes and the comments', async () => {
    const activity = board.dialog.getByTestId('task-activity');
    const entries = activity.getByTestId('activity-entry');
    const who = owner.name;
    const day = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${PAST_DAY}T00:00:00Z`));
    for (const line of [
      en('comments.activity.created', { who }),
      en('comments.activity.assigned', { who, assignee: member.name }),
      en('comments.activity.changedPriority', { who, priority: en('comments.activity.priority.high') }),
      en('comments.activity.setDueDate', { who, date: day }),
      en('comments.activity.changedLabels', { who }),
      en('comments.activity.changedDescription', { who }),
      en('comments.activity.commented', { who }),
      en('comments.activity.commented', { who: member.name }),
    ]) {
      await expect(entries.filter({ has: page.getByText(line, { exact: true }) }), line).toHaveCount(1);
    }
    // Newest first: the member's comment, then the owner's; the creation last.
    await expect(entries.first()).toContainText(en('comments.activity.commented', { who: member.name }));
    await expect(entries.nth(1)).toContainText(en('comments.activity.commented', { who }));
    await expect(entries.last()).toHaveAttribute('data-kind', 'created');
  });

  await ownerContext.close();
  await memberContext.close();
});
