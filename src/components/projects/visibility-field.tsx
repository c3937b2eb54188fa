'use client';
/** Workspace-wide or private: a radio group with a hint per option. */
import { Lock, Users } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { cn } from '@/lib/utils';

export type Visibility = 'workspace' | 'private';
const OPTIONS: { value: Visibility; Icon: typeof Lock }[] = [
  { value: 'workspace', Icon: Users },
  { value: 'private', Icon: Lock },
];

export function VisibilityField({ value, onChange, error, disabled }: { value: Visibility; onChange: (value: Visibility) => void; error?: string; disabled?: boolean }) {
  const t = useTranslations('projects.visibility');
  const id = useId();
  return (
    <fieldset className="grid gap-2" aria-describedby={error ? `${id}-error` : undefined} disabled={disabled}>
      <legend className="mb-1.5 text-sm font-medium leading-none">{t('label')}</legend>
      {OPTIONS.map(({ value: option, Icon }) => (
        <label
          key={option}
          className={cn(
            'flex cursor-pointer items-start gap-3 rounded-md border border-border p-3 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring',
            value === option && 'border-primary bg-muted/50',
          )}
        >
          <input
            type="radio"
            name={`${id}-visibility`}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="mt-0.5 accent-primary"
            aria-describedby={`${id}-${option}-hint`}
          />
          <span className="grid gap-0.5">
            <span className="inline-flex items-center gap-1.5 font-medium">
              <Icon className="h-3.5 w-3.5" aria-hidden />
              {t(option)}
            </span>
            <span id={`${id}-${option}-hint`} className="text-xs text-muted-foreground">
              {t(`${option}Hint`)}
            </span>
          </span>
        </label>
      ))}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
