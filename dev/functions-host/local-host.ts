import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import azureFunctions from '@azure/functions';
import type { HttpResponseInit } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import type { Logger } from 'pino';
import type { FunctionDefinition } from '../../functions/definitions.js';
import type { HostJson } from './host-json.js';
import { QueueListener } from './queue-listener.js';
import { TimerScheduler } from './timer-scheduler.js';

export interface LocalHostOptions {
  definitions: readonly FunctionDefinition[];
  hostJson: HostJson;
  storageConnectionString: string;
  /** 7071 like `func start`; 0 picks a free port. */
  port: number;
  log: Logger;
  /** Lease on a message being processed; the runtime uses 10 minutes, tests shorten it to see crashes recover. */
  queueLeaseMs?: number;
  /** Timers can be left off so tests trigger them explicitly through the admin endpoint. */
  timers?: boolean;
}

export interface RunningLocalHost {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function routeMatcher(route: string): RegExp {
  const pattern = route.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\??\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${pattern}$`, 'i');
}

async function writeResponse(outgoing: ServerResponse, result: HttpResponseInit | undefined): Promise<void> {
  const headers = new Headers(result?.headers as ConstructorParameters<typeof Headers>[0]);
  let body: string | Buffer | undefined;
  if (result?.jsonBody !== undefined) {
    body = JSON.stringify(result.jsonBody);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (typeof result?.body === 'string' || Buffer.isBuffer(result?.body)) {
    body = result.body;
  } else if (result?.body instanceof Uint8Array) {
    body = Buffer.from(result.body);
  }
  outgoing.writeHead(result?.status ?? 200, Object.fromEntries(headers.entries()));
  outgoing.end(body);
}

/**
 * Runs the same function table as Azure: HTTP triggers under /api, storage queue triggers against
 * Azurite, and timers on their NCRONTAB schedules.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<RunningLocalHost> {
  const { definitions, hostJson, log } = options;
  const prefix = hostJson.extensions.http.routePrefix;
  const queueService = QueueServiceClient.fromConnectionString(options.storageConnectionString);
  const listeners: QueueListener[] = [];
  const timers = new Map<string, TimerScheduler>();

  for (const definition of definitions) {
    if (definition.trigger.type === 'queue') {
      const queue = queueService.getQueueClient(definition.trigger.queueName);
      const poisonQueue = queueService.getQueueClient(`${definition.trigger.queueName}-poison`);
      await Promise.all([queue.createIfNotExists(), poisonQueue.createIfNotExists()]);
      listeners.push(
        new QueueListener({
          functionName: definition.name,
          queue,
          poisonQueue,
          handler: definition.handler as Extract<FunctionDefinition, { trigger: { type: 'queue' } }>['handler'],
          settings: hostJson.extensions.queues,
          leaseMs: options.queueLeaseMs ?? 10 * 60_000,
          log: log.child({ function: definition.name }),
        }),
      );
    }
    if (definition.trigger.type === 'timer') {
      timers.set(definition.name, new TimerScheduler(definition.name, definition.trigger.schedule, definition.handler as Extract<FunctionDefinition, { trigger: { type: 'timer' } }>['handler'], log.child({ function: definition.name })));
    }
  }

  const httpFunctions = definitions.flatMap((definition) =>
    definition.trigger.type === 'http' ? [{ definition, trigger: definition.trigger, pattern: routeMatcher(definition.trigger.route) }] : [],
  );

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? '127.0.0.1'}`);
      const method = (incoming.method ?? 'GET').toUpperCase();
      const body = await readBody(incoming);
      const admin = /^\/admin\/functions\/([^/]+)$/.exec(url.pathname);
      if (admin && method === 'POST') {
        const name = decodeURIComponent(admin[1] ?? '');
        const timer = timers.get(name);
        if (!timer) return writeResponse(outgoing, { status: 404, body: `No timer function named '${name}'.` });
        await timer.invoke();
        return writeResponse(outgoing, { status: 202 });
      }
      const path = url.pathname.startsWith(`/${prefix}/`) ? url.pathname.slice(prefix.length + 2) : undefined;
      const match = path === undefined ? undefined : httpFunctions.map((candidate) => ({ candidate, found: candidate.pattern.exec(path) })).find((entry) => entry.found);
      if (!match?.found) return writeResponse(outgoing, { status: 404 });
      const { candidate, found } = match;
      if (!candidate.trigger.methods.includes(method as (typeof candidate.trigger.methods)[number])) return writeResponse(outgoing, { status: 405 });
      const invocationId = randomUUID();
      const request = new azureFunctions.HttpRequest({
        method,
        url: url.toString(),
        headers: Object.fromEntries(Object.entries(incoming.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')])),
        query: Object.fromEntries(url.searchParams.entries()),
        params: { ...(found.groups ?? {}) },
        body: { bytes: body },
      });
      const context = new azureFunctions.InvocationContext({
        invocationId,
        functionName: candidate.definition.name,
        logHandler: (_level, ...args) => log.info({ invocationId }, args.map(String).join(' ')),
        options: { trigger: { type: 'httpTrigger', name: 'request' }, extraInputs: [], extraOutputs: [] },
      });
      const handler = candidate.definition.handler as Extract<FunctionDefinition, { trigger: { type: 'http' } }>['handler'];
      const result = await handler(request, context);
      await writeResponse(outgoing, result as HttpResponseInit);
    })().catch((error: unknown) => {
      log.error({ err: error }, 'HTTP function failed');
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  for (const listener of listeners) listener.start();
  if (options.timers !== false) for (const timer of timers.values()) timer.start();
  log.info({ port, functions: definitions.map((definition) => definition.name) }, 'local Functions host started');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...listeners.map((listener) => listener.stop()), ...[...timers.values()].map((timer) => timer.stop())]);
    },
  };
}
