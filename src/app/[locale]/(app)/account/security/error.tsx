'use client';
import { ErrorFallback } from '@/components/layout/error-fallback';

export default function SecurityError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-16">
      <ErrorFallback error={error} retry={retry} />
    </main>
  );
}
