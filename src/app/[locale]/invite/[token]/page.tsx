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
  return { title: t('metaTitle'), robots: { index: false, follow: false }, referrer: 'no-referrer' };
}

/** /<locale>/invite/<token>: the link of an invitation mail (TEN-3), for signed-out and signed-in visitors. */
export default async function InvitePage({ params }: Props) {
  const { locale, token } = await params;
  setRequestLocale(locale);
  const [view, session] = await Promise.all([
    token.length <= 200 ? (await serverCaller()).invitation.inspect({ token }) : INVALID,
    getSession(),
  ]);
  return <InviteLanding kind="email" token={token} locale={locale} view={view} signedInAs={session?.user.email ?? null} />;
}
