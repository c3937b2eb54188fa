import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Alert } from '@/components/ui/alert';
import { WebhookSettings } from '@/components/webhooks/webhook-settings';
import { can } from '@/lib/permissions';
import { getQueryClient, getWorkspace, HydrateClient, trpc } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'webhooks' });
  return { title: t('metaTitle') };
}

/** Workspace settings → Webhooks (JOBS-3): endpoints, secrets, test-fire, delivery log. Admins and owners. */
export default async function WebhooksPage({ params }: Props) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('webhooks');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  if (!can(workspace.role, 'webhook:manage')) {
    return (
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <Alert className="mt-6" data-testid="webhooks-no-permission">
          {t('noPermission')}
        </Alert>
      </div>
    );
  }
  // The list is in the first HTML (one small bounded query); a refused plan shows as the list's error.
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.webhook.list.queryOptions({ workspaceSlug: workspace.slug }));
  return (
    <div className="grid min-w-0 gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t('description')}</p>
        <p className="mt-1 text-sm text-muted-foreground">{t('docsHint')}</p>
      </div>
      <HydrateClient>
        <WebhookSettings workspaceSlug={workspace.slug} />
      </HydrateClient>
    </div>
  );
}
