/** Unit specs sit next to the code; e2e tests in test/ run the real app on PostgreSQL and Redis. */
const moduleNameMapper = { '^@campus/(.*)$': '<rootDir>/libs/$1/src' };
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  // @fastify/static (served docs, console) requires content-disposition, which ships ESM only.
  'node_modules/content-disposition/.+\\.js$': [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!content-disposition/)'];

module.exports = {
  // A global option: Jest ignores testTimeout inside a project entry.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e-spec\\.ts$', '/apps/console/'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      slowTestThreshold: 20,
    },
  ],
};
