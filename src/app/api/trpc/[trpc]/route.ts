import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext, isSecureRequest, parseCookies, type CookieJar } from '@/server/api/trpc';

/** Cookies read from the request, written as Set-Cookie headers on the response. */
function cookieJar(req: Request, resHeaders: Headers, secure: boolean): CookieJar {
  const incoming = parseCookies(req.headers.get('cookie'));
  const serialise = (name: string, value: string, attrs: string[]) =>
    [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : []), ...attrs].join('; ');
  return {
    get: (name) => incoming.get(name),
    set: (name, value, options) =>
      resHeaders.append(
        'set-cookie',
        serialise(name, value, [
          ...(options.expires ? [`Expires=${options.expires.toUTCString()}`] : []),
          ...(options.maxAge !== undefined ? [`Max-Age=${options.maxAge}`] : []),
        ]),
      ),
    delete: (name) => resHeaders.append('set-cookie', serialise(name, '', ['Max-Age=0'])),
  };
}

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => {
      const secure = isSecureRequest(req.headers, req.url);
      return createContext({ headers: req.headers, cookies: cookieJar(req, resHeaders, secure), secure });
    },
  });

export { handler as GET, handler as POST };
