import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forked workers inherit NODE_EXTRA_CA_CERTS from the global setup, which is how every
    // process in a test run trusts the emulator's certificate.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // In-process code logs nothing; the Functions host child processes log JSON that tests read.
    env: { WEQS_LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'functions/**/*.ts'],
      thresholds: { lines: 80, functions: 80, branches: 70, statements: 80 },
    },
  },
});
