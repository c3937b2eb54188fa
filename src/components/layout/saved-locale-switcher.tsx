'use client';
import { useMutation } from '@tanstack/react-query';
import { TRPCReactProvider, useTRPC } from '@/lib/trpc/client';
import { LocaleSwitcher } from './locale-switcher';

function SavingSwitcher() {
  const trpc = useTRPC();
  const save = useMutation(trpc.user.setLocale.mutationOptions());
  return <LocaleSwitcher save={(locale) => save.mutateAsync({ locale })} saving={save.isPending} />;
}

/**
 * The language switcher of a signed-in user: the choice is saved on the account first. Loaded lazily
 * (signed-in-locale-switcher.tsx) and with its own provider, so the landing page, which has no API
 * client of its own, needs one only for a signed-in visitor (PERF-3). Inside the app the provider is
 * a second client over the same query cache.
 */
export default function SavedLocaleSwitcher() {
  return (
    <TRPCReactProvider>
      <SavingSwitcher />
    </TRPCReactProvider>
  );
}
