/**
 * A session that ends while its board is open: Alice, signed in on her phone too, revokes her
 * laptop's session in account settings. The sidecar closes the laptop's socket (4410), the laptop's
 * board goes to sign-in with itself as `callbackUrl`, and signing in again lands back on the live
 * board. Her phone's session is untouched.
 */
import { hash } from '@node-rs/argon2';
import { expect, test } from '@playwright/test';
import { BoardPage, boardPath } from './support/board';
import { SignInPage } from './support/flows';
import { en } from './support/messages';
import { createProject, createTask, createTeam, e2eDatabase, signInAs } from './support/team';

test('a board whose session is revoked from another device goes to sign-in and comes back after it', async ({ browser }) => {
  test.setTimeout(90_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
  const password = 'laptop-and-phone-2026';
  await e2eDatabase()`update users set password_hash = ${await hash(password)} where id = ${alice.id}`;

  const laptopContext = await browser.newContext();
  await signInAs(laptopContext, alice);
  const project = await createProject(laptopContext, workspace.slug);
  const task = await createTask(laptopContext, workspace.slug, project.id, 'Book the venue');
  const laptop = new BoardPage(await laptopContext.newPage(), workspace.slug, project.id);
  await laptop.open();
  await expect(laptop.card(task)).toBeVisible();

  // The phone signs in with the password (a second session) and revokes the laptop's.
  const phone = await (await browser.newContext()).newPage();
  const phoneSignIn = new SignInPage(phone, 'en');
  await phoneSignIn.open();
  await phoneSignIn.signIn(alice.email, password);
  // Lands in her only workspace (through /en/w) before going anywhere else.
  await expect(phone).toHaveURL(new RegExp(`${workspace.path}$`));
  await phone.goto('/en/account/security');
  const laptopRow = phone.locator('[data-testid="session-row"]:not([data-current])');
  await expect(laptopRow).toHaveCount(1);
  await laptopRow.getByRole('button').click();
  await expect(phone.getByText(en('account.security.sessions.revoked'))).toBeVisible();

  // The laptop's board notices by itself (no click, no reload) and asks to sign in, keeping its place.
  await expect(laptop.page).toHaveURL(/\/en\/sign-in\?/);
  expect(new URL(laptop.page.url()).searchParams.get('callbackUrl')).toBe(boardPath(workspace.slug, project.id));
  const laptopSignIn = new SignInPage(laptop.page, 'en');
  await laptopSignIn.expectShown();
  await laptopSignIn.signIn(alice.email, password);
  await expect(laptop.page).toHaveURL(new RegExp(`${boardPath(workspace.slug, project.id)}$`));
  await laptop.expectBoard();
  await expect(laptop.card(task)).toBeVisible();

  // Live again: Bob's rename reaches the laptop without a reload.
  const bobContext = await browser.newContext();
  await signInAs(bobContext, bob);
  const bobBoard = new BoardPage(await bobContext.newPage(), workspace.slug, project.id);
  await bobBoard.open();
  await expect(laptop.presence(bob.id)).toBeVisible();
  await bobBoard.rename(task, 'Book the bigger venue');
  await expect(laptop.titleOf(task)).toHaveText('Book the bigger venue');

  // The phone was never signed out.
  await phone.reload();
  await expect(phone.getByTestId('session-row')).toHaveCount(2);
});
