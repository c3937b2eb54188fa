import type { Metadata } from 'next';
import { getFormatter, getTranslations, setRequestLocale } from 'next-intl/server';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { clientIpOf } from '@/server/platform/client-ip';
import { connection } from 'next/server';
import { Link } from '@/i18n/navigation';
import { devMailboxVisibleTo, getDevMail, linksOf } from '@/server/email/dev-mailbox';

type Props = { params: Promise<{ locale: string; id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'mailbox' });
  return { title: t('title'), robots: { index: false } };
}

/** One stored mail: its links as plain anchors, the HTML in a sandboxed frame, the text part. */
export default async function DevMailPage({ params }: Props) {
  await connection();
  if (!devMailboxVisibleTo(clientIpOf(await headers()))) notFound();
  const { locale, id } = await params;
  setRequestLocale(locale);
  const mail = await getDevMail(id);
  if (!mail) notFound();
  const [t, format] = await Promise.all([getTranslations('mailbox'), getFormatter()]);
  const links = linksOf(mail.text);
  // Links open in a new tab; the frame runs no scripts and cannot reach this page.
  const srcDoc = /<head[^>]*>/i.test(mail.html) ? mail.html.replace(/<head([^>]*)>/i, '<head$1><base target="_blank">') : `<base target="_blank">${mail.html}`;
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-10">
      <Link href="/dev/mailbox" className="text-sm text-primary underline-offset-4 hover:underline">
        {t('back')}
      </Link>
      <h1 className="mt-4 text-2xl font-semibold tracking-tight" data-testid="mail-subject">
        {mail.subject}
      </h1>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted-foreground">{t('to')}</dt>
        <dd data-testid="mail-to">{mail.to}</dd>
        <dt className="text-muted-foreground">{t('received')}</dt>
        <dd>{format.dateTime(mail.createdAt, { dateStyle: 'medium', timeStyle: 'medium' })}</dd>
      </dl>
      {links.length > 0 ? (
        <section aria-labelledby="mail-links" className="mt-6">
          <h2 id="mail-links" className="text-sm font-semibold">
            {t('links')}
          </h2>
          <ul className="mt-2 grid gap-1 text-sm" data-testid="mail-links">
            {links.map((href) => (
              <li key={href}>
                <a href={href} className="break-all text-primary underline underline-offset-4">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="mail-html" className="mt-6">
        <h2 id="mail-html" className="text-sm font-semibold">
          {t('html')}
        </h2>
        <iframe
          title={t('htmlFrame', { subject: mail.subject })}
          srcDoc={srcDoc}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          className="mt-2 h-[560px] w-full rounded-md border border-border bg-white"
        />
      </section>
      <section aria-labelledby="mail-text" className="mt-6">
        <h2 id="mail-text" className="text-sm font-semibold">
          {t('text')}
        </h2>
        <pre className="mt-2 overflow-x-auto whitespace-pre-wrap rounded-md border border-border bg-muted p-4 text-xs">{mail.text}</pre>
      </section>
    </main>
  );
}
