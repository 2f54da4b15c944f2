export * from './actors';
export * from './providerModules';
