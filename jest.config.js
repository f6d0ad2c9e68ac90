// Root Jest config: every project, one run. The global setup starts the shared test
// environment (redis-server and the Kafka-protocol test broker) once for all suites and the
// teardown stops it, also when tests fail.
const fs = require('node:fs');
const path = require('node:path');

const projectDirs = ['apps', 'libs', 'tools', 'tests']
  .flatMap((dir) => fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name)))
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.js')));

module.exports = {
  projects: projectDirs.map((dir) => `<rootDir>/${dir}`),
  globalSetup: '<rootDir>/tools/test-env/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/tools/test-env/src/jest-global-teardown.ts',
  testTimeout: 30000,
};
