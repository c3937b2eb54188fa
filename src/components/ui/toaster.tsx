'use client';
/**
 * Short-lived notices ("your change lost", "can't undo"): one polite live region, newest last,
 * each dismissable and gone after 10 s. Messages are already localised by the caller.
 */
import { X } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/lib/utils';

export type ToastTone = 'info' | 'warning' | 'error';
interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

const ToastContext = createContext<((message: string, tone?: ToastTone) => void) | null>(null);
const MAX_TOASTS = 4;
const TOAST_MS = 10_000;

export function Toaster({ children }: { children: ReactNode }) {
  const t = useTranslations('common');
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);
  const notify = useCallback(
    (message: string, tone: ToastTone = 'info') => {
      const id = nextId.current++;
      setToasts((list) => [...list, { id, message, tone }].slice(-MAX_TOASTS));
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            data-testid="toast"
            data-tone={toast.tone}
            className={cn(
              'pointer-events-auto flex items-start gap-2 rounded-md border bg-background px-3 py-2 text-sm shadow-lg',
              toast.tone === 'warning' && 'border-amber-500/60',
              toast.tone === 'error' && 'border-destructive/60 text-destructive',
            )}
          >
            <p className="flex-1">{toast.message}</p>
            <button type="button" onClick={() => dismiss(toast.id)} className="rounded p-0.5 hover:bg-muted" aria-label={t('dismiss')}>
              <X className="h-4 w-4" aria-hidden />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): (message: string, tone?: ToastTone) => void {
  const notify = useContext(ToastContext);
  if (!notify) throw new Error('useToast outside <Toaster>');
  return notify;
}
