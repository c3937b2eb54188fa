import { getTranslations, setRequestLocale } from 'next-intl/server';
import { ChangeSlugForm, DeleteWorkspaceForm, RenameWorkspaceForm } from '@/components/workspaces/workspace-settings-forms';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { can } from '@/lib/permissions';
import { getWorkspace } from '@/lib/trpc/server';

export default async function WorkspaceSettingsPage({ params }: { params: Promise<{ locale: string; slug: string }> }) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('workspace.settings');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  return (
    <div className="max-w-2xl">
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      {!can(workspace.role, 'workspace:update') ? (
        <Alert className="mt-6">{t('noPermission')}</Alert>
      ) : (
        <>
          <Card className="mt-6">
            <h2 className="font-semibold">{t('general')}</h2>
            <RenameWorkspaceForm slug={workspace.slug} name={workspace.name} />
            <ChangeSlugForm slug={workspace.slug} />
          </Card>
          {can(workspace.role, 'workspace:delete') ? (
            <Card className="mt-6 border-destructive/40">
              <h2 className="font-semibold text-destructive">{t('dangerZone')}</h2>
              <p className="mt-1 text-sm text-muted-foreground">{t('deleteBody')}</p>
              <DeleteWorkspaceForm slug={workspace.slug} name={workspace.name} />
            </Card>
          ) : null}
        </>
      )}
    </div>
  );
}
