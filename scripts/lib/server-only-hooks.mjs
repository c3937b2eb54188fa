// Module hooks for processes that load server modules outside Next (the web process's direct API path,
// the benches): `server-only` resolves to its empty module (this IS a server
// process) without the react-server condition, which would break React-dependent imports.
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') {
    return { url: new URL('../../node_modules/server-only/empty.js', import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
