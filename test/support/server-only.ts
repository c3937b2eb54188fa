// Stand-in for the `server-only` package in tests (vitest.config.ts aliases it here): the real one
// throws unless imported under the React Server Components condition. Tests are server-side anyway.
export {};
