import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createTokenService } from './auth.js';
import { executeBatch } from './batch.js';
import type { EmulatorContext, EmulatorTuning } from './context.js';
import { requestIdentity } from './context.js';
import { consoleRoutes } from './console/console-routes.js';
import { controlRoutes } from './control.js';
import type { ControlState, RequestLogEntry } from './control.js';
import { Directory, directoryRoutes } from './directory.js';
import { FaultInjector } from './faults.js';
import { dispatch, errorBody, GraphFault, header, newRequestId } from './http.js';
import type { EmulatorRequest, EmulatorResponse, Route } from './http.js';
import { Clock } from './ids.js';
import { MailSystem } from './mailbox.js';
import type { Mailbox } from './mailbox.js';
import { driveCapabilityRoutes, driveRoutes } from './routes/drive.js';
import { listRoutes } from './routes/lists.js';
import { mailRoutes } from './routes/mail.js';
import { sitePermissionRoutes } from './routes/site-permissions.js';
import { SharePoint } from './sharepoint.js';
import { SubscriptionService, subscriptionRoutes } from './subscriptions.js';
import { handleWorkflowWebhook } from './teams.js';
import type { TeamsPost } from './teams.js';
import type { TenantSeed } from './tenant.js';
import type { DevCertificates } from './tls.js';

