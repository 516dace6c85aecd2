import { createServer, request as forward } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningAzurite } from '../dev/storage-emulator.js';
import { seededRandom } from '../emulator/faults.js';
import { sleep } from '../src/resilience/retry.js';

/**
 * Azurite behind a small HTTP proxy that fails storage calls at random, seen by every storage
 * client weqs and the local Functions host build from the connection string (queues, tables,
 * blobs, the queue trigger itself). Production code is untouched: it is only given another
 * endpoint. Faults apply to writes (PUT, POST, DELETE, PATCH, MERGE), as Azure Storage's own
 * failures do: before the write reached the service or after it was carried out.
 */
export type StorageFaultKind = '503 before write' | '500 after write' | 'reset before write' | 'reset after write' | 'storage latency';

export interface StorageFaultPlan {
  /** Share of writes that fail. */
  writeRate: number;
  /** Share of all calls that get `latencyMs` more. */
  latencyRate: number;
  latencyMs: number;
  seed: number;
  /** Only this kind of write fault (tests that need one exact failure). */
  only?: Exclude<StorageFaultKind, 'storage latency'>;
  /** Stop after this many write faults. */
  times?: number;
}

export interface StorageFaultProxy extends RunningAzurite {
  /** Azurite itself, for checkers that must not be faulted. */
  direct: RunningAzurite;
  start(plan: StorageFaultPlan): void;
  /** Stops injecting and returns what was injected since `start`, by kind and service. */
  stopFaults(): { byKind: Record<StorageFaultKind, number>; byService: Record<Service, number> };
}

type Service = 'blob' | 'queue' | 'table';
const services: Service[] = ['blob', 'queue', 'table'];
const writeMethods = new Set(['PUT', 'POST', 'DELETE', 'PATCH', 'MERGE']);
/** Of the failing writes: how they fail. Resets are the "connection dropped" the SDKs retry. */
const shares: [Exclude<StorageFaultKind, 'storage latency'>, number][] = [
  ['503 before write', 0.3],
  ['500 after write', 0.3],
  ['reset before write', 0.2],
  ['reset after write', 0.2],
];

const emptyKinds = (): Record<StorageFaultKind, number> => ({ '503 before write': 0, '500 after write': 0, 'reset before write': 0, 'reset after write': 0, 'storage latency': 0 });

/** Azure Storage's error body, so the SDKs parse the failure as they would the service's. */
function storageError(response: ServerResponse, status: 500 | 503, service: Service): void {
  const code = status === 503 ? 'ServerBusy' : 'InternalError';
  const message = status === 503 ? 'The server is busy.' : 'The server encountered an internal error. Please retry the request.';
  if (service === 'table') {
    response.writeHead(status, { 'content-type': 'application/json;odata=minimalmetadata', 'x-ms-error-code': code });
    response.end(JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: message } } }));
    return;
  }
  response.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
  response.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export async function startStorageFaultProxy(azurite: RunningAzurite): Promise<StorageFaultProxy> {
  let plan: StorageFaultPlan | undefined;
  let random = seededRandom(1);
  let byKind = emptyKinds();
  let byService: Record<Service, number> = { blob: 0, queue: 0, table: 0 };

  const draw = (method: string): StorageFaultKind | undefined => {
    if (!plan) return undefined;
    const spent = plan.times !== undefined && Object.values(byService).reduce((sum, count) => sum + count, 0) >= plan.times;
    if (writeMethods.has(method) && !spent && random() < plan.writeRate) {
      if (plan.only) return plan.only;
      let pick = random();
      for (const [kind, share] of shares) {
        if (pick < share) return kind;
        pick -= share;
      }
      return shares[0]?.[0];
    }
    return random() < plan.latencyRate ? 'storage latency' : undefined;
  };

  const handler = (service: Service) => (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const method = (incoming.method ?? 'GET').toUpperCase();
    const fault = draw(method);
    if (fault) {
      byKind[fault] += 1;
      if (fault !== 'storage latency') byService[service] += 1;
    }
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        if (fault === 'storage latency') await sleep(plan?.latencyMs ?? 0);
        if (fault === '503 before write') return storageError(outgoing, 503, service);
        if (fault === 'reset before write') return void incoming.socket.destroy();
        const upstream = forward(
          { host: '127.0.0.1', port: azurite.ports[service], method, path: incoming.url, headers: { ...incoming.headers, host: `127.0.0.1:${azurite.ports[service]}` } },
          (answer) => {
            if (fault === '500 after write' || fault === 'reset after write') {
              // The write happened; the caller is told otherwise (or nothing at all).
              answer.resume();
              answer.on('end', () => (fault === '500 after write' ? storageError(outgoing, 500, service) : incoming.socket.destroy()));
              return;
            }
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        upstream.on('error', () => incoming.socket.destroy());
        upstream.end(Buffer.concat(chunks));
      })();
    });
  };

  const servers = new Map<Service, Server>();
  const ports = { blob: 0, queue: 0, table: 0 };
  for (const service of services) {
    const server = createServer(handler(service));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.set(service, server);
    ports[service] = (server.address() as AddressInfo).port;
  }
  let connectionString = azurite.connectionString;
  for (const service of services) connectionString = connectionString.replace(`127.0.0.1:${azurite.ports[service]}/`, `127.0.0.1:${ports[service]}/`);

  return {
    direct: azurite,
    connectionString,
    ports,
    start(next) {
      plan = next;
      random = seededRandom(next.seed);
      byKind = emptyKinds();
      byService = { blob: 0, queue: 0, table: 0 };
    },
    stopFaults() {
      plan = undefined;
      return { byKind: { ...byKind }, byService: { ...byService } };
    },
    async stop() {
      plan = undefined;
      for (const server of servers.values()) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await azurite.stop();
    },
  };
}

export function isStorageFaultProxy(storage: RunningAzurite): storage is StorageFaultProxy {
  return 'direct' in storage && 'stopFaults' in storage;
}
