import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpawnedHost {
  url: string;
  child: ChildProcess;
  /** Graceful stop: in-flight work finishes. */
  stop(): Promise<void>;
  /** A crash: the process dies at once, whatever it was doing. */
  kill(): Promise<void>;
}

export interface SpawnHostOptions {
  env: Record<string, string>;
  port?: number;
  leaseMs?: number;
  retryDelayMs?: number;
  timers?: boolean;
  /** A bundled build of cli.ts to run with plain Node (as Azure runs the app) instead of through tsx. */
  bundle?: string;
  /** Node options for the worker, as `languageWorkers__node__arguments` sets them in Azure. */
  nodeArguments?: string[];
  onOutput?: (chunk: string) => void;
}

const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.ts');

/** Starts the local Functions host in its own process, as the worker runs in Azure. */
export async function spawnLocalHost(options: SpawnHostOptions): Promise<SpawnedHost> {
  const args = ['--port', String(options.port ?? 0), ...(options.leaseMs ? ['--lease-ms', String(options.leaseMs)] : []), ...(options.retryDelayMs !== undefined ? ['--retry-delay-ms', String(options.retryDelayMs)] : []), ...(options.timers === false ? ['--no-timers'] : [])];
  const child = fork(options.bundle ?? cli, args, {
    execArgv: [...(options.bundle ? [] : ['--import', 'tsx']), ...(options.nodeArguments ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (options.onOutput) options.onOutput(text);
    else output = (output + text).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The local host did not start within 60 seconds:\n${output}`)), 60_000);
    child.on('message', (message: { ready?: boolean; url?: string }) => {
      if (message.ready && message.url) {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local host exited with code ${String(code)}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
