// Requests outside any locale (e.g. /xx/unknown) land here; they have no translations yet. A plain
// link (a full page load into the locale's pages): next/link here would add the router's link code to
// the first load of every page (this file is part of each page's tree; ADR 0016).
export default function GlobalNotFound() {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui', padding: '4rem', textAlign: 'center' }}>
        <h1>404</h1>
        <p>
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load on purpose, see above */}
          <a href="/">Kanso</a>
        </p>
      </body>
    </html>
  );
}
