import { Radio, Users, WifiOff } from 'lucide-react';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { SiteHeader } from '@/components/layout/site-header';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { getSession } from '@/lib/session';

export default async function LandingPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const [t, session] = await Promise.all([getTranslations('landing'), getSession()]);
  const features = [
    { icon: Radio, title: t('features.liveTitle'), body: t('features.liveBody') },
    { icon: Users, title: t('features.teamsTitle'), body: t('features.teamsBody') },
    { icon: WifiOff, title: t('features.offlineTitle'), body: t('features.offlineBody') },
  ];
  return (
    <>
      <SiteHeader signedIn={Boolean(session)} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-16 sm:py-24">
        <section className="max-w-3xl">
          <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">{t('title')}</h1>
          <p className="mt-6 text-lg text-muted-foreground">{t('subtitle')}</p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Button asChild size="lg">
              <Link href={session ? '/w' : '/sign-up'}>{t('getStarted')}</Link>
            </Button>
            {session ? null : (
              <Button asChild size="lg" variant="outline">
                <Link href="/sign-in">{t('signIn')}</Link>
              </Button>
            )}
          </div>
        </section>
        <section className="mt-20 grid gap-6 sm:grid-cols-3">
          {features.map(({ icon: Icon, title, body }) => (
            <div key={title} className="rounded-lg border border-border p-6">
              <Icon className="h-6 w-6 text-primary" aria-hidden />
              <h2 className="mt-4 font-semibold">{title}</h2>
              <p className="mt-2 text-sm text-muted-foreground">{body}</p>
            </div>
          ))}
        </section>
      </main>
    </>
  );
}
