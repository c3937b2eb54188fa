/** The appRouter: one sub-router per domain. */
import { createCallerFactory, router } from './trpc';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { invitationRouter } from './routers/invitation';
import { memberRouter } from './routers/member';
import { userRouter } from './routers/user';
import { workspaceRouter } from './routers/workspace';

export const appRouter = router({
  audit: auditRouter,
  auth: authRouter,
  invitation: invitationRouter,
  member: memberRouter,
  user: userRouter,
  workspace: workspaceRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
