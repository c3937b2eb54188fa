import { FolderKanban } from 'lucide-react';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { getWorkspace } from '@/lib/trpc/server';

export default async function WorkspaceHome({ params }: { params: Promise<{ locale: string; slug: string }> }) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('workspace');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight" data-testid="workspace-title">
        {t('welcome', { name: workspace.name })}
      </h1>
      <p className="mt-1 text-sm text-muted-foreground">{t('yourRole', { role: t(`roles.${workspace.role}`) })}</p>
      <section className="mt-10 flex flex-col items-center rounded-lg border border-dashed border-border px-6 py-16 text-center">
        <FolderKanban className="h-10 w-10 text-muted-foreground" aria-hidden />
        <h2 className="mt-4 font-semibold">{t('emptyTitle')}</h2>
        <p className="mt-2 max-w-md text-sm text-muted-foreground">{t('emptyBody')}</p>
      </section>
    </div>
  );
}
