export * from './localRepository';
export * from '../testing/gitCli';
