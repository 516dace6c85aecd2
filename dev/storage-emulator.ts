import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's well-known development account (published in its documentation, not a secret). */
const account = 'devstoreaccount1';
const accountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Fixed ports for `npm start`; 0 (the default) lets Azurite pick free ones, as tests need. */
  ports?: { blob: number; queue: number; table: number };
  onLog?: (line: string) => void;
}

function azuriteEntryPoint(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'azurite.js');
}

/**
 * Starts Azurite in memory on loopback, with telemetry disabled: nothing may leave this machine.
 * It runs in an empty temporary working directory so no debug or state file lands in the project.
 * https://learn.microsoft.com/azure/storage/common/storage-use-azurite
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const location = await mkdtemp(join(tmpdir(), 'weqs-azurite-'));
  const ports = options.ports ?? { blob: 0, queue: 0, table: 0 };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      azuriteEntryPoint(),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--extentMemoryLimit', '512',
      '--skipApiVersionCheck',
      '--loose',
      '--blobHost', '127.0.0.1', '--blobPort', String(ports.blob),
      '--queueHost', '127.0.0.1', '--queuePort', String(ports.queue),
      '--tableHost', '127.0.0.1', '--tablePort', String(ports.table),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: location },
  );
  const found: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Azurite did not start within 30 seconds')), 30_000);
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        for (const match of output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g)) {
          found[(match[1] as string).toLowerCase() as 'blob' | 'queue' | 'table'] = Number(match[2]);
        }
        if (found.blob && found.queue && found.table) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        options.onLog?.(chunk.toString('utf8').trim());
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited with code ${code ?? 'null'} before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(location, { recursive: true, force: true });
    throw error;
  }
  const resolved = { blob: found.blob as number, queue: found.queue as number, table: found.table as number };
  const endpoint = (port: number): string => `http://127.0.0.1:${port}/${account}`;
  return {
    connectionString: [
      'DefaultEndpointsProtocol=http',
      `AccountName=${account}`,
      `AccountKey=${accountKey}`,
      `BlobEndpoint=${endpoint(resolved.blob)}`,
      `QueueEndpoint=${endpoint(resolved.queue)}`,
      `TableEndpoint=${endpoint(resolved.table)}`,
    ].join(';'),
    ports: resolved,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timeout);
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}
