import { parseArgs } from 'node:util';
import { startStack } from '../test/support/stack.js';
import { runChaos } from './campaign.js';
import type { ChaosReport, FaultKind } from './campaign.js';

/**
 * `npm run chaos -- --runs N`: seeded chaos runs against the whole local system (Azurite, the
 * emulator, the Functions host in its own process). Prints figures per run and in total; on a
 * broken invariant, the seed and the fault schedule to replay it. Not a test: it measures.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    emails: { type: 'string', default: '100' },
    rate: { type: 'string', default: '0.15' },
    'lost-notifications': { type: 'string', default: '0.05' },
    'no-crash': { type: 'boolean', default: false },
    'converge-seconds': { type: 'string', default: '300' },
  },
});

const runs = Number(values.runs);
const firstSeed = Number(values.seed);
const started = Date.now();
console.log(`weqs chaos campaign — node ${process.version}, ${new Date().toISOString()}: ${runs} runs of ${values.emails} emails, ${Number(values.rate) * 100} % write faults`);
const stack = await startStack({ directory: 'sample', leaseMs: 2000, retryDelayMs: 500 });
const reports: ChaosReport[] = [];
try {
  for (let index = 0; index < runs; index += 1) {
    const seed = firstSeed + index;
    const report = await runChaos(stack, {
      seed,
      emails: Number(values.emails),
      writeFaultRate: Number(values.rate),
      crash: !values['no-crash'],
      lostNotificationRate: Number(values['lost-notifications']),
      convergeTimeoutMs: Number(values['converge-seconds']) * 1000,
    });
    reports.push(report);
    const faults = Object.entries(report.faults).map(([kind, count]) => `${kind} ${count}`).join(', ');
    console.log(`seed ${seed}: ${report.emails} emails; faults: ${faults}; crashes ${report.crashes}; notifications dropped ${report.droppedNotifications}; duplicates ${report.duplicates}; losses ${report.losses}; converged in ${(report.convergeMs / 1000).toFixed(1)} s`);
    if (report.problems.length > 0) {
      console.log(`  INVARIANTS BROKEN (replay with --seed ${seed} --runs 1):\n    ${report.problems.slice(0, 20).join('\n    ')}`);
      console.log(`  schedule: ${JSON.stringify(report.schedule)}`);
    }
  }
} finally {
  await stack.stop();
}
const total = (pick: (report: ChaosReport) => number): number => reports.reduce((sum, report) => sum + pick(report), 0);
const kinds = Object.keys(reports[0]?.faults ?? {}) as FaultKind[];
console.log(`\ntotal: ${reports.length} runs, ${total((report) => report.emails)} email-runs in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
console.log(`faults injected: ${kinds.map((kind) => `${kind} ${total((report) => report.faults[kind])}`).join(', ')}; crashes ${total((report) => report.crashes)}; notifications dropped ${total((report) => report.droppedNotifications)}`);
console.log(`duplicates ${total((report) => report.duplicates)}, losses ${total((report) => report.losses)}; convergence max ${(Math.max(...reports.map((report) => report.convergeMs)) / 1000).toFixed(1)} s`);
process.exitCode = reports.some((report) => report.problems.length > 0) ? 1 : 0;
