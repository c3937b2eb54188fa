import { getRequestConfig } from 'next-intl/server';
import { messagesFor } from './messages';
import { isLocale, routing } from './routing';

export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = isLocale(requested) ? requested : routing.defaultLocale;
  // One `now` per request, handed to the client provider too: relative times ("last seen 2 minutes
  // ago") render the same text on the server and in hydration (React error #418 otherwise).
  return { locale, messages: messagesFor(locale), timeZone: 'UTC', now: new Date() };
});
