/**
 * House rules as code (CONVENTIONS.md "The shape of the house"), checked by `npm run lint`
 * (`depcruise`). Type-only imports are free: they vanish at build time and carry no behaviour.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'ui-never-imports-the-database',
      comment: 'A page, layout or component never imports src/server/db: it asks a procedure (or a server helper) instead.',
      severity: 'error',
      from: { path: '^src/(components/|app/.*/(page|layout|loading|error|not-found|template|default)\\.tsx$)' },
      to: { path: '^src/server/db/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sql-only-under-src-server',
      comment: 'SQL (drizzle-orm, postgres.js) is written under src/server only; app, components and lib call into it.',
      severity: 'error',
      from: { path: '^src/(app|components|lib)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '(^|/)node_modules/(drizzle-orm|postgres)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'routers-call-services',
      comment: 'A tRPC router validates, checks permissions and calls a domain service; it never builds SQL or touches tables.',
      severity: 'error',
      from: { path: '^src/server/api/routers/', pathNot: '\\.test\\.ts$' },
      to: { path: ['(^|/)node_modules/(drizzle-orm|postgres)/', '^src/server/db/schema'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'services-never-read-the-request',
      comment: 'Domain services get what they need as arguments; they never read the HTTP request (next/headers, next/server) or the tRPC layer.',
      severity: 'error',
      // auth-config.ts is Auth.js's adapter (its callbacks run inside Auth.js's request handling), not a service.
      from: { path: '^src/server/(?!api/|platform/)[^/]+/', pathNot: ['\\.test\\.ts$', '^src/server/auth/auth-config\\.ts$'] },
      to: { path: ['(^|/)node_modules/next/(headers|server)', '^src/server/api/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'processes-import-src-server-never-the-reverse',
      comment: 'The sidecar and the worker import src/server; nothing under src imports them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(sidecar|worker)/' },
    },
    {
      name: 'client-code-never-imports-server-only-modules',
      comment: 'Components and isomorphic helpers do not pull server-only code into the browser (types are fine).',
      severity: 'error',
      from: { path: '^src/(components|lib)/', pathNot: ['\\.test\\.tsx?$', '^src/lib/session\\.ts$', '^src/lib/trpc/server\\.tsx$'] },
      to: { path: '^src/server/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.next|\\.data|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
