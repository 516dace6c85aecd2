import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ensureDevCertificates, trustBundle } from '../emulator/tls.js';
import { startStack } from '../test/support/stack.js';
import { chaosStackOptions, faultKinds, runChaos } from './campaign.js';
import type { ChaosReport } from './campaign.js';

/**
 * `npm run chaos -- --runs N`: seeded chaos runs against the whole local system (Azurite behind a
 * fault proxy, the emulator, the Functions host in its own process, the review jobs). Prints
 * figures per run and in total, with the wall time; on a broken invariant, the seed and the fault
 * schedule to replay it. Not a test: it measures.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    emails: { type: 'string', default: '100' },
    rate: { type: 'string', default: '0.15' },
    'storage-rate': { type: 'string', default: '0.05' },
    'webhook-rate': { type: 'string', default: '0.15' },
    'lost-notifications': { type: 'string', default: '0.05' },
    'duplicate-notifications': { type: 'string', default: '0.1' },
    'no-crash': { type: 'boolean', default: false },
    'no-review': { type: 'boolean', default: false },
    'review-applications': { type: 'string', default: '20' },
    'converge-seconds': { type: 'string', default: '300' },
  },
});

// The in-process review jobs call the emulator over HTTPS: Node reads its extra CAs only at start.
const certificates = await ensureDevCertificates();
if (process.env.WEQS_CHAOS_TRUSTS_EMULATOR !== '1') {
  const bundle = await trustBundle(certificates);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, WEQS_CHAOS_TRUSTS_EMULATOR: '1' } });
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
  process.exit(code);
}

const runs = Number(values.runs);
const firstSeed = Number(values.seed);
const started = Date.now();
const minutes = (ms: number): string => (ms / 60_000).toFixed(1);
console.log(
  `weqs chaos campaign — node ${process.version}, ${new Date().toISOString()}: ${runs} runs of ${values.emails} emails; ` +
    `faults: ${Number(values.rate) * 100} % of Graph writes, ${Number(values['storage-rate']) * 100} % of storage writes, ${Number(values['webhook-rate']) * 100} % of Teams webhook posts; ` +
    `review jobs ${values['no-review'] ? 'off' : 'on'}`,
);
const stack = await startStack(chaosStackOptions);
console.log(`stack started in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const reports: ChaosReport[] = [];
const nonZero = (faults: ChaosReport['faults']): string => faultKinds.filter((kind) => faults[kind] > 0).map((kind) => `${kind} ${faults[kind]}`).join(', ');
try {
  for (let index = 0; index < runs; index += 1) {
    const seed = firstSeed + index;
    const report = await runChaos(stack, {
      seed,
      emails: Number(values.emails),
      writeFaultRate: Number(values.rate),
      storageFaultRate: Number(values['storage-rate']),
      webhookFaultRate: Number(values['webhook-rate']),
      crash: !values['no-crash'],
      lostNotificationRate: Number(values['lost-notifications']),
      duplicateNotificationRate: Number(values['duplicate-notifications']),
      reviewJobs: !values['no-review'],
      reviewApplications: Number(values['review-applications']),
      convergeTimeoutMs: Number(values['converge-seconds']) * 1000,
      progress: (line) => console.log(line),
    });
    reports.push(report);
    const review = report.review ? `; review: ${report.review.applications} applications (${report.review.decided} decided), ${report.review.sentEmails}/${report.review.expectedEmails} emails, ${report.review.jobRuns} job runs, converged in ${(report.review.convergeMs / 1000).toFixed(1)} s` : '';
    console.log(
      `seed ${seed}: ${report.emails} emails; faults: ${nonZero(report.faults)}; crashes ${report.crashes}; notifications dropped ${report.droppedNotifications}, duplicated ${report.duplicatedNotifications}; ` +
        `emails sent ${report.intents.emails}; duplicates ${report.duplicates}; losses ${report.losses}; staff card repeats ${report.staffCardRepeats}; requests converged in ${(report.convergeMs / 1000).toFixed(1)} s${review}; wall ${minutes(report.wallMs)} min`,
    );
    if (report.problems.length > 0) {
      console.log(`  INVARIANTS BROKEN (replay with --seed ${seed} --runs 1 and the same options):\n    ${report.problems.slice(0, 20).join('\n    ')}`);
      console.log(`  schedule: ${JSON.stringify(report.schedule)}`);
    }
  }
} finally {
  await stack.stop();
}
const total = (pick: (report: ChaosReport) => number): number => reports.reduce((sum, report) => sum + pick(report), 0);
const totals = Object.fromEntries(faultKinds.map((kind) => [kind, total((report) => report.faults[kind])])) as ChaosReport['faults'];
console.log(`\ntotal: ${reports.length} runs, ${total((report) => report.emails)} email-runs, ${total((report) => report.intents.emails)} emails sent, in ${minutes(Date.now() - started)} min (wall time, stack start included)`);
console.log(`faults injected: ${nonZero(totals)}; crashes ${total((report) => report.crashes)}; notifications dropped ${total((report) => report.droppedNotifications)}, duplicated ${total((report) => report.duplicatedNotifications)}`);
console.log(`duplicates ${total((report) => report.duplicates)}, losses ${total((report) => report.losses)}, staff card repeats ${total((report) => report.staffCardRepeats)}; runs with broken invariants ${reports.filter((report) => report.problems.length > 0).length}`);
console.log(`convergence max: requests ${(Math.max(0, ...reports.map((report) => report.convergeMs)) / 1000).toFixed(1)} s, review jobs ${(Math.max(0, ...reports.map((report) => report.review?.convergeMs ?? 0)) / 1000).toFixed(1)} s`);
process.exitCode = reports.some((report) => report.problems.length > 0) ? 1 : 0;
