import { redirect } from '@/i18n/navigation';
import { serverCaller } from '@/lib/trpc/server';

/** /w: the first workspace, or "create your first workspace" for a new account. */
export default async function WorkspacesIndex({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const workspaces = await (await serverCaller()).workspace.list();
  const first = workspaces[0];
  redirect({ href: first ? `/w/${first.slug}` : '/onboarding', locale });
}