export interface EmulatorOptions {
  tenant: TenantSeed;
  certificates: DevCertificates;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  tuning?: Partial<EmulatorTuning>;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:{port}`: the Graph base URL, the Entra authority host and the Teams webhook host. */
  url: string;
  port: number;
  context: EmulatorContext;
  webhookUrl(name: string): string;
  stop(): Promise<void>;
}

const defaultTuning: EmulatorTuning = {
  mailboxConcurrency: 4,
  sendLimitPerMinute: 30,
  bounceDelayMs: 300,
  copyDelayMs: 20,
  notificationRetryDelaysMs: [250, 500, 1000, 2000, 4000, 8000],
  notificationBatchWindowMs: 50,
  tokenLifetimeSeconds: 3599,
};

const jsonContentType = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/** A request the emulator never answers: the connection is dropped, as a timed-out gateway does. */
class HangUp extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the local Microsoft 365 emulator over HTTPS on loopback. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const tuning: EmulatorTuning = { ...defaultTuning, ...options.tuning };
  const clock = new Clock();
  const tokens = await createTokenService(
    options.tenant,
    (reference) => (reference === '@dev-app-credential' ? options.certificates.appCertificate : reference),
    // Tokens live in real time: clients cache them by the real clock, so advancing the virtual
    // clock (for subscription expiry and the review calendar) must not expire them.
    () => new Date(),
    { lifetimeSeconds: tuning.tokenLifetimeSeconds },
  );
  const control: ControlState = { faults: new FaultInjector(), teamsPosts: [] as TeamsPost[], requestLog: [] as RequestLogEntry[], reset: () => undefined };

  const context = {
    tenant: options.tenant,
    clock,
    options: tuning,
    tokens,
    syncResetModes: new Map<Mailbox, 'expired' | 'reset'>(),
    app: (request: EmulatorRequest) => requestIdentity(tokens, request).app,
    claims: (request: EmulatorRequest) => requestIdentity(tokens, request).claims,
    syncResetMode(mailbox: Mailbox) {
      return this.syncResetModes.get(mailbox) ?? 'expired';
    },
  } as EmulatorContext;

  const seed = (): void => {
    context.subscriptions?.close();
    context.mail?.close();
    context.subscriptions = new SubscriptionService(context, {
      retryDelaysMs: tuning.notificationRetryDelaysMs,
      firstAttemptTimeoutMs: 3000,
      retryTimeoutMs: 10_000,
      validationTimeoutMs: 10_000,
      batchWindowMs: tuning.notificationBatchWindowMs,
      maxBatchSize: 100,
    });
    context.mail = new MailSystem(clock, { domain: options.tenant.domain, sendLimitPerMinute: tuning.sendLimitPerMinute, bounceDelayMs: tuning.bounceDelayMs, sentItemsDelayMs: options.tenant.behaviour.sentItemsDelayMs }, (mailbox, message, change) =>
      context.subscriptions.mailChanged(mailbox, message, change),
    );
    for (const mailbox of options.tenant.mailboxes) context.mail.addMailbox(mailbox.address, mailbox.displayName);
    context.sharepoint = new SharePoint(clock, options.tenant.sharePointHostname, (siteId, listId) => context.subscriptions.listChanged(siteId, listId), options.tenant.behaviour.listUniqueValueClashStatus);
    for (const site of options.tenant.sites) context.sharepoint.addSite(site);
    context.directory = Directory.seeded(clock, options.tenant);
    context.syncResetModes.clear();
    control.teamsPosts.length = 0;
    control.requestLog.length = 0;
    control.faults.clear();
    clock.reset();
  };
  seed();
  control.reset = seed;

  const graphRoutes: Route[] = [...mailRoutes(context), ...subscriptionRoutes(context), ...driveRoutes(context), ...listRoutes(context), ...sitePermissionRoutes(context), ...directoryRoutes(context)];
  const unauthenticatedRoutes = [...driveCapabilityRoutes(context), ...controlRoutes(context, control), ...consoleRoutes(context, control)];
  const inFlight = new Map<string, number>();

  /** Outlook allows 4 concurrent requests per app and mailbox; the fifth gets 429 ApplicationThrottled. */
  const acquireMailbox = (request: EmulatorRequest, appId: string): (() => void) => {
    const user = /^\/users\/([^/]+)\//i.exec(request.path)?.[1];
    if (!user) return () => undefined;
    let address: string;
    try {
      address = context.mail.resolve(decodeURIComponent(user)).address;
    } catch {
      return () => undefined;
    }
    const key = `${appId}|${address}`;
    const current = inFlight.get(key) ?? 0;
    if (current >= tuning.mailboxConcurrency) {
      throw new GraphFault(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'retry-after': '1' });
    }
    inFlight.set(key, current + 1);
    return () => inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
  };

  /** One Graph request, top-level or a $batch step: auth, mailbox concurrency, faults, then the route. */
  const executeGraph = async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    try {
      request.claims = await tokens.verifyBearer(request);
      const { app } = requestIdentity(tokens, request);
      const release = acquireMailbox(request, app.clientId);
      try {
        const decision = control.faults.decide(request.method, `/v1.0${request.path}`, request.batchStepId !== undefined);
        if (decision.latencyMs > 0) await sleep(decision.latencyMs);
        const failure = decision.failure;
        if (failure && !failure.afterApply) return faultResponse(request, failure);
        let response: EmulatorResponse;
        if (request.path === '/$batch' && request.method === 'POST') {
          const { response: batchResponse, children } = await executeBatch(request, executeGraph);
          response = { ...batchResponse, batchLog: children };
        } else {
          response = await dispatch(graphRoutes, request);
        }
        if (failure) return faultResponse(request, failure);
        return response;
      } finally {
        release();
      }
    } catch (error) {
      if (error instanceof HangUp) throw error;
      return errorResponse(request, error);
    }
  };

  const faultResponse = async (request: EmulatorRequest, failure: NonNullable<ReturnType<FaultInjector['decide']>['failure']>): Promise<EmulatorResponse> => {
    if (failure.hang) {
      await sleep(failure.hangMs);
      throw new HangUp();
    }
    const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    return errorResponse(request, new GraphFault(failure.status, failure.code, failure.status === 429 ? 'Please retry again later.' : 'The service is temporarily unavailable.', headers));
  };

  const errorResponse = (request: EmulatorRequest, error: unknown): EmulatorResponse => {
    const fault = error instanceof GraphFault ? error : new GraphFault(500, 'generalException', `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`);
    return { status: fault.status, headers: fault.headers, body: errorBody(fault, request.requestId, header(request, 'client-request-id')) };
  };

  const handle = async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    if (request.path.startsWith('/v1.0/') || request.path === '/v1.0') {
      const graphRequest: EmulatorRequest = { ...request, path: request.path.slice('/v1.0'.length) || '/' };
      try {
        return await executeGraph(graphRequest);
      } finally {
        // The request log reports the calling app: keep the claims verified on the copy.
        if (graphRequest.claims) request.claims = graphRequest.claims;
      }
    }
    if (request.path.startsWith('/beta/')) return errorResponse(request, new GraphFault(400, 'BadRequest', 'The emulator implements Graph v1.0 only.'));
    const decision = control.faults.decide(request.method, request.path);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.failure && !decision.failure.afterApply) return faultResponse(request, decision.failure);
    if (request.path.startsWith('/workflows/')) {
      // A webhook's card can be posted and the caller still get a 5xx or no answer (afterApply).
      const posted = handleWorkflowWebhook(options.tenant, control.teamsPosts, request, clock.now());
      return decision.failure ? faultResponse(request, decision.failure) : posted;
    }
    if (decision.failure) return faultResponse(request, decision.failure);
    const entra = await tokens.handle(request);
    if (entra) return entra;
    try {
      return await dispatch(unauthenticatedRoutes, request);
    } catch (error) {
      return errorResponse(request, error);
    }
  };

  const sockets = new Set<Socket>();
  const server = createServer({ key: options.certificates.serverKey, cert: options.certificates.serverCert }, (incoming: IncomingMessage, outgoing: ServerResponse) => {
    void (async () => {
      const started = Date.now();
      const url = new URL(incoming.url ?? '/', 'https://emulator');
      const request: EmulatorRequest = {
        method: (incoming.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: Object.fromEntries(Object.entries(incoming.headers).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value.join(', ') : (value ?? '')])),
        body: await readBody(incoming),
        requestId: newRequestId(),
        origin: `https://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`,
      };
      let response: EmulatorResponse;
      try {
        response = await handle(request);
      } catch (error) {
        if (!(error instanceof HangUp)) throw error;
        incoming.socket.destroy();
        return;
      }
      const isControl = request.path.startsWith('/_emulator/');
      if (!isControl) {
        control.requestLog.push({
          time: new Date(started).toISOString(),
          method: request.method,
          path: `${url.pathname}${url.search}`,
          status: response.status,
          durationMs: Date.now() - started,
          ...(request.claims ? { appId: request.claims.appid } : {}),
          ...(response.batchLog ? { batch: response.batchLog } : {}),
        });
      }
      const headers: Record<string, string> = {
        'request-id': request.requestId,
        'client-request-id': header(request, 'client-request-id') ?? request.requestId,
        'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'UK South', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'LO1PEPF0000EMUL' } }),
        ...(response.headers ?? {}),
      };
      let payload: Buffer | string | undefined;
      if (Buffer.isBuffer(response.body) || typeof response.body === 'string') payload = response.body;
      else if (response.body !== undefined) {
        payload = JSON.stringify(response.body);
        headers['content-type'] ??= jsonContentType;
      }
      outgoing.writeHead(response.status, headers);
      outgoing.end(payload);
    })().catch((error: unknown) => {
      outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    port,
    context,
    webhookUrl(name) {
      const flow = options.tenant.teamsWebhooks.find((candidate) => candidate.name === name);
      if (!flow) throw new Error(`The tenant has no Teams webhook named '${name}'.`);
      return `${url}/workflows/${flow.flowId}/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${flow.signature}`;
    },
    async stop() {
      context.subscriptions.close();
      context.mail.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
