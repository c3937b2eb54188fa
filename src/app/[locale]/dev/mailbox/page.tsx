import type { Metadata } from 'next';
import { getFormatter, getTranslations, setRequestLocale } from 'next-intl/server';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { clientIpOf } from '@/server/platform/client-ip';
import { connection } from 'next/server';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { DEV_MAILBOX_LIMIT, devMailboxVisibleTo, listDevMails } from '@/server/email/dev-mailbox';

type Props = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'mailbox' });
  return { title: t('title'), robots: { index: false } };
}

/** Development only: mail stored by the dev transport (404 in production or without DEV_MAILBOX). */
export default async function DevMailboxPage({ params }: Props) {
  await connection();
  if (!devMailboxVisibleTo(clientIpOf(await headers()))) notFound();
  const { locale } = await params;
  setRequestLocale(locale);
  const [t, format, mails] = await Promise.all([getTranslations('mailbox'), getFormatter(), listDevMails()]);
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-10">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
          <p className="mt-1 text-sm text-muted-foreground">{t('description', { limit: DEV_MAILBOX_LIMIT })}</p>
        </div>
        <Button asChild variant="outline" size="sm">
          <Link href="/dev/mailbox">{t('refresh')}</Link>
        </Button>
      </div>
      {mails.length === 0 ? (
        <p className="mt-10 rounded-md border border-dashed border-border p-8 text-center text-sm text-muted-foreground" data-testid="mailbox-empty">
          {t('empty')}
        </p>
      ) : (
        <table className="mt-6 w-full text-left text-sm" data-testid="mailbox-list">
          <caption className="sr-only">{t('title')}</caption>
          <thead className="border-b border-border text-xs uppercase text-muted-foreground">
            <tr>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t('received')}
              </th>
              <th scope="col" className="py-2 pr-4 font-medium">
                {t('to')}
              </th>
              <th scope="col" className="py-2 font-medium">
                {t('subject')}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {mails.map((mail) => (
              <tr key={mail.id} data-testid="mailbox-row">
                <td className="whitespace-nowrap py-2 pr-4 text-muted-foreground">
                  {format.dateTime(mail.createdAt, { dateStyle: 'short', timeStyle: 'medium' })}
                </td>
                <td className="py-2 pr-4">{mail.to}</td>
                <td className="py-2">
                  <Link href={`/dev/mailbox/${mail.id}`} className="font-medium text-primary underline-offset-4 hover:underline">
                    {mail.subject}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
