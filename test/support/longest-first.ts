import { relative, sep } from 'node:path';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * Seconds the slowest files took in a full `npm test` on the 2-core machine (three workers,
 * December 2026). Only the order matters: a file that takes minutes must start first, or one
 * worker ends the run alone on it while the others sit idle. Refresh the figures when a file's
 * running time changes a lot; a file not listed is estimated from its folder.
 */
const measuredSeconds: Readonly<Record<string, number>> = {
  'test/e2e/resilience.test.ts': 72,
  'test/e2e/chaos.test.ts': 59,
  'test/e2e/review-year.test.ts': 54,
  'test/e2e/hostile-identity-corpus.test.ts': 36,
  'test/e2e/request-pipeline.test.ts': 25,
  'test/e2e/hostile-mail-corpus.test.ts': 19,
  'test/browser/console.test.ts': 19,
  'test/integration/cli-errors.test.ts': 17,
  'test/e2e/alternative-readings.test.ts': 15,
  'test/integration/host-startup.test.ts': 14,
  'test/e2e/hostile-mail.test.ts': 12,
  'test/integration/send-once.test.ts': 10,
  'test/e2e/reviews-paused.test.ts': 8,
  'test/e2e/inbound-notification.test.ts': 6,
};

/** Files that start a stack or a child process take seconds; unit tests take milliseconds. */
const folderSeconds: readonly (readonly [string, number])[] = [
  ['test/e2e/', 10],
  ['test/browser/', 10],
  ['test/integration/', 3],
  ['test/infra/', 3],
  ['test/emulator/', 1],
];

export function expectedSeconds(path: string): number {
  return measuredSeconds[path] ?? folderSeconds.find(([folder]) => path.startsWith(folder))?.[1] ?? 0.5;
}

/**
 * Starts the longest files first, so the workers finish together. Vitest's own order uses the
 * durations it cached from earlier runs, which a CI clone never has: it would fall back to file
 * size and could leave a two-minute file for last.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const pathOf = (spec: TestSpecification): string => relative(this.ctx.config.root, spec.moduleId).split(sep).join('/');
    return Promise.resolve([...files].sort((a, b) => expectedSeconds(pathOf(b)) - expectedSeconds(pathOf(a)) || pathOf(a).localeCompare(pathOf(b))));
  }
}
