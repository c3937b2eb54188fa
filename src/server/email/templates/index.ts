/**
 * The mails Kanso sends, each rendered in the recipient's locale (HTML + plain text) for `sendMail`.
 * The renderers (./render-mail.ts, React Email) load on the first mail, not when the server starts.
 */
type Renderers = typeof import('./render-mail').renderers;
type Props<K extends keyof Renderers> = Parameters<Renderers[K]>[0];

let loading: Promise<Renderers> | undefined;
const renderers = () => (loading ??= import('./render-mail').then((m) => m.renderers));

export const emails = {
  verifyEmail: async (props: Props<'verifyEmail'>) => (await renderers()).verifyEmail(props),
  passwordReset: async (props: Props<'passwordReset'>) => (await renderers()).passwordReset(props),
  magicLink: async (props: Props<'magicLink'>) => (await renderers()).magicLink(props),
  passwordChanged: async (props: Props<'passwordChanged'>) => (await renderers()).passwordChanged(props),
  signUpAttempt: async (props: Props<'signUpAttempt'>) => (await renderers()).signUpAttempt(props),
  roleChanged: async (props: Props<'roleChanged'>) => (await renderers()).roleChanged(props),
  memberRemoved: async (props: Props<'memberRemoved'>) => (await renderers()).memberRemoved(props),
  invitation: async (props: Props<'invitation'>) => (await renderers()).invitation(props),
  accountLocked: async (props: Props<'accountLocked'>) => (await renderers()).accountLocked(props),
};
