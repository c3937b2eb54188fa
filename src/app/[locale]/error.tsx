'use client';
import { ErrorFallback } from '@/components/layout/error-fallback';

export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-24">
      <ErrorFallback error={error} retry={retry} />
    </main>
  );
}
