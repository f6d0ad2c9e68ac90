import nx from '@nx/eslint-plugin';

/*
 * Module boundaries are enforced on tags from each project.json:
 *   type:contract (libs/events)   imports nothing of ours
 *   type:sdk      (client-sdk)    only the contract; scope:client never reaches server code
 *   type:server-shared            contract + other server-shared libs
 *   type:service  (libs/gateway, ingest, auth-bridge) never another service's lib
 *   type:app                      libs only, never another app
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/tmp', '**/coverage', '.nx/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contract'] },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:server-shared', onlyDependOnLibsWithTags: ['type:contract', 'type:server-shared', 'type:tool'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:contract', 'type:server-shared', 'type:tool'] },
            { sourceTag: 'service:gateway', notDependOnLibsWithTags: ['service:ingest', 'service:auth-bridge'] },
            { sourceTag: 'service:ingest', notDependOnLibsWithTags: ['service:gateway', 'service:auth-bridge'] },
            { sourceTag: 'service:auth-bridge', notDependOnLibsWithTags: ['service:gateway', 'service:ingest'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contract', 'type:server-shared', 'type:service', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contract', 'type:sdk', 'type:server-shared', 'type:service', 'type:tool'] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:contract', 'type:server-shared', 'type:service', 'type:tool'] },
          ],
        },
      ],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js', 'jest.config.js', '**/jest.config.js'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Config files and Jest's global setup/teardown must default-export by their tools' contracts.
    files: ['eslint.config.mjs', 'tools/test-env/src/jest-global-*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/jest.config.js', 'jest.preset.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
