import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../dev/local-settings.js';
import { buildDeploymentPackage } from '../scripts/bundle.js';

const run = promisify(execFile);

/** Milliseconds one fresh Node process takes to import `specifier` (the worker's module load). */
async function importMs(specifier: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, env: { ...process.env, WEQS_LOG_LEVEL: 'silent' } });
  return Number(stdout.trim().split('\n').pop());
}

/** Milliseconds to import `entry`, then `then` on top of it, in one fresh process (what a first invocation adds). */
async function importThenMs(entry: string, then: string): Promise<[number, number]> {
  const script = `let t = performance.now(); await import(${JSON.stringify(entry)}); const a = performance.now() - t; t = performance.now(); await import(${JSON.stringify(then)}); process.stdout.write(a + ' ' + (performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, env: { ...process.env, WEQS_LOG_LEVEL: 'silent' } });
  const [first = Number.NaN, second = Number.NaN] = (stdout.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return [first, second];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Module load of the deployment package (what the Functions worker imports at start-up) against a
 * bare `@azure/functions` import, alternating runs so machine load hits both alike. Target: within 2x.
 */
export async function coldStartScenario(runs = 7): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'weqs-cold-start-'));
  try {
    await buildDeploymentPackage(join(dir, 'deploy'));
    const bundle = join(dir, 'deploy', 'functions', 'index.js');
    const bundled: number[] = [];
    const bare: number[] = [];
    for (let index = 0; index < runs; index += 1) {
      bare.push(await importMs('@azure/functions'));
      bundled.push(await importMs(bundle));
    }
    // Handlers load on their first invocation: an email's handler is the heaviest (Graph, storage, docx).
    const chunks = join(dir, 'deploy', 'functions', 'chunks');
    const inbound = (await readdir(chunks)).find((file) => file.startsWith('process-inbound-message-'));
    const firstEmail: number[] = [];
    if (inbound) for (let index = 0; index < runs; index += 1) firstEmail.push((await importThenMs(bundle, join(chunks, inbound)))[1]);
    const ratio = median(bundled) / median(bare);
    console.log(`\n## cold start (module load, median of ${runs} fresh processes)`);
    console.log(`bare @azure/functions import: ${median(bare).toFixed(0)} ms`);
    console.log(`deployment bundle import:     ${median(bundled).toFixed(0)} ms (${ratio.toFixed(1)}x; target within 2x${ratio > 2 ? ' — OVER TARGET' : ''})`);
    if (inbound) console.log(`then processInboundMessage's modules, on the first email: ${median(firstEmail).toFixed(0)} ms more`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
