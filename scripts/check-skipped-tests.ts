/**
 * Reads a vitest JSON report and fails unless every test ran, except the one layer a checkout may
 * skip: tests over the full NHS ODS files (test/support/nhs-reference.ts), which need
 * ../shared/nhs-reference-data beside the checkout.
 *
 *   npx tsx scripts/check-skipped-tests.ts report.json
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const fullOdsLayerTitle = 'full NHS ODS files';

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
const fullOds = notRun.filter((test) => test.fullName.includes(fullOdsLayerTitle));
const unexpected = notRun.filter((test) => !test.fullName.includes(fullOdsLayerTitle));

console.log(`${parsed.numTotalTests} tests, ${parsed.numFailedTests} failed, ${notRun.length} not run: ${fullOds.length} in the full NHS ODS layer (no ../shared here), ${unexpected.length} others.`);
for (const test of unexpected) console.log(`  not run (${test.status}): ${test.fullName}  [${test.file}]`);
if (parsed.numFailedTests > 0 || unexpected.length > 0) process.exit(1);
