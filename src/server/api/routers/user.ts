import { z } from 'zod';
import { isLocale, locales, routing } from '@/i18n/routing';
import { setUserLocale } from '@/server/users/user-service';
import { authedProcedure, publicProcedure, router } from '../trpc';

const me = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable(),
  locale: z.enum(locales),
  emailVerified: z.boolean(),
});

export const userRouter = router({
  /** The signed-in user, or null. */
  me: publicProcedure
    .input(z.void())
    .output(me.nullable())
    .query(({ ctx }) => {
      const user = ctx.session?.user;
      if (!user) return null;
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        locale: isLocale(user.locale) ? user.locale : routing.defaultLocale,
        emailVerified: user.emailVerified !== null,
      };
    }),

  /** Persists the UI language on the account (I18N-1). */
  setLocale: authedProcedure
    .input(z.object({ locale: z.enum(locales) }))
    .output(z.object({ locale: z.enum(locales) }))
    .mutation(async ({ ctx, input }) => {
      await setUserLocale(ctx.db, ctx.user.id, input.locale);
      return { locale: input.locale };
    }),
});
