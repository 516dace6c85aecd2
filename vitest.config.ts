import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/longest-first.js';

/**
 * Test files run in parallel: most of an end-to-end file's time is spent waiting on its own
 * Azurite, emulator and Functions host, so a worker per core leaves the cores idle. Vitest's
 * default (cores - 1) is one worker on a 2-core machine. WEQS_TEST_WORKERS overrides the count.
 */
const workers = Number(process.env.WEQS_TEST_WORKERS ?? 3);

/**
 * Unit test files share nothing but imports: no environment changes, no module-level state.
 * Running them in one module graph per worker saves most of their time, which is spent importing
 * zod, the Graph SDK and pino again for every file. Left out: test/unit/functions, which registers
 * functions with @azure/functions' module-level app (twice in one graph fails), and the emulator
 * conformance files, one of which failed in a shared graph (a $batch folder clash answered 201, not
 * investigated). Everything that starts a host, a CLI or Azurite keeps its own process too.
 */
const sharedImports = ['test/unit/*.test.ts', 'test/unit/!(functions)/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: sharedImports, isolate: false } },
      // Every other file, so that a new folder can never fall outside both projects.
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: sharedImports } },
    ],
    // Forked workers inherit NODE_EXTRA_CA_CERTS from the global setup, which is how every
    // process in a test run trusts the emulator's certificate.
    pool: 'forks',
    maxWorkers: workers,
    sequence: { sequencer: LongestFirstSequencer },
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
