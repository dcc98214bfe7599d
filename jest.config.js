/**
 * Unit tests live beside the code (src/**\/*.spec.ts); tests that boot real parts live in test/.
 *
 * NestJS 12 ships as ES modules. Jest's CommonJS runtime can require them from Node 24.9 on; on
 * older lines Jest compiles @nestjs/* to CommonJS with Babel (import.meta included) first.
 */
const [major, minor] = process.versions.node.split('.').map(Number);
const jestRequiresEsm = major > 24 || (major === 24 && minor >= 9);

const nestToCommonJs = [
  'babel-jest',
  {
    babelrc: false,
    configFile: false,
    plugins: [
      require.resolve('./test/support/babel-drop-create-require.js'),
      'babel-plugin-transform-import-meta',
      '@babel/plugin-transform-dynamic-import',
      '@babel/plugin-transform-modules-commonjs',
    ],
  },
];

const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  // The build output holds a copy of package.json, which Jest would take for a second module.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testEnvironment: 'node',
  transform: jestRequiresEsm
    ? { '^.+\\.ts$': 'ts-jest' }
    : { '^.+\\.ts$': 'ts-jest', '/node_modules/@nestjs/.+\\.js$': nestToCommonJs },
  transformIgnorePatterns: jestRequiresEsm ? ['/node_modules/'] : ['/node_modules/(?!@nestjs/)'],
};

module.exports = {
  // End-to-end tests start servers; Jest's 5 s default fails them on a loaded two-core machine.
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
