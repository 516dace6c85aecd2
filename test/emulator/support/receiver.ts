import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How an endpoint answers Graph's validation POST (`?validationToken=`). */
export type ValidationMode = 'echo' | 'wrong-body' | 'status-500' | 'json' | 'encoded';

export interface ReceivedPost {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
  /** Parsed JSON body for notification posts. */
  json?: unknown;
}

interface EndpointBehaviour {
  validation: ValidationMode;
  /** Statuses to answer notification posts with, one per post; when used up, 202. */
  statuses: number[];
}

/**
 * A subscriber's notification endpoint on 127.0.0.1 (the emulator delivers to loopback over
 * plain HTTP, like a local Functions host). Each path is its own endpoint with its own behaviour.
 */
export class NotificationReceiver {
  readonly posts: ReceivedPost[] = [];
  private readonly behaviours = new Map<string, EndpointBehaviour>();
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Registers an endpoint and returns its URL. */
  endpoint(path: string, behaviour: Partial<EndpointBehaviour> = {}): string {
    this.behaviours.set(path, { validation: behaviour.validation ?? 'echo', statuses: [...(behaviour.statuses ?? [])] });
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Notification (non-validation) posts received on `path`. */
  notifications(path: string): ReceivedPost[] {
    return this.posts.filter((post) => post.path === path && !post.query.has('validationToken'));
  }

  validations(path: string): ReceivedPost[] {
    return this.posts.filter((post) => post.path === path && post.query.has('validationToken'));
  }

  /** The change notifications (the `value` entries) received on `path`. */
  values(path: string): Record<string, unknown>[] {
    return this.notifications(path).flatMap((post) => ((post.json as { value?: Record<string, unknown>[] } | undefined)?.value ?? []));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const post: ReceivedPost = { method: request.method ?? '', path: url.pathname, query: url.searchParams, contentType: String(request.headers['content-type'] ?? ''), body };
    const behaviour = this.behaviours.get(url.pathname) ?? { validation: 'echo', statuses: [] };
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      this.posts.push(post);
      switch (behaviour.validation) {
        case 'echo':
          response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
          return;
        case 'encoded':
          response.writeHead(200, { 'content-type': 'text/plain' }).end(encodeURIComponent(token));
          return;
        case 'wrong-body':
          response.writeHead(200, { 'content-type': 'text/plain' }).end('not the token');
          return;
        case 'status-500':
          response.writeHead(500, { 'content-type': 'text/plain' }).end(token);
          return;
        case 'json':
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
          return;
      }
    }
    try {
      post.json = JSON.parse(body);
    } catch {
      post.json = undefined;
    }
    this.posts.push(post);
    response.writeHead(behaviour.statuses.shift() ?? 202).end();
  }
}
