/**
 * The one mail template (JOBS-4): a notice driven by data (./catalog.ts) — heading, paragraphs, an
 * optional button with its link spelled out below it, notes, footer. No strings of its own.
 */
import { Button, Heading, Link, Section, Text } from '@react-email/components';
import type { NoticeContent } from './catalog';
import { EmailLayout, mailStyles } from './layout';

export function Notice({ lang, appName, preview, heading, paragraphs, action, linkFallback, notes = [], footer }: NoticeContent) {
  return (
    <EmailLayout lang={lang} appName={appName} preview={preview} footer={footer}>
      <Heading as="h1" style={mailStyles.heading}>
        {heading}
      </Heading>
      {paragraphs.map((p, i) =>
        typeof p === 'string' ? (
          <Text key={i} style={mailStyles.text}>
            {p}
          </Text>
        ) : (
          <Text key={i} style={mailStyles.text}>
            {p.text}{' '}
            <Link href={p.link.url} style={{ color: mailStyles.link.color }}>
              {p.link.label}
            </Link>
          </Text>
        ),
      )}
      {action ? (
        <Section style={{ margin: '24px 0' }}>
          <Button href={action.url} style={mailStyles.button}>
            {action.label}
          </Button>
        </Section>
      ) : null}
      {action && linkFallback ? (
        <>
          <Text style={mailStyles.small}>{linkFallback}</Text>
          <Text style={mailStyles.small}>
            <Link href={action.url} style={mailStyles.link}>
              {action.url}
            </Link>
          </Text>
        </>
      ) : null}
      {notes.map((n, i) => (
        <Text key={i} style={mailStyles.small}>
          {n}
        </Text>
      ))}
    </EmailLayout>
  );
}
