'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';

/** Signs out, empties the query cache (nothing of the signed-out user may stay) and opens sign-in, optionally coming back to `callbackUrl`. */
export function useSignOut(callbackUrl?: string) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace(callbackUrl === undefined ? '/sign-in' : { pathname: '/sign-in', query: { callbackUrl } });
        router.refresh();
      },
    }),
  );
}
