/**
 * The job worker runs with `--conditions=react-server` (package.json start:worker): React's client
 * API and react-dom/server are absent there. Everything the task list pulls in — the webhook
 * delivery and its mail included — must load under that condition, or the worker does not start.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the worker task list', () => {
  it('loads under --conditions=react-server (as the worker process runs)', () => {
    const script = `import('./src/server/jobs/task-list.ts').then((m) => { m.registerConsumers(); console.log('tasks=' + m.TASKS.map((t) => t.name).join(',')); })`;
    const run = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('webhook.deliver');
  });

  it('the operator commands load as the CLI runs them (tsx, no react-server condition: no server-only module)', () => {
    const script = `import('./src/server/webhooks/webhook-operations.ts').then((m) => console.log(typeof m.retryDeadDelivery))`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.trim()).toBe('function');
  });

  it('renders the endpoint-disabled mail there, localised', () => {
    const script = `import('./src/server/webhooks/endpoint-disabled-mail.ts').then((m) => { const r = m.renderEndpointDisabledMail({ locale: 'de', workspaceName: 'A<b>', endpointHost: 'hooks.example.com', hours: 72, url: 'http://localhost/de/w/a/settings/webhooks' }); console.log(JSON.stringify(r)); })`;
    const run = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const mail = JSON.parse(run.stdout) as { subject: string; html: string; text: string };
    expect(mail.subject).toBe('Webhook-Endpunkt in A<b> deaktiviert');
    expect(mail.html).toContain('A&#60;b&#62;');
    expect(mail.html).not.toContain('A<b>');
    expect(mail.text).toContain('hooks.example.com');
    expect(mail.text).toContain('72 Stunden');
  });
});
