import { getTranslations, setRequestLocale } from 'next-intl/server';
import { AuditLogView } from '@/components/audit/audit-log-view';
import { Alert } from '@/components/ui/alert';
import { can } from '@/lib/permissions';
import { getWorkspace } from '@/lib/trpc/server';

export default async function AuditPage({ params }: { params: Promise<{ locale: string; slug: string }> }) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('audit');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="mt-1 text-sm text-muted-foreground">{t('description')}</p>
      {can(workspace.role, 'audit:read') ? <AuditLogView workspaceSlug={workspace.slug} /> : <Alert className="mt-6">{t('noPermission')}</Alert>}
    </div>
  );
}
