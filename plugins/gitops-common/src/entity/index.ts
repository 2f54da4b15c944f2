export * from './annotations';
export * from './workspaceTemplate';
