'use client';
/** "Could not load X" with a retry button: the error state of every list and detail view. */
import { useTranslations } from 'next-intl';
import { cn } from '@/lib/utils';
import { Alert } from './alert';
import { Button } from './button';

export function LoadError({ message, onRetry, className }: { message: string; onRetry: () => void; className?: string }) {
  const tc = useTranslations('common');
  return (
    <Alert variant="error" className={cn('grid gap-2', className)}>
      <p>{message}</p>
      <Button variant="outline" size="sm" className="justify-self-start" onClick={onRetry}>
        {tc('retry')}
      </Button>
    </Alert>
  );
}
