import type { ReactNode } from 'react';
import './globals.css';

// The real root layout is src/app/[locale]/layout.tsx (it owns <html lang>).
export default function RootLayout({ children }: { children: ReactNode }) {
  return children;
}
