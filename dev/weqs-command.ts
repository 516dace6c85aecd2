import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './local-settings.js';

const run = promisify(execFile);

/** Runs `npm run weqs -- ...` as its own process with the given app settings (it needs NODE_EXTRA_CA_CERTS at start). */
export async function weqsCommand(env: Record<string, string>, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'weqs.ts'), ...args], {
    env: { ...process.env, ...env, WEQS_LOG_LEVEL: 'warn' },
    cwd: projectRoot,
  });
  return stdout.trim();
}

export function sampleDirectoryArgs(): string[] {
  const sample = join(projectRoot, 'config', 'organisation-directory.sample');
  return ['directory', 'import', ...['etr', 'epraccur', 'egdpprac', 'icb', 'succ'].flatMap((kind) => [`--${kind}`, join(sample, `${kind}.csv`)])];
}
