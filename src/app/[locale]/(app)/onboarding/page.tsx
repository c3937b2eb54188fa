import { getTranslations, setRequestLocale } from 'next-intl/server';
import { SiteHeader } from '@/components/layout/site-header';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { CreateWorkspaceForm } from '@/components/workspaces/create-workspace-form';
import { Card, CardDescription, CardTitle } from '@/components/ui/card';
import { serverCaller } from '@/lib/trpc/server';

export default async function OnboardingPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const [t, workspaces] = await Promise.all([getTranslations('workspace'), (await serverCaller()).workspace.list()]);
  return (
    <>
      <SiteHeader signedIn bell={<NotificationBell />} />
      <main id="main" className="mx-auto flex max-w-md flex-col px-4 py-16">
        <Card>
          <CardTitle>{workspaces.length === 0 ? t('createTitle') : t('createAnotherTitle')}</CardTitle>
          <CardDescription className="mt-2">{t('createDescription')}</CardDescription>
          <CreateWorkspaceForm />
        </Card>
      </main>
    </>
  );
}
