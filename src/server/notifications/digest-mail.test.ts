import { describe, expect, it } from 'vitest';
import { renderDigestMail } from './digest-mail';

const item = (taskTitle: string) => ({ kind: 'commented' as const, actorName: 'Ann <b>', taskTitle, workspaceName: 'Acme & Co', url: 'https://kanso.test/en/w/acme/p/1?task=2', createdAt: new Date() });

describe('the digest mail', () => {
  it('escapes what users wrote (task titles, names) in the HTML part', () => {
    const mail = renderDigestMail({ locale: 'en', recipientName: '"Bob"', items: [item('<script>alert(1)</script>')], more: 0, inboxUrl: 'https://kanso.test/en/notifications', settingsUrl: 'https://kanso.test/en/account/notifications' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Ann &lt;b&gt;');
    expect(mail.html).toContain('Acme &amp; Co');
    expect(mail.text).toContain('Ann <b> commented on “<script>alert(1)</script>”');
    expect(mail.subject).toBe('1 unread notification on Kanso');
  });

  it('counts the ones beyond the list', () => {
    const mail = renderDigestMail({ locale: 'de', recipientName: null, items: [item('A'), item('B')], more: 3, inboxUrl: 'https://x', settingsUrl: 'https://y' });
    expect(mail.subject).toBe('5 ungelesene Benachrichtigungen bei Kanso');
    expect(mail.text).toContain('…und 3 weitere.');
  });
});
