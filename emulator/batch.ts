import { GraphFault, jsonBody, newRequestId } from './http.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

export interface BatchChildLog {
  id: string;
  method: string;
  url: string;
  status: number;
}

const maxSteps = 20;
/** Graph runs at most four Outlook (mailbox) sub-requests of a batch at a time (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits). */
const parallelMailboxSteps = 4;
const isMailboxStep = (step: BatchStep): boolean => /^\/users\//i.test(step.url);

function parseSteps(request: EmulatorRequest): BatchStep[] {
  const requests = jsonBody(request).requests;
  if (!Array.isArray(requests) || requests.length === 0) throw new GraphFault(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > maxSteps) throw new GraphFault(400, 'BadRequest', `Number of batch requests exceeds the limit of ${maxSteps}.`);
  const seen = new Set<string>();
  const steps = requests.map((raw): BatchStep => {
    const step = raw as Record<string, unknown>;
    if (typeof step.id !== 'string' || typeof step.method !== 'string' || typeof step.url !== 'string') {
      throw new GraphFault(400, 'BadRequest', 'Each batch request needs an id, a method and a url.');
    }
    if (seen.has(step.id.toLowerCase())) throw new GraphFault(400, 'BadRequest', `Batch request ids must be unique; '${step.id}' appears twice.`);
    seen.add(step.id.toLowerCase());
    if (/^https?:/i.test(step.url)) throw new GraphFault(400, 'BadRequest', 'Batch request urls must be relative, without host or version.');
    const headers = Object.fromEntries(Object.entries((step.headers ?? {}) as Record<string, unknown>).map(([key, value]) => [key.toLowerCase(), String(value)]));
    if (step.body !== undefined && headers['content-type'] === undefined) {
      throw new GraphFault(400, 'BadRequest', `Batch request '${step.id}' has a body but no Content-Type header.`);
    }
    const dependsOn = Array.isArray(step.dependsOn) ? step.dependsOn.map(String) : [];
    return { id: step.id, method: step.method.toUpperCase(), url: step.url.startsWith('/') ? step.url : `/${step.url}`, headers, ...(step.body !== undefined ? { body: step.body } : {}), dependsOn };
  });
  for (const step of steps) {
    for (const dependency of step.dependsOn) {
      if (!seen.has(dependency.toLowerCase())) throw new GraphFault(400, 'BadRequest', `Batch request '${step.id}' depends on unknown request '${dependency}'.`);
    }
  }
  checkDependencyShape(steps);
  return steps;
}

/**
 * Graph's rules for `dependsOn`: a request depends on at most one other, earlier request, and the
 * batch follows one of three shapes: parallel (no dependencies), serial (each request on the one
 * before it) or same (every request that states a dependency states the same one). Anything else
 * is refused. https://learn.microsoft.com/graph/known-issues#json-batching ,
 * https://learn.microsoft.com/answers/questions/1532547/regarding-batching-response-order
 */
function checkDependencyShape(steps: BatchStep[]): void {
  const index = new Map(steps.map((step, position) => [step.id.toLowerCase(), position]));
  steps.forEach((step, position) => {
    if (step.dependsOn.length > 1) throw new GraphFault(400, 'BadRequest', `Batch request '${step.id}' depends on ${step.dependsOn.length} requests; a request can depend on one other request only.`);
    const dependency = step.dependsOn[0];
    if (dependency !== undefined && (index.get(dependency.toLowerCase()) ?? Infinity) >= position) {
      throw new GraphFault(400, 'BadRequest', `Batch request '${step.id}' depends on '${dependency}', which does not come before it in the batch.`);
    }
  });
  const dependent = steps.filter((step) => step.dependsOn.length > 0);
  if (dependent.length === 0) return;
  const serial = steps.every((step, position) => (position === 0 ? step.dependsOn.length === 0 : step.dependsOn[0]?.toLowerCase() === steps[position - 1]?.id.toLowerCase()));
  const same = new Set(dependent.map((step) => step.dependsOn[0]?.toLowerCase())).size === 1;
  if (!serial && !same) {
    throw new GraphFault(400, 'BadRequest', 'Batch requests with dependsOn must be all serial (each on the one before) or all depend on the same request.');
  }
}

