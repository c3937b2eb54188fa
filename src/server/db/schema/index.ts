export * from './auth';
export * from './workspaces';
export * from './mail';
export * from './teams';
export * from './boards';
export * from './platform';
export * from './lockouts';
export * from './jobs';
