/** The frame every Kanso mail shares: preview line, heading, body, one call to action, footer. */
import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

const styles = {
  body: { backgroundColor: '#f6f7f9', fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif' },
  container: { backgroundColor: '#ffffff', margin: '32px auto', padding: '32px', maxWidth: '520px', borderRadius: '8px', border: '1px solid #e5e7eb' },
  brand: { fontSize: '14px', fontWeight: 700, letterSpacing: '0.08em', color: '#111827', margin: '0 0 24px' },
  heading: { fontSize: '22px', lineHeight: '30px', color: '#111827', margin: '0 0 16px' },
  text: { fontSize: '15px', lineHeight: '24px', color: '#374151', margin: '0 0 16px' },
  button: { backgroundColor: '#111827', color: '#ffffff', borderRadius: '6px', padding: '12px 20px', fontSize: '15px', fontWeight: 600, textDecoration: 'none', display: 'inline-block' },
  small: { fontSize: '13px', lineHeight: '20px', color: '#6b7280', margin: '0 0 8px' },
  link: { color: '#2563eb', wordBreak: 'break-all' as const },
  hr: { borderColor: '#e5e7eb', margin: '24px 0' },
};

export interface EmailLayoutProps {
  lang: string;
  appName: string;
  preview: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** "If the button does not work, copy this link:" shown with the action's URL. */
  linkFallback?: string;
  notes?: string[];
  footer: string;
  children?: ReactNode;
}

export function EmailLayout({ lang, appName, preview, heading, paragraphs, action, linkFallback, notes = [], footer, children }: EmailLayoutProps) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{appName.toUpperCase()}</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {paragraphs.map((p) => (
            <Text key={p} style={styles.text}>
              {p}
            </Text>
          ))}
          {action ? (
            <Section style={{ margin: '24px 0' }}>
              <Button href={action.url} style={styles.button}>
                {action.label}
              </Button>
            </Section>
          ) : null}
          {children}
          {action && linkFallback ? (
            <>
              <Text style={styles.small}>{linkFallback}</Text>
              <Text style={styles.small}>
                <Link href={action.url} style={styles.link}>
                  {action.url}
                </Link>
              </Text>
            </>
          ) : null}
          {notes.map((n) => (
            <Text key={n} style={styles.small}>
              {n}
            </Text>
          ))}
          <Hr style={styles.hr} />
          <Text style={styles.small}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
