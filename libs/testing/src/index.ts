export * from './test-database';
export * from './test-app';
export * from './fixtures';
export * from './test-clock';