function stepBody(step: BatchStep): Buffer {
  if (step.body === undefined) return Buffer.alloc(0);
  const type = step.headers['content-type'] ?? '';
  if (type.includes('json')) return Buffer.from(JSON.stringify(step.body));
  // Non-JSON bodies travel as base64 (binary uploads) or, for MIME, as the base64 text Graph expects anyway.
  if (typeof step.body !== 'string') return Buffer.from(JSON.stringify(step.body));
  return type.startsWith('text/plain') ? Buffer.from(step.body) : Buffer.from(step.body, 'base64');
}

const jsonContentType = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const canonicalNames: Record<string, string> = {
  'cache-control': 'Cache-Control',
  'content-type': 'Content-Type',
  etag: 'ETag',
  location: 'Location',
  'odata-version': 'OData-Version',
  'retry-after': 'Retry-After',
  'www-authenticate': 'WWW-Authenticate',
};

/**
 * A step's response headers as Graph writes them in a batch: `Cache-Control`, and `Content-Type`
 * for JSON bodies (the SDK's BatchResponseContent only parses a body as JSON when it sees
 * `Content-Type: application/json`). https://learn.microsoft.com/graph/json-batching#example-json-batch-response
 */
function responseHeaders(response: EmulatorResponse): Record<string, string> {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache' };
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[canonicalNames[name.toLowerCase()] ?? name] = value;
  const isJson = response.body !== undefined && !Buffer.isBuffer(response.body) && typeof response.body !== 'string';
  if (isJson && headers['Content-Type'] === undefined) {
    headers['Content-Type'] = response.status < 400 ? jsonContentType : 'application/json';
    if (response.status < 400) headers['OData-Version'] = '4.0';
  }
  return headers;
}

function responseBody(response: EmulatorResponse): unknown {
  if (response.body === undefined) return undefined;
  if (Buffer.isBuffer(response.body)) return response.body.toString('base64');
  return response.body;
}

/** https://learn.microsoft.com/graph/json-batching — responses come back in any order. */
export async function executeBatch(
  request: EmulatorRequest,
  execute: (child: EmulatorRequest) => Promise<EmulatorResponse>,
): Promise<{ response: EmulatorResponse; children: BatchChildLog[] }> {
  const steps = parseSteps(request);
  const results = new Map<string, EmulatorResponse>();
  const children: BatchChildLog[] = [];
  const pending = new Map<string, Promise<void>>();

  let running = 0;
  const waiters: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running < parallelMailboxSteps) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiters.push(resolve));
    running += 1;
  };
  const release = (): void => {
    running -= 1;
    waiters.shift()?.();
  };

  const run = (step: BatchStep): Promise<void> => {
    const existing = pending.get(step.id);
    if (existing) return existing;
    const promise = (async () => {
      await Promise.all(step.dependsOn.map((id) => run(steps.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase()) as BatchStep)));
      const failedDependency = step.dependsOn.find((id) => (results.get(id.toLowerCase())?.status ?? 500) >= 400);
      let response: EmulatorResponse;
      if (failedDependency) {
        response = { status: 424, body: { error: { code: 'FailedDependency', message: `Dependent request '${failedDependency}' failed.` } } };
      } else {
        const limited = isMailboxStep(step);
        if (limited) await slot();
        try {
          const [path = '', query = ''] = step.url.split('?');
          response = await execute({
            method: step.method,
            path,
            query: new URLSearchParams(query),
            headers: { ...step.headers, authorization: request.headers.authorization ?? '' },
            body: stepBody(step),
            requestId: newRequestId(),
            origin: request.origin,
            batchStepId: step.id,
          });
        } finally {
          if (limited) release();
        }
      }
      results.set(step.id.toLowerCase(), response);
      children.push({ id: step.id, method: step.method, url: step.url, status: response.status });
    })();
    pending.set(step.id, promise);
    return promise;
  };

  if (steps.some((step) => step.dependsOn.length > 0)) {
    // A batch with dependencies runs one request after another, each with its own latency: Graph
    // documents no parallelism among dependent requests, so the emulator assumes none.
    for (const step of steps) await run(step);
  } else {
    await Promise.all(steps.map(run));
  }
  const responses = steps
    .map((step) => {
      const response = results.get(step.id.toLowerCase()) as EmulatorResponse;
      const body = responseBody(response);
      return { id: step.id, status: response.status, headers: responseHeaders(response), ...(body !== undefined ? { body } : {}) };
    })
    .sort(() => Math.random() - 0.5);
  return { response: { status: 200, body: { responses } }, children };
}
