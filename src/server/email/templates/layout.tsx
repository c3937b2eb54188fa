/** The frame every Kanso mail shares: language, preview line, brand, body, footer. */
import { Body, Container, Head, Hr, Html, Preview, Text } from '@react-email/components';
import type { ReactNode } from 'react';

export const mailStyles = {
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
  footer: string;
  children: ReactNode;
}

export function EmailLayout({ lang, appName, preview, footer, children }: EmailLayoutProps) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={mailStyles.body}>
        <Container style={mailStyles.container}>
          <Text style={mailStyles.brand}>{appName.toUpperCase()}</Text>
          {children}
          <Hr style={mailStyles.hr} />
          <Text style={mailStyles.small}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
