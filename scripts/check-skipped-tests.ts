/**
 * Reads a vitest JSON report and fails unless every test ran, except the two layers a checkout may
 * skip because they need ../shared beside it: tests over the full NHS ODS files
 * (test/support/nhs-reference.ts) and the check of the shipped page excerpt against the standard's
 * page (test/support/shared-seeds.ts).
 *
 *   npx tsx scripts/check-skipped-tests.ts report.json
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const fullOdsLayerTitle = 'full NHS ODS files';
const seedsLayerTitle = 'standard page in ../shared/seeds';
const inSharedLayer = (title: string): boolean => title.includes(fullOdsLayerTitle) || title.includes(seedsLayerTitle);

const report = z.object({
  numTotalTests: z.number(),
  numFailedTests: z.number(),
  testResults: z.array(
    z.object({
      name: z.string(),
      assertionResults: z.array(z.object({ fullName: z.string(), status: z.string() })),
    }),
  ),
});

const path = process.argv[2];
if (!path) throw new Error('usage: check-skipped-tests <vitest json report>');
const parsed = report.parse(JSON.parse(readFileSync(path, 'utf8')));
const notRun = parsed.testResults.flatMap((file) =>
  file.assertionResults.filter((test) => test.status !== 'passed' && test.status !== 'failed').map((test) => ({ file: file.name, ...test })),
);
const shared = notRun.filter((test) => inSharedLayer(test.fullName));
const unexpected = notRun.filter((test) => !inSharedLayer(test.fullName));

console.log(`${parsed.numTotalTests} tests, ${parsed.numFailedTests} failed, ${notRun.length} not run: ${shared.length} in the layers that need ../shared (not here), ${unexpected.length} others.`);
for (const test of unexpected) console.log(`  not run (${test.status}): ${test.fullName}  [${test.file}]`);
if (parsed.numFailedTests > 0 || unexpected.length > 0) process.exit(1);
