/**
 * Renders a catalog mail (HTML + plain text) ready for `sendMail`. Loaded on the first mail the
 * worker renders (./index.ts): React Email and its components take ≈ 0.3 s to load.
 */
import { render } from '@react-email/render';
import { createElement } from 'react';
import { composeMail, type MailData, type MailKind } from './catalog';
import { Notice } from './notice';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export async function renderMail<K extends MailKind>(kind: K, data: MailData[K]): Promise<RenderedMail> {
  const content = composeMail(kind, data);
  const element = createElement(Notice, content);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: content.subject, html, text };
}
