import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { InviteForm } from '@/components/invitations/invite-form';
import { InviteLinks } from '@/components/invitations/invite-links';
import { PendingInvitations } from '@/components/invitations/pending-invitations';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { INVITATION_TTL_DAYS } from '@/lib/invitations';
import { can } from '@/lib/permissions';
import { getQueryClient, getWorkspace, HydrateClient, trpc } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'invitations' });
  return { title: t('metaTitle') };
}

/** Workspace settings → Invitations (TEN-3): invite by email, pending list, invite links. Admins and owners. */
export default async function InvitationsPage({ params }: Props) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('invitations');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  if (!can(workspace.role, 'invitation:read')) {
    return (
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <Alert className="mt-6" data-testid="invitations-no-permission">
          {t('noPermission')}
        </Alert>
      </div>
    );
  }
  // Awaited (two small bounded queries) so the lists are in the first HTML, not behind a spinner.
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.invitation.list.queryOptions({ workspaceSlug: workspace.slug })),
    queryClient.prefetchQuery(trpc.invitation.listLinks.queryOptions({ workspaceSlug: workspace.slug })),
  ]);
  const canInvite = can(workspace.role, 'member:invite');
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t('description', { days: INVITATION_TTL_DAYS })}</p>
      </div>
      <HydrateClient>
        {canInvite ? (
          <Card>
            <section aria-labelledby="invite-form-heading">
              <h2 id="invite-form-heading" className="font-semibold">
                {t('form.title')}
              </h2>
              <InviteForm workspaceSlug={workspace.slug} />
            </section>
          </Card>
        ) : null}
        <Card>
          <section aria-labelledby="pending-heading">
            <h2 id="pending-heading" className="font-semibold">
              {t('pending.title')}
            </h2>
            <PendingInvitations workspaceSlug={workspace.slug} />
          </section>
        </Card>
        <Card>
          <section aria-labelledby="links-heading">
            <h2 id="links-heading" className="font-semibold">
              {t('links.title')}
            </h2>
            <p className="mt-1 text-sm text-muted-foreground">{t('links.description')}</p>
            <InviteLinks workspaceSlug={workspace.slug} />
          </section>
        </Card>
      </HydrateClient>
    </div>
  );
}
