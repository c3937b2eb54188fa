'use client';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useFormatter, useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Spinner } from '@/components/ui/spinner';
import { useTRPC } from '@/lib/trpc/client';
import { AUDIT_ACTIONS, type AuditAction } from '@/lib/audit-actions';

interface Filters {
  action?: AuditAction;
  actorEmail?: string;
  /** ISO-8601 timestamps (the wire carries dates as strings, ADR 0013). */
  from?: string;
  to?: string;
}

function readFilters(form: HTMLFormElement): Filters {
  const data = new FormData(form);
  const text = (name: string) => {
    const value = String(data.get(name) ?? '').trim();
    return value === '' ? undefined : value;
  };
  const from = text('from');
  const to = text('to');
  return {
    action: text('action') as AuditAction | undefined,
    actorEmail: text('actorEmail')?.toLowerCase(),
    // Local days: from its first to (the whole "to" day included) its last millisecond.
    from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined,
    to: to ? new Date(`${to}T23:59:59.999`).toISOString() : undefined,
  };
}

function download(filename: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

export function AuditLogView({ workspaceSlug }: { workspaceSlug: string }) {
  const t = useTranslations('audit');
  const tAction = useTranslations('auditActions');
  const actionLabel = (action: string) => (tAction.has(action as never) ? tAction(action as never) : action);
  const format = useFormatter();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({});
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { workspaceSlug, ...filters },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const exporter = useMutation(trpc.audit.export.mutationOptions({ onSuccess: (result) => download(result.filename, result.csv) }));
  const entries = list.data?.pages.flatMap((p) => p.items) ?? [];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilters(readFilters(event.currentTarget));
  };

  return (
    <div className="mt-6 grid gap-4">
      <form onSubmit={onSubmit} onReset={() => setFilters({})} className="grid gap-3 rounded-lg border border-border p-4 sm:grid-cols-2 lg:grid-cols-4">
        <div className="grid gap-1.5">
          <Label htmlFor="audit-action">{t('filterAction')}</Label>
          <select id="audit-action" name="action" className="h-10 rounded-md border border-border bg-background px-2 text-sm" defaultValue="">
            <option value="">{t('allActions')}</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {actionLabel(action)}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-actor">{t('filterActor')}</Label>
          <Input id="audit-actor" name="actorEmail" type="email" autoComplete="off" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-from">{t('filterFrom')}</Label>
          <Input id="audit-from" name="from" type="date" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-to">{t('filterTo')}</Label>
          <Input id="audit-to" name="to" type="date" />
        </div>
        <div className="flex flex-wrap gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit">{t('apply')}</Button>
          <Button type="reset" variant="outline">
            {t('reset')}
          </Button>
          <div className="flex-1" />
          <Button type="button" variant="outline" disabled={exporter.isPending} onClick={() => exporter.mutate({ workspaceSlug, ...filters })}>
            <Download className="h-4 w-4" aria-hidden />
            {exporter.isPending ? t('exporting') : t('export')}
          </Button>
        </div>
      </form>

      {exporter.isSuccess ? (
        <Alert variant="success">
          {t('exported', { rows: exporter.data.rows })} {exporter.data.truncated ? t('truncated', { limit: exporter.data.rows }) : null}
        </Alert>
      ) : null}
      {exporter.error ? <Alert variant="error">{exporter.error.message}</Alert> : null}

      {list.isPending ? (
        <Spinner label={t('title')} />
      ) : list.error ? (
        <Alert variant="error">{list.error.message}</Alert>
      ) : entries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border p-8 text-center text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="bg-muted text-xs uppercase text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2">{t('when')}</th>
                <th scope="col" className="px-3 py-2">{t('action')}</th>
                <th scope="col" className="px-3 py-2">{t('actor')}</th>
                <th scope="col" className="px-3 py-2">{t('details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-t border-border align-top">
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={entry.createdAt}>{format.dateTime(new Date(entry.createdAt), { dateStyle: 'medium', timeStyle: 'short' })}</time>
                  </td>
                  <td className="px-3 py-2">
                    {actionLabel(entry.action)}
                    <span className="block font-mono text-xs text-muted-foreground">{entry.action}</span>
                  </td>
                  <td className="px-3 py-2">{entry.actor ? (entry.actor.email ?? entry.actor.id) : t('system')}</td>
                  <td className="max-w-md px-3 py-2">
                    <code className="break-all text-xs text-muted-foreground">{JSON.stringify(entry.data)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage ? (
        <div>
          <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {t('loadMore')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
