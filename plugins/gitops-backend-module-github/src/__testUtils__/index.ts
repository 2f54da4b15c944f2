export * from './fakeGithub';
