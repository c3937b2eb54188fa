'use client';
import { useLocale, useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { FormField } from '@/components/ui/form-field';
import { FormError, SubmitButton } from '../_components/form-helpers';
import { requestMagicLink, type MagicLinkState } from './actions';

/** "Email me a link": Auth.js email provider through a server action (works without JavaScript too). */
export function MagicLinkForm({ callbackUrl, minutes }: { callbackUrl?: string; minutes: number }) {
  const t = useTranslations('auth');
  const locale = useLocale();
  const [state, action, pending] = useActionState<MagicLinkState, FormData>(requestMagicLink, { status: 'idle' });

  if (state.status === 'sent') {
    return (
      <Alert variant="success" data-testid="magic-link-sent">
        {t('signIn.magicLinkSent', { email: state.email ?? '', minutes })}
      </Alert>
    );
  }
  return (
    <form action={action} noValidate className="grid gap-3" aria-label={t('signIn.magicLinkTitle')} data-testid="magic-link-form">
      <input type="hidden" name="locale" value={locale} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <FormError message={state.message ?? null} />
      <FormField
        id="magic-email"
        name="email"
        type="email"
        label={t('fields.email')}
        autoComplete="email"
        required
        error={state.fieldError}
      />
      <SubmitButton variant="outline" pending={pending} label={t('signIn.magicLinkSubmit')} pendingLabel={t('signIn.magicLinkSending')} />
    </form>
  );
}
