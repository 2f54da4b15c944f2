export * from './actors';
export * from './providerModules';
export * from './testDatabaseIds';
