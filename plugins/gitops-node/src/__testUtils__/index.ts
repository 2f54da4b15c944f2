export * from './actors';
