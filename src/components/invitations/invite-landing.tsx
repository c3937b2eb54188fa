/**
 * The page behind an invitation mail (/invite/<token>) or an invite link (/join/<token>), for
 * signed-out visitors and signed-in users alike: who invites you where and as what, and the one
 * next step — or a clear page for an expired, revoked, used, invalid or foreign token. The server
 * checks everything again when "Accept and join" is pressed.
 */
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardTitle } from '@/components/ui/card';
import { Link } from '@/i18n/navigation';
import type { Role } from '@/lib/permissions';
import { AcceptInviteButton, SwitchAccountButton } from './invite-actions';

export interface InviteView {
  status: 'valid' | 'expired' | 'revoked' | 'used' | 'invalid';
  workspaceName: string | null;
  inviterName: string | null;
  role: Role | null;
  email: string | null;
  allowedDomains: string[];
}

interface Props {
  kind: 'email' | 'link';
  token: string;
  locale: string;
  view: InviteView;
  /** The signed-in user, if any. */
  signedInAs: string | null;
}

function Frame({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  return (
    <>
      <SiteHeader signedIn={signedIn} />
      <main id="main" className="mx-auto flex w-full max-w-lg flex-col px-4 py-12 sm:py-16">
        {children}
      </main>
    </>
  );
}

export async function InviteLanding({ kind, token, locale, view, signedInAs }: Props) {
  const t = await getTranslations('invite');
  const tRoles = await getTranslations('workspace.roles');
  const signedIn = signedInAs !== null;
  const returnTo = `/${locale}/${kind === 'email' ? 'invite' : 'join'}/${token}`;
  const workspace = view.workspaceName ?? '';
  const inviter = view.inviterName ?? t('someone');
  const home = (
    <Button asChild variant="outline">
      <Link href={signedIn ? '/w' : '/'}>{t('goHome')}</Link>
    </Button>
  );

  if (view.status !== 'valid') {
    const prefix = kind === 'link' ? `link${view.status[0]!.toUpperCase()}${view.status.slice(1)}` : view.status;
    // Links cannot be "used up"; an unknown state falls back to "invalid".
    const state = (kind === 'link' && view.status === 'used' ? 'linkInvalid' : prefix) as
      | 'expired'
      | 'revoked'
      | 'used'
      | 'invalid'
      | 'linkExpired'
      | 'linkRevoked'
      | 'linkInvalid';
    return (
      <Frame signedIn={signedIn}>
        <Card data-testid="invite-state" data-state={view.status}>
          <CardTitle>{t(`states.${state}Title`)}</CardTitle>
          <CardDescription className="mt-2">{t(`states.${state}Body`, { inviter, workspace })}</CardDescription>
          <div className="mt-6 flex flex-wrap gap-2">{home}</div>
        </Card>
      </Frame>
    );
  }

  const role = view.role ? tRoles(view.role) : '';
  const ownDomain = signedInAs?.slice(signedInAs.lastIndexOf('@') + 1).toLowerCase() ?? '';
  const wrongAccount = kind === 'email' && signedIn && view.email !== null && signedInAs.toLowerCase() !== view.email;
  const domainRefused = kind === 'link' && signedIn && view.allowedDomains.length > 0 && !view.allowedDomains.includes(ownDomain);

  let next: ReactNode;
  if (!signedIn) {
    const signUpQuery: Record<string, string> = { callbackUrl: returnTo };
    if (view.email) signUpQuery.email = view.email;
    next = (
      <>
        <p className="text-sm text-muted-foreground">{t('signedOutHint')}</p>
        <div className="flex flex-wrap gap-2">
          <Button asChild>
            <Link href={{ pathname: '/sign-up', query: signUpQuery }} data-testid="invite-sign-up">
              {t('createAccount')}
            </Link>
          </Button>
          <Button asChild variant="outline">
            <Link href={{ pathname: '/sign-in', query: { callbackUrl: returnTo } }} data-testid="invite-sign-in">
              {t('signIn')}
            </Link>
          </Button>
        </div>
      </>
    );
  } else if (wrongAccount) {
    next = (
      <>
        <Alert variant="error" data-testid="invite-wrong-account">
          <p className="font-medium">{t('wrongAccountTitle')}</p>
          <p className="mt-1">{t('wrongAccountBody', { current: signedInAs, email: view.email ?? '' })}</p>
        </Alert>
        <div>
          <SwitchAccountButton returnTo={returnTo} />
        </div>
      </>
    );
  } else if (domainRefused) {
    next = (
      <>
        <Alert variant="error" data-testid="invite-domain-refused">
          <p className="font-medium">{t('domainTitle')}</p>
          <p className="mt-1">{t('domainBody', { domains: view.allowedDomains.join(', '), email: signedInAs, workspace })}</p>
        </Alert>
        <div>
          <SwitchAccountButton returnTo={returnTo} />
        </div>
      </>
    );
  } else {
    next = (
      <>
        <p className="text-sm text-muted-foreground">{t('signedInAs', { email: signedInAs })}</p>
        <AcceptInviteButton kind={kind} token={token} />
      </>
    );
  }

  return (
    <Frame signedIn={signedIn}>
      <Card data-testid="invite-card" data-state="valid">
        <CardTitle>{t('title', { workspace })}</CardTitle>
        <CardDescription className="mt-2">{t(kind === 'email' ? 'body' : 'linkBody', { inviter, workspace, role })}</CardDescription>
        {kind === 'email' && view.email ? <p className="mt-2 text-sm">{t('forEmail', { email: view.email })}</p> : null}
        {kind === 'link' && view.allowedDomains.length > 0 ? (
          <p className="mt-2 text-sm">{t('onlyDomains', { domains: view.allowedDomains.join(', ') })}</p>
        ) : null}
        <div className="mt-6 grid gap-4">{next}</div>
      </Card>
    </Frame>
  );
}
