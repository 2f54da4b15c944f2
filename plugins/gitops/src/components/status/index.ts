export * from './ChangeStatus';
export * from './describe';
