/** The appRouter: one sub-router per domain. */
import { createCallerFactory, router } from './trpc';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { commentRouter } from './routers/comment';
import { invitationRouter } from './routers/invitation';
import { memberRouter } from './routers/member';
import { notificationRouter } from './routers/notification';
import { projectRouter } from './routers/project';
import { taskRouter } from './routers/task';
import { realtimeRouter } from './routers/realtime';
import { userRouter } from './routers/user';
import { webhookRouter } from './routers/webhook';
import { workspaceRouter } from './routers/workspace';

export const appRouter = router({
  audit: auditRouter,
  auth: authRouter,
  comment: commentRouter,
  invitation: invitationRouter,
  member: memberRouter,
  notification: notificationRouter,
  project: projectRouter,
  task: taskRouter,
  realtime: realtimeRouter,
  user: userRouter,
  webhook: webhookRouter,
  workspace: workspaceRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
