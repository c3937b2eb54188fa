import Link from 'next/link';

// Requests outside any locale (e.g. /xx/unknown) land here; they have no translations yet.
export default function GlobalNotFound() {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui', padding: '4rem', textAlign: 'center' }}>
        <h1>404</h1>
        <p>
          <Link href="/">Kanso</Link>
        </p>
      </body>
    </html>
  );
}
