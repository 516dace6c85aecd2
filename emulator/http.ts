import { randomUUID } from 'node:crypto';
import type { TokenClaims } from './auth.js';
import { graphDateTime } from './ids.js';

/** A request as the emulator's handlers see it, whether it came over the wire or inside a $batch. */
export interface EmulatorRequest {
  method: string;
  /** Path below the service root, e.g. `/users/x/messages` for `https://host/v1.0/users/x/messages`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
  /** Absolute base for links the emulator hands out, e.g. `https://127.0.0.1:4000`. */
  origin: string;
  claims?: TokenClaims;
  /** Set when the request is a $batch step. */
  batchStepId?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  /** For the request log: the steps of a $batch. */
  batchLog?: { id: string; method: string; url: string; status: number }[];
}

/**
 * An error in Graph's documented shape. Outlook uses PascalCase codes (`ErrorItemNotFound`),
 * SharePoint camelCase (`itemNotFound`): callers pass the code the real workload uses.
 * https://learn.microsoft.com/graph/errors
 */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly innerCode?: string,
  ) {
    super(message);
  }
}

export function errorBody(fault: GraphFault, requestId: string, clientRequestId?: string): unknown {
  const date = graphDateTime.innerError(new Date());
  if (fault.status === 429 && fault.code === 'TooManyRequests') {
    // Exactly the shape of Microsoft's throttling sample: https://learn.microsoft.com/graph/throttling#sample-response
    return { error: { code: 'TooManyRequests', innerError: { code: '429', date, message: 'Please retry after', 'request-id': requestId, status: '429' }, message: 'Please retry again later.' } };
  }
  const innerError: Record<string, string> = {
    date,
    'request-id': requestId,
    'client-request-id': clientRequestId ?? requestId,
  };
  if (fault.innerCode) innerError.code = fault.innerCode;
  return { error: { code: fault.code, message: fault.message, innerError } };
}

export function header(request: Pick<EmulatorRequest, 'headers'>, name: string): string | undefined {
  return request.headers[name.toLowerCase()];
}

export function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new GraphFault(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraphFault(400, 'BadRequest', 'The request payload must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function newRequestId(): string {
  return randomUUID();
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

export function noContent(status = 204, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers };
}

export type RouteHandler = (request: EmulatorRequest, params: string[]) => Promise<EmulatorResponse> | EmulatorResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

/** Graph path segments are case-insensitive; every pattern is matched with the `i` flag. */
export function route(method: string, pattern: string, handler: RouteHandler): Route {
  return { method, pattern: new RegExp(`^${pattern}$`, 'i'), handler };
}

/**
 * Graph accepts OData key syntax as well as path segments: `mailFolders('inbox')` is
 * `mailFolders/inbox`. Only entity-set segments are rewritten, never drive paths after `root:`.
 */
export function normaliseKeySegments(path: string): string {
  return path.replace(/\/(users|mailFolders|messages|sites|lists|items|drives|subscriptions)\('([^']*)'\)/gi, (_, segment: string, key: string) => `/${segment}/${key}`);
}

export function dispatch(routes: readonly Route[], request: EmulatorRequest): Promise<EmulatorResponse> | EmulatorResponse {
  let pathMatched = false;
  const path = request.path.includes(":/") ? request.path : normaliseKeySegments(request.path);
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (candidate.method !== '*' && candidate.method !== request.method) continue;
    return candidate.handler(request, match.slice(1).map((part) => decodeURIComponent(part ?? '')));
  }
  if (pathMatched) throw new GraphFault(405, 'Request_BadRequest', `The HTTP method '${request.method}' is not allowed for this resource.`);
  throw new GraphFault(400, 'BadRequest', `Resource not found for the segment '${request.path.split('/')[1] ?? ''}'.`);
}
