// Shared Jest settings for every project. Tests are transpiled by SWC (much faster than
// ts-jest); decorator metadata stays on because NestJS resolves constructor injection from it.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const workspaceRoot = __dirname;
const escapeRegExp = (text) => text.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${escapeRegExp(alias)}$`,
    path.join(workspaceRoot, target),
  ]),
);

const { swcOptions } = require('./tools/build/swc-options.cjs');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcOptions] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/**/*.(spec|int-spec|e2e-spec).ts'],
  // Anchored at the workspace: a checkout may itself live under a /tmp/ folder.
  testPathIgnorePatterns: ['/node_modules/', ...['dist', 'tmp'].map((dir) => `^${escapeRegExp(path.join(workspaceRoot, dir))}/`)],
  setupFiles: ['reflect-metadata'],
};
