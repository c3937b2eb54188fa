/**
 * The mails Kanso sends, each rendered in the recipient's locale (HTML + plain text) for `sendMail`.
 * The renderers (./render-mail.ts, React Email) load on the first mail, not when the server starts.
 */
import type { renderers as Renderers } from './render-mail';

type Renderer = keyof typeof Renderers;

let loading: Promise<typeof Renderers> | undefined;

function lazy<K extends Renderer>(name: K): (typeof Renderers)[K] {
  return ((props: Parameters<(typeof Renderers)[K]>[0]) =>
    (loading ??= import('./render-mail').then((m) => m.renderers)).then((r) => (r[name] as (p: typeof props) => ReturnType<(typeof Renderers)[K]>)(props))) as (typeof Renderers)[K];
}

export const emails = {
  verifyEmail: lazy('verifyEmail'),
  passwordReset: lazy('passwordReset'),
  magicLink: lazy('magicLink'),
  passwordChanged: lazy('passwordChanged'),
  signUpAttempt: lazy('signUpAttempt'),
  roleChanged: lazy('roleChanged'),
  memberRemoved: lazy('memberRemoved'),
  invitation: lazy('invitation'),
};
