// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's modules that reach outside the process (files, network, processes, timers). */
const ioModules = ['fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises', 'child_process', 'cluster', 'worker_threads', 'timers', 'timers/promises', 'readline', 'inspector'];

/** Modules under src/domain are pure: no I/O libraries and no adapters. */
const domainForbiddenImports = {
  paths: ['pino', ...ioModules.flatMap((name) => [`node:${name}`, name])].map((name) => ({ name, message: 'src/domain is pure logic: keep I/O in adapters and workflows.' })),
  patterns: [
    { group: ['@azure/*', '@microsoft/*', 'nodemailer', 'nodemailer/*', 'docx', 'pdf-lib'], message: 'src/domain may not depend on SDKs or document and mail libraries.' },
    {
      group: ['**/graph/**', '**/storage/**', '**/teams/**', '**/mail/**', '**/documents/**', '**/resilience/**', '**/cli/**', '**/workflows/**', '**/runtime*', '**/config*', '**/logging*'],
      message: 'src/domain may not import adapters, workflows, runtime wiring or anything that does I/O.',
    },
  ],
};

/**
 * Workflows depend on ports (src/ports), named after what they need; adapters implement them and
 * src/runtime.ts wires them. Not even types cross: SharePoint's `fields`, OData filters and storage
 * records stay on the adapters' side.
 */
const workflowForbiddenImports = {
  patterns: [
    { group: ['**/graph/**', '**/storage/**', '**/teams/**', '**/mail/**'], message: 'Workflows use ports (src/ports), not adapters: add or extend a port, implement it in the adapter, wire it in src/runtime.ts.' },
    { group: ['@azure/*', '@microsoft/*'], message: 'Workflows may not depend on SDKs: that is an adapter\'s job.' },
    { group: ['**/runtime*'], message: 'Workflows are given their ports; only functions read the runtime.' },
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
  {
    // Type-aware: a promise nobody awaits loses its error and its ordering. Every .ts file is in
    // tsconfig.json, so the project service finds its program without a per-file list.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  { files: ['src/domain/**/*.ts'], rules: { 'no-restricted-imports': ['error', domainForbiddenImports] } },
  { files: ['src/workflows/**/*.ts'], rules: { 'no-restricted-imports': ['error', workflowForbiddenImports] } },
  {
    // Command-line tools and tests talk to people on the console.
    files: ['dev/**', 'bench/**', 'chaos/**', 'scripts/**', 'emulator/cli.ts', 'test/**', 'src/cli/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
