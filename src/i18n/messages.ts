/** Every locale's messages, loaded once; also used outside React (errors, emails). */
import { createTranslator } from 'use-intl/core';
import de from '../../messages/de.json';
import en from '../../messages/en.json';
import { isLocale, type Locale, routing } from './routing';

export type Messages = typeof en;
export const messages: Record<Locale, Messages> = { en, de };

export function messagesFor(locale: string): Messages {
  return messages[isLocale(locale) ? locale : routing.defaultLocale];
}

/** A translator for server code that runs outside a React render (errors, emails, jobs). */
export function translator(locale: string) {
  const safe = isLocale(locale) ? locale : routing.defaultLocale;
  return createTranslator({ locale: safe, messages: messages[safe] });
}
