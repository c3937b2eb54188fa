import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

export function Alert({ className, variant = 'info', ...props }: ComponentProps<'div'> & { variant?: 'info' | 'error' | 'success' }) {
  return (
    <div
      role={variant === 'error' ? 'alert' : 'status'}
      className={cn(
        'rounded-md border px-4 py-3 text-sm',
        variant === 'error' && 'border-destructive/50 text-destructive',
        variant === 'success' && 'border-success/50 text-success',
        variant === 'info' && 'border-border text-foreground',
        className,
      )}
      {...props}
    />
  );
}
