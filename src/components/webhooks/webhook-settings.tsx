'use client';
/**
 * Workspace settings → Webhooks (JOBS-3): endpoints with their state, create/edit, the signing
 * secret shown once (with copy), rotation, delete (confirmed), test-fire, and a delivery log per
 * endpoint with every attempt and replay. Owners and admins only (the page and the server check).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { LoadError } from '@/components/ui/load-error';
import { Spinner } from '@/components/ui/spinner';
import { useServerMessage } from '@/components/invitations/form-bits';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { cn } from '@/lib/utils';
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_EVENT_TYPES, WEBHOOK_URL_MAX, type WebhookEventType } from '@/lib/webhook-events';

type Endpoint = {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  status: 'enabled' | 'disabled' | 'disabled_failing';
  failingSince: string | null;
  disabledAt: string | null;
  previousSecretExpiresAt: string | null;
};

type Revealed = { secret: string; kind: 'created' | 'rotated'; url: string };

function useEventLabel() {
  const t = useTranslations('webhooks.eventTypes');
  return (type: string) => (t.has(type as never) ? t(type as never) : type);
}

// ─── The secret, once ───────────────────────────────────────────────────────────────────────────

function SecretDialog({ revealed, onClose }: { revealed: Revealed | null; onClose: () => void }) {
  const t = useTranslations('webhooks.secret');
  const tc = useTranslations('common');
  const inputRef = useRef<HTMLInputElement>(null);
  // Per secret: a new secret starts with no copy message.
  const [copied, setCopied] = useState<{ secret: string; state: 'copied' | 'failed' } | null>(null);
  const copy = copied && copied.secret === revealed?.secret ? copied.state : 'idle';
  const setCopy = (state: 'copied' | 'failed') => setCopied({ secret: revealed?.secret ?? '', state });
  return (
    <Dialog open={revealed !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        closeLabel={tc('dismiss')}
        data-testid="webhook-secret-dialog"
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          inputRef.current?.focus();
          inputRef.current?.select();
        }}
      >
        <DialogTitle>{revealed?.kind === 'rotated' ? t('rotatedTitle') : t('createdTitle')}</DialogTitle>
        <DialogDescription>{t('description')}</DialogDescription>
        {revealed?.kind === 'rotated' ? <p className="text-sm">{t('rotatedNote')}</p> : null}
        <p className="truncate font-mono text-xs text-muted-foreground">{revealed?.url}</p>
        <div className="grid gap-1.5">
          <Label htmlFor="webhook-secret">{t('label')}</Label>
          <div className="flex gap-2">
            <Input
              id="webhook-secret"
              ref={inputRef}
              readOnly
              value={revealed?.secret ?? ''}
              className="font-mono text-xs"
              data-testid="webhook-secret"
              onFocus={(e) => e.currentTarget.select()}
            />
            <Button
              type="button"
              variant="outline"
              onClick={() => {
                navigator.clipboard.writeText(revealed?.secret ?? '').then(
                  () => setCopy('copied'),
                  () => setCopy('failed'),
                );
              }}
            >
              {t('copy')}
            </Button>
          </div>
          <p aria-live="polite" className="min-h-4 text-xs text-muted-foreground">
            {copy === 'copied' ? t('copied') : copy === 'failed' ? t('copyFailed') : ''}
          </p>
        </div>
        <div className="flex justify-end">
          <Button type="button" onClick={onClose}>
            {t('done')}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

// ─── Confirmations ──────────────────────────────────────────────────────────────────────────────

function ConfirmDialog({
  open,
  title,
  body,
  confirm,
  working,
  pending,
  destructive,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  open: boolean;
  title: string;
  body: string;
  confirm: string;
  working: string;
  pending: boolean;
  destructive?: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
}) {
  const tc = useTranslations('common');
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onCancel()}>
      <DialogContent closeLabel={tc('dismiss')} data-testid={testId}>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription className="break-words">{body}</DialogDescription>
        {error ? <Alert variant="error">{error}</Alert> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button type="button" variant="outline" onClick={onCancel}>
            {tc('cancel')}
          </Button>
          <Button type="button" variant={destructive ? 'destructive' : 'default'} disabled={pending} aria-disabled={pending} onClick={onConfirm}>
            {pending ? working : confirm}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

// ─── The form ───────────────────────────────────────────────────────────────────────────────────

interface FormValues {
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
}

function EndpointForm({
  initial,
  mode,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial?: Endpoint;
  mode: 'create' | 'edit';
  pending: boolean;
  error: unknown;
  onSubmit: (values: FormValues) => void;
  onCancel?: () => void;
}) {
  const t = useTranslations('webhooks.form');
  const label = useEventLabel();
  const prefix = useId().replace(/:/g, '');
  const [types, setTypes] = useState<WebhookEventType[]>(initial?.eventTypes ?? ['task.created', 'task.updated', 'task.moved', 'task.deleted']);
  const [localError, setLocalError] = useState<string | null>(null);
  const fieldErrors = fieldErrorsOf(error);
  const serverMessage = useServerMessage(error);
  const formRef = useRef<HTMLFormElement>(null);
  const firstInvalid = Object.keys(fieldErrors)[0];
  useEffect(() => {
    if (firstInvalid !== 'url') return;
    const field = formRef.current?.elements.namedItem(`${prefix}-url`);
    if (field instanceof HTMLElement) field.focus();
  }, [firstInvalid, error, prefix]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    if (types.length === 0) {
      setLocalError(t('eventsRequired'));
      return;
    }
    setLocalError(null);
    onSubmit({
      url: String(data.get(`${prefix}-url`) ?? ''),
      description: String(data.get(`${prefix}-description`) ?? ''),
      eventTypes: types,
      enabled: data.get(`${prefix}-enabled`) === 'on',
    });
  };

  const eventsError = localError ?? fieldErrors.eventTypes;
  return (
    <form ref={formRef} onSubmit={submit} noValidate className="grid gap-4" data-testid={`webhook-form-${mode}`} aria-label={mode === 'create' ? t('createTitle') : t('editTitle')}>
      {serverMessage && !firstInvalid ? <Alert variant="error">{serverMessage}</Alert> : null}
      <FormField
        id={`${prefix}-url`}
        label={t('url')}
        hint={t('urlHint')}
        type="url"
        inputMode="url"
        required
        maxLength={WEBHOOK_URL_MAX}
        placeholder="https://example.com/webhooks/kanso"
        defaultValue={initial?.url}
        autoComplete="off"
        spellCheck={false}
        error={fieldErrors.url}
        data-testid="webhook-url"
      />
      <FormField
        id={`${prefix}-description`}
        label={t('description')}
        hint={t('descriptionHint')}
        maxLength={WEBHOOK_DESCRIPTION_MAX}
        defaultValue={initial?.description}
        error={fieldErrors.description}
      />
      <fieldset className="grid gap-2" aria-describedby={eventsError ? `${prefix}-events-error` : `${prefix}-events-hint`}>
        <legend className="text-sm font-medium">{t('events')}</legend>
        <div className="flex gap-2 text-xs">
          <Button type="button" variant="link" size="sm" className="h-auto px-0" onClick={() => setTypes([...WEBHOOK_EVENT_TYPES])}>
            {t('selectAll')}
          </Button>
          <Button type="button" variant="link" size="sm" className="h-auto px-0" onClick={() => setTypes([])}>
            {t('selectNone')}
          </Button>
        </div>
        <div className="grid gap-x-4 gap-y-1.5 sm:grid-cols-2 lg:grid-cols-3">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="h-4 w-4 accent-primary"
                checked={types.includes(type)}
                onChange={(e) => setTypes((current) => (e.target.checked ? [...current, type] : current.filter((x) => x !== type)))}
              />
              <span>{label(type)}</span>
              <code className="hidden text-xs text-muted-foreground xl:inline">{type}</code>
            </label>
          ))}
        </div>
        {eventsError ? (
          <p id={`${prefix}-events-error`} className="text-xs text-destructive">
            {eventsError}
          </p>
        ) : (
          <p id={`${prefix}-events-hint`} className="text-xs text-muted-foreground">
            {t('eventsHint')}
          </p>
        )}
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name={`${prefix}-enabled`} className="h-4 w-4 accent-primary" defaultChecked={initial?.enabled ?? true} />
        {t('enabled')}
      </label>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending} aria-disabled={pending} data-testid={`webhook-${mode}-submit`}>
          {pending ? (mode === 'create' ? t('creating') : t('saving')) : mode === 'create' ? t('create') : t('save')}
        </Button>
        {onCancel ? (
          <Button type="button" variant="outline" onClick={onCancel}>
            {t('cancel')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}

// ─── Delivery log ───────────────────────────────────────────────────────────────────────────────

function stateClass(state: 'pending' | 'succeeded' | 'dead') {
  return state === 'succeeded' ? 'text-success border-success/40' : state === 'dead' ? 'text-destructive border-destructive/40' : 'text-muted-foreground border-border';
}

function DeliveryLog({ workspaceSlug, endpoint }: { workspaceSlug: string; endpoint: Endpoint }) {
  const t = useTranslations('webhooks.deliveries');
  const tc = useTranslations('common');
  const label = useEventLabel();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const input = { workspaceSlug, endpointId: endpoint.id, cursor };
  const log = useQuery({ ...trpc.webhook.deliveries.queryOptions(input), refetchInterval: cursor ? false : 3_000 });
  const replay = useMutation(
    trpc.webhook.replay.mutationOptions({
      onSuccess: async () => {
        setNotice(t('replayed'));
        await queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.queryKey() });
      },
    }),
  );
  const replayError = useServerMessage(replay.error);
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <section className="mt-4 grid min-w-0 gap-3 border-t border-border pt-4" aria-label={t('caption', { url: endpoint.url })} data-testid="webhook-deliveries">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">{t('title')}</h3>
        <Button type="button" variant="ghost" size="sm" onClick={() => void log.refetch()}>
          {t('refresh')}
        </Button>
      </div>
      {notice ? <Alert variant="success">{notice}</Alert> : null}
      {replayError ? <Alert variant="error">{replayError}</Alert> : null}
      {log.isPending ? (
        <Spinner label={tc('loading')} />
      ) : log.isError ? (
        <LoadError message={t('loadError')} onRetry={() => void log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border p-4 text-center text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <ul className="grid min-w-0 gap-2">
          {log.data.items.map((delivery) => {
            const replaying = replay.isPending && replay.variables?.deliveryId === delivery.id;
            return (
              <li key={delivery.id} className="min-w-0 rounded-md border border-border p-3 text-sm" data-testid="webhook-delivery">
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  <span className={cn('rounded-full border px-2 py-0.5 text-xs font-medium', stateClass(delivery.state))} data-testid="webhook-delivery-state">
                    {t(`state.${delivery.state}`)}
                  </span>
                  <span className="font-medium">{label(delivery.eventType)}</span>
                  <span className="text-xs text-muted-foreground">{when(delivery.createdAt)}</span>
                  <span className="text-xs text-muted-foreground">{t('attemptsCount', { count: delivery.attempts })}</span>
                  {delivery.nextAttemptAt ? <span className="text-xs text-muted-foreground">{t('nextAttempt', { date: when(delivery.nextAttemptAt) })}</span> : null}
                  <Button
                    type="button"
                    variant="outline"
                    size="sm"
                    className="ml-auto"
                    disabled={replaying}
                    onClick={() => {
                      setNotice(null);
                      replay.mutate({ workspaceSlug, deliveryId: delivery.id });
                    }}
                  >
                    {replaying ? t('replaying') : t('replay')}
                  </Button>
                </div>
                {delivery.attemptLog.length > 0 ? (
                  <div className="mt-2 min-w-0 overflow-x-auto">
                    <table className="w-full min-w-[28rem] text-left text-xs">
                      <thead className="text-muted-foreground">
                        <tr>
                          <th scope="col" className="py-1 pr-3 font-medium">
                            #
                          </th>
                          <th scope="col" className="py-1 pr-3 font-medium">
                            {t('status')}
                          </th>
                          <th scope="col" className="py-1 pr-3 font-medium">
                            {t('latencyLabel')}
                          </th>
                          <th scope="col" className="py-1 pr-3 font-medium">
                            {t('time')}
                          </th>
                          <th scope="col" className="py-1 font-medium">
                            {t('response')}
                          </th>
                        </tr>
                      </thead>
                      <tbody className="align-top">
                        {delivery.attemptLog.map((attempt) => (
                          <tr key={attempt.attemptNumber} className="border-t border-border" data-testid="webhook-attempt">
                            <td className="py-1 pr-3 whitespace-nowrap">
                              {attempt.replay ? t('replayAttempt', { number: attempt.attemptNumber }) : t('attempt', { number: attempt.attemptNumber })}
                            </td>
                            <td className="py-1 pr-3 whitespace-nowrap" data-testid="webhook-attempt-status">
                              <span className={cn('font-mono', attempt.errorKind ? 'text-destructive' : 'text-success')}>{attempt.statusCode ?? t('noStatus')}</span>
                              {attempt.errorKind && attempt.errorKind !== 'http_status' ? (
                                <span className="block text-muted-foreground">{t(`errorKind.${attempt.errorKind}` as never)}</span>
                              ) : null}
                            </td>
                            <td className="py-1 pr-3 whitespace-nowrap">{t('latency', { ms: attempt.latencyMs })}</td>
                            <td className="py-1 pr-3 whitespace-nowrap">{when(attempt.createdAt)}</td>
                            <td className="py-1">
                              <code className="line-clamp-3 break-all text-muted-foreground">{attempt.responseExcerpt || t('noResponse')}</code>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {log.data?.nextCursor ? (
        <div>
          <Button type="button" variant="outline" size="sm" onClick={() => setCursor(log.data.nextCursor ?? undefined)}>
            {t('more')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}

// ─── One endpoint ───────────────────────────────────────────────────────────────────────────────

function StatusBadge({ endpoint }: { endpoint: Endpoint }) {
  const t = useTranslations('webhooks.status');
  return (
    <span
      className={cn(
        'rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap',
        endpoint.status === 'enabled' ? 'border-success/40 text-success' : endpoint.status === 'disabled_failing' ? 'border-destructive/40 text-destructive' : 'border-border text-muted-foreground',
      )}
      data-testid="webhook-status"
    >
      {t(endpoint.status)}
    </span>
  );
}

function EndpointCard({ workspaceSlug, endpoint, onSecret }: { workspaceSlug: string; endpoint: Endpoint; onSecret: (r: Revealed) => void }) {
  const t = useTranslations('webhooks');
  const label = useEventLabel();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const listKey = trpc.webhook.list.queryKey({ workspaceSlug });
  const refresh = () => queryClient.invalidateQueries({ queryKey: listKey });

  const update = useMutation(trpc.webhook.update.mutationOptions({ onSuccess: async () => void (await refresh()) }));
  const rotate = useMutation(
    trpc.webhook.rotateSecret.mutationOptions({
      onSuccess: async ({ secret }) => {
        setConfirm(null);
        onSecret({ secret, kind: 'rotated', url: endpoint.url });
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.webhook.delete.mutationOptions({
      onSuccess: async () => {
        setConfirm(null);
        await refresh();
      },
    }),
  );
  const test = useMutation(
    trpc.webhook.testFire.mutationOptions({
      onSuccess: async () => {
        setNotice(t('actions.testSent'));
        setShowLog(true);
        await queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.queryKey() });
      },
    }),
  );
  const actionError = useServerMessage(test.error ?? (editing ? null : update.error));
  const rotateError = useServerMessage(rotate.error);
  const removeError = useServerMessage(remove.error);
  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <li className="min-w-0 rounded-lg border border-border bg-card p-4 shadow-sm" data-testid="webhook-endpoint">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-mono text-sm break-all" data-testid="webhook-endpoint-url">
            {endpoint.url}
          </p>
          {endpoint.description ? <p className="mt-0.5 text-sm text-muted-foreground">{endpoint.description}</p> : null}
        </div>
        <StatusBadge endpoint={endpoint} />
      </div>
      <ul className="mt-2 flex flex-wrap gap-1.5" aria-label={t('events.label', { count: endpoint.eventTypes.length })}>
        {endpoint.eventTypes.map((type) => (
          <li key={type} className="rounded bg-muted px-1.5 py-0.5 text-xs">
            {label(type)}
          </li>
        ))}
      </ul>
      {endpoint.status === 'disabled_failing' && endpoint.disabledAt ? (
        <Alert variant="error" className="mt-3">
          {t('status.disabledFailingHint', { date: date(endpoint.disabledAt) })}
        </Alert>
      ) : endpoint.failingSince ? (
        <p className="mt-2 text-xs text-destructive">{t('status.failingSince', { date: date(endpoint.failingSince) })}</p>
      ) : null}
      {endpoint.previousSecretExpiresAt ? <p className="mt-2 text-xs text-muted-foreground">{t('status.previousSecret', { date: date(endpoint.previousSecretExpiresAt) })}</p> : null}

      {editing ? (
        <div className="mt-4 border-t border-border pt-4">
          <h3 className="mb-3 text-sm font-semibold">{t('form.editTitle')}</h3>
          <EndpointForm
            mode="edit"
            initial={endpoint}
            pending={update.isPending}
            error={update.error}
            onCancel={() => {
              update.reset();
              setEditing(false);
            }}
            onSubmit={(values) =>
              update.mutate(
                { workspaceSlug, endpointId: endpoint.id, ...values },
                {
                  onSuccess: () => {
                    setEditing(false);
                    setNotice(t('actions.saved'));
                  },
                },
              )
            }
          />
        </div>
      ) : (
        <div className="mt-3 flex flex-wrap gap-2" role="group" aria-label={t('actions.menu', { url: endpoint.url })}>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => {
              setNotice(null);
              setEditing(true);
            }}
          >
            {t('actions.edit')}
          </Button>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={test.isPending}
            data-testid="webhook-test"
            onClick={() => {
              setNotice(null);
              test.mutate({ workspaceSlug, endpointId: endpoint.id });
            }}
          >
            {test.isPending ? t('actions.testing') : t('actions.test')}
          </Button>
          <Button type="button" variant="outline" size="sm" onClick={() => setConfirm('rotate')}>
            {t('actions.rotate')}
          </Button>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={update.isPending}
            onClick={() => {
              setNotice(null);
              update.mutate({ workspaceSlug, endpointId: endpoint.id, enabled: !endpoint.enabled });
            }}
          >
            {endpoint.enabled ? t('actions.disable') : t('actions.enable')}
          </Button>
          <Button type="button" variant="outline" size="sm" aria-expanded={showLog} data-testid="webhook-show-log" onClick={() => setShowLog((v) => !v)}>
            {showLog ? t('actions.hideDeliveries') : t('actions.deliveries')}
          </Button>
          <Button type="button" variant="ghost" size="sm" className="text-destructive" onClick={() => setConfirm('delete')}>
            {t('actions.delete')}
          </Button>
        </div>
      )}
      {notice ? (
        <Alert variant="success" className="mt-3">
          {notice}
        </Alert>
      ) : null}
      {actionError ? (
        <Alert variant="error" className="mt-3">
          {actionError}
        </Alert>
      ) : null}
      {showLog ? <DeliveryLog workspaceSlug={workspaceSlug} endpoint={endpoint} /> : null}

      <ConfirmDialog
        open={confirm === 'rotate'}
        title={t('rotate.title')}
        body={t('rotate.body')}
        confirm={t('rotate.confirm')}
        working={t('rotate.working')}
        pending={rotate.isPending}
        error={rotateError}
        testId="webhook-rotate-dialog"
        onCancel={() => setConfirm(null)}
        onConfirm={() => rotate.mutate({ workspaceSlug, endpointId: endpoint.id })}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title={t('delete.title')}
        body={t('delete.body', { url: endpoint.url })}
        confirm={t('delete.confirm')}
        working={t('delete.working')}
        pending={remove.isPending}
        destructive
        error={removeError}
        testId="webhook-delete-dialog"
        onCancel={() => setConfirm(null)}
        onConfirm={() => remove.mutate({ workspaceSlug, endpointId: endpoint.id })}
      />
    </li>
  );
}

// ─── The page's client part ─────────────────────────────────────────────────────────────────────

export function WebhookSettings({ workspaceSlug }: { workspaceSlug: string }) {
  const t = useTranslations('webhooks');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [formKey, setFormKey] = useState(0);
  const list = useQuery(trpc.webhook.list.queryOptions({ workspaceSlug }));
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: async ({ secret, endpoint }) => {
        setRevealed({ secret, kind: 'created', url: endpoint.url });
        setFormKey((k) => k + 1);
        await queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey({ workspaceSlug }) });
      },
    }),
  );

  return (
    <>
      <section aria-labelledby="webhook-create-heading" className="min-w-0 rounded-lg border border-border bg-card p-6 shadow-sm">
        <h2 id="webhook-create-heading" className="mb-4 font-semibold">
          {t('form.createTitle')}
        </h2>
        <EndpointForm
          key={formKey}
          mode="create"
          pending={create.isPending}
          error={create.error}
          onSubmit={(values) => {
            create.mutate({ workspaceSlug, ...values });
          }}
        />
      </section>
      <section aria-labelledby="webhook-list-heading" className="grid min-w-0 gap-3">
        <h2 id="webhook-list-heading" className="font-semibold">
          {t('listLabel')}
        </h2>
        {list.isPending ? (
          <Spinner label={tc('loading')} />
        ) : list.isError ? (
          <LoadError message={t('loadError')} onRetry={() => void list.refetch()} />
        ) : list.data.length === 0 ? (
          <p className="rounded-lg border border-dashed border-border p-6 text-center text-sm text-muted-foreground">{t('empty')}</p>
        ) : (
          <ul className="grid min-w-0 gap-3" data-testid="webhook-endpoints">
            {list.data.map((endpoint) => (
              <EndpointCard key={endpoint.id} workspaceSlug={workspaceSlug} endpoint={endpoint} onSecret={setRevealed} />
            ))}
          </ul>
        )}
      </section>
      <SecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
    </>
  );
}
