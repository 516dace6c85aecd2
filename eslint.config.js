// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules under src/domain are pure: no I/O libraries and no adapters. */
const domainForbiddenImports = {
  paths: ['pino', 'node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net', 'node:child_process'].map(
    (name) => ({ name, message: 'src/domain is pure logic: keep I/O in adapters and workflows.' }),
  ),
  patterns: [
    { group: ['@azure/*', '@microsoft/*'], message: 'src/domain may not depend on SDKs.' },
    {
      group: ['**/graph/**', '**/storage/**', '**/teams/**', '**/workflows/**', '**/runtime*', '**/config*', '**/logging*'],
      message: 'src/domain may not import adapters, workflows or runtime wiring.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.weqs/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['src/domain/**/*.ts'], rules: { 'no-restricted-imports': ['error', domainForbiddenImports] } },
  {
    // Command-line tools and tests talk to people on the console.
    files: ['dev/**', 'bench/**', 'chaos/**', 'scripts/**', 'emulator/cli.ts', 'test/**', 'src/cli/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
