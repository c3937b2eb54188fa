/**
 * Notifications (COLLAB-7): A assigns a task to B and @mentions B in a comment with the mention
 * picker; B's bell — on the inbox page, not a board, in a second browser — counts both live,
 * without a reload; the inbox lists both; marking one read lowers the badge; the email digest
 * (NOTIFICATION_DIGEST_DELAY_SECONDS, 20 s in this stack) lists what stayed unread; marking all
 * read clears the badge.
 */
import { expect, test } from '@playwright/test';
import { BoardPage } from './support/board';
import { whenHydrated } from './support/flows';
import { waitForMail } from './support/mailbox';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs } from './support/team';

test('assigned and mentioned: the badge updates live, the inbox lists both, read clears it, the digest lists what stays unread', async ({ browser }) => {
  test.setTimeout(180_000);
  const { workspace, users } = await createTeam([
    { role: 'owner', name: `Ava Owner ${Date.now() % 100000}` },
    { role: 'member', name: `Bea Member ${Date.now() % 100000}` },
  ]);
  const [ava, bea] = users as [(typeof users)[0], (typeof users)[0]];
  const avaContext = await browser.newContext();
  const beaContext = await browser.newContext();
  await signInAs(avaContext, ava);
  await signInAs(beaContext, bea);
  const project = await createProject(avaContext, workspace.slug);
  const title = 'Draft the launch email';
  const taskId = await createTask(avaContext, workspace.slug, project.id, title);

  // B waits on the inbox page (no workspace socket here: the bell's own user-level socket).
  const inbox = await beaContext.newPage();
  const sockets: string[] = [];
  inbox.on('websocket', (ws) => sockets.push(ws.url()));
  await inbox.goto('/en/notifications');
  const bell = inbox.getByTestId('notification-bell');
  await whenHydrated(bell);
  await expect(inbox.getByTestId('inbox-empty')).toBeVisible();
  await expect(bell).toHaveAccessibleName(en('notifications.bellLabel'));
  await expect(inbox.getByTestId('notification-count')).toHaveCount(0);
  await expect.poll(() => sockets.length, { message: 'the inbox page opened a live socket' }).toBeGreaterThan(0);

  const board = new BoardPage(await avaContext.newPage(), workspace.slug, project.id);
  await board.openDirectly();
  await board.openTask(taskId);

  await test.step('A assigns the task to B: B’s badge shows 1, live', async () => {
    await board.dialog.getByLabel(en('board.fields.assigneeId'), { exact: true }).selectOption({ label: bea.name });
    await board.expectSaved();
    await expect(inbox.getByTestId('notification-count')).toHaveText('1', { timeout: 15_000 });
  });

  await test.step('A mentions B in a comment with the picker: B’s badge shows 2, live', async () => {
    const comments = board.dialog.getByTestId('task-comments');
    const box = comments.getByLabel(en('comments.addLabel'), { exact: true });
    await box.click();
    await box.pressSequentially('Could you review this, @Bea');
    const picker = board.page.getByRole('listbox', { name: en('mentions.listLabel') });
    await expect(picker).toBeVisible();
    const option = picker.getByRole('option', { name: new RegExp(bea.name) });
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await box.press('Enter');
    await expect(picker).toHaveCount(0);
    await expect(box).toHaveValue(`Could you review this, @[${bea.name}](user:${bea.id}) `);
    await box.pressSequentially('before Friday?');
    await box.press('Control+Enter');
    const comment = comments.getByTestId('comment');
    await expect(comment).toHaveCount(1);
    // Rendered as a highlighted mention, not as the raw token or a link.
    await expect(comment.locator(`[data-mention="${bea.id}"]`)).toHaveText(`@${bea.name}`);
    await expect(comment).not.toContainText('user:');
    await expect(inbox.getByTestId('notification-count')).toHaveText('2', { timeout: 15_000 });
  });

  const items = inbox.getByTestId('notification-item');
  await test.step('the inbox lists both (unread, kind, actor, task link)', async () => {
    await expect(items).toHaveCount(2, { timeout: 10_000 });
    const mentioned = items.and(inbox.locator('[data-kind="mentioned"]'));
    const assigned = items.and(inbox.locator('[data-kind="assigned"]'));
    await expect(mentioned).toContainText(en('notifications.kind.mentioned', { actor: ava.name }));
    await expect(assigned).toContainText(en('notifications.kind.assigned', { actor: ava.name }));
    await expect(assigned.getByRole('link', { name: title })).toHaveAttribute('href', `/en/w/${workspace.slug}/p/${project.id}?task=${taskId}`);
    await expect(items.and(inbox.locator('[data-read="false"]'))).toHaveCount(2);
    await expect(bell).toHaveAccessibleName(en('notifications.bellLabelUnread', { count: 2 }));
  });

  await test.step('marking the assignment read lowers the badge to 1', async () => {
    const assigned = items.and(inbox.locator('[data-kind="assigned"]'));
    await assigned.getByRole('button', { name: en('notifications.markReadLabel', { task: title }) }).click();
    await expect(assigned).toHaveAttribute('data-read', 'true');
    await expect(inbox.getByTestId('notification-count')).toHaveText('1');
  });

  await test.step('the digest mail lists what stayed unread (the mention), not what was read', async () => {
    const mail = await waitForMail(bea.email, { subject: /unread notification/, timeout: 60_000 });
    expect(mail.subject).toBe(`1 unread notification on Kanso`);
    expect(mail.text).toContain(`${ava.name} mentioned you on “${title}”`);
    expect(mail.text).not.toContain('assigned you');
    expect(mail.text).toContain(`/en/w/${workspace.slug}/p/${project.id}?task=${taskId}`);
  });

  await test.step('mark all read clears the badge', async () => {
    await inbox.getByRole('button', { name: en('notifications.markAllRead') }).click();
    await expect(items.and(inbox.locator('[data-read="false"]'))).toHaveCount(0);
    await expect(inbox.getByTestId('notification-count')).toHaveCount(0);
    await expect(bell).toHaveAccessibleName(en('notifications.bellLabel'));
  });

  await avaContext.close();
  await beaContext.close();
});
