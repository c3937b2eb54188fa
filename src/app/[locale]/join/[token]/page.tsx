import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { InviteLanding, type InviteView } from '@/components/invitations/invite-landing';
import { getSession, serverCaller } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string; token: string }> };

const INVALID: InviteView = { status: 'invalid', workspaceName: null, inviterName: null, role: null, email: null, allowedDomains: [] };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'invite' });
  // The URL carries a token: never indexed, never sent on as a referrer.
  return { title: t('joinMetaTitle'), robots: { index: false, follow: false }, referrer: 'no-referrer' };
}

/** /<locale>/join/<token>: a shareable invite link (TEN-3), domain allow-list checked, for signed-out and signed-in visitors. */
export default async function JoinPage({ params }: Props) {
  const { locale, token } = await params;
  setRequestLocale(locale);
  const [view, session] = await Promise.all([
    token.length <= 200 ? (await serverCaller()).invitation.inspectLink({ token }) : INVALID,
    getSession(),
  ]);
  return <InviteLanding kind="link" token={token} locale={locale} view={view} signedInAs={session?.user.email ?? null} />;
}
