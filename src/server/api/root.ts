/** The appRouter: one sub-router per domain. */
import { createCallerFactory, router } from './trpc';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { userRouter } from './routers/user';
import { workspaceRouter } from './routers/workspace';

export const appRouter = router({
  audit: auditRouter,
  auth: authRouter,
  user: userRouter,
  workspace: workspaceRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
