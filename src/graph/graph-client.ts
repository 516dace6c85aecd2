import type { TokenCredential } from '@azure/core-auth';
import { ClientCertificateCredential, ManagedIdentityCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { Config } from '../config.js';
import { logger } from '../logging.js';
import { Semaphore } from './semaphore.js';

export const graphScope = 'https://graph.microsoft.com/.default';

/**
 * The one credential weqs uses, for Graph and storage alike (built once in the composition root).
 * Managed identity in Azure; a client certificate elsewhere. The authority host is a setting, so
 * locally the same credential class talks to the emulator's token endpoint.
 * https://learn.microsoft.com/javascript/api/@azure/identity
 */
export function createCredential(config: Config): TokenCredential {
  const { credential } = config;
  if (credential.kind === 'managed-identity') {
    return credential.clientId ? new ManagedIdentityCredential({ clientId: credential.clientId }) : new ManagedIdentityCredential();
  }
  return new ClientCertificateCredential(
    config.tenantId,
    credential.clientId,
    { certificatePath: credential.certificatePath },
    { authorityHost: credential.authorityHost, disableInstanceDiscovery: !credential.instanceDiscovery },
  );
}

function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

/**
 * A URL's path, lower-cased and percent-decoded where it can be: a query or path holding a `%`
 * that is not an escape (a staff-typed value) must never make a handler throw.
 */
function decodedPath(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  try {
    return decodeURIComponent(path).toLowerCase();
  } catch {
    return path.toLowerCase();
  }
}

/**
 * Outlook allows 4 concurrent requests per app and mailbox (more gets 429 ApplicationThrottled).
 * Requests to the inbox, and $batch requests carrying inbox steps, take permits first.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 */
class MailboxConcurrencyHandler implements Middleware {
  private next?: Middleware;
  private readonly permits: Semaphore;
  private readonly mailboxPath: string;

  constructor(mailbox: string, limit: number) {
    this.permits = new Semaphore(limit);
    this.mailboxPath = `/users/${mailbox.toLowerCase()}/`;
  }

  private permitsFor(context: Context): number {
    const url = decodedPath(requestUrl(context));
    if (url.includes(this.mailboxPath)) return 1;
    if (!url.endsWith('/$batch') || typeof context.options?.body !== 'string') return 0;
    const steps = (JSON.parse(context.options.body) as { requests?: { url?: string }[] }).requests ?? [];
    const mailboxSteps = steps.filter((step) => decodedPath(step.url ?? '').startsWith(this.mailboxPath)).length;
    return Math.min(mailboxSteps, this.permits.limit);
  }

  /**
   * Under a burst the mailbox's four slots are the bottleneck: replies go first, then reading new
   * requests; marking categories and checking Sent Items can wait.
   */
  private priorityOf(context: Context): number {
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const url = decodedPath(requestUrl(context));
    if (method === 'PATCH' || url.includes("mailfolders('sentitems')") || url.includes('/messages/delta')) return 1;
    // Finishing what is under way (drafting and sending its reply) before reading the next request.
    // weqs POSTs to the mailbox only to draft mail; the send itself is a $batch step.
    if (method === 'POST' && (url.includes(this.mailboxPath) || (url.endsWith('/$batch') && /\/send"/i.test(String(context.options?.body ?? ''))))) return -1;
    return 0;
  }

  async execute(context: Context): Promise<void> {
    const needed = this.permitsFor(context);
    await this.permits.acquire(needed, this.priorityOf(context));
    try {
      await this.next?.execute(context);
    } finally {
      this.permits.release(needed);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** A fresh timeout per attempt (it sits after the retry handler), and one log line per Graph call. */
class TimeoutAndLogHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const started = performance.now();
    const options = context.options ?? {};
    context.options = { ...options, signal: AbortSignal.timeout(this.timeoutMs) };
    const url = new URL(requestUrl(context));
    try {
      await this.next?.execute(context);
    } finally {
      logger().debug(
        {
          graph: {
            method: options.method ?? 'GET',
            path: url.pathname,
            status: context.response?.status,
            durationMs: Math.round(performance.now() - started),
            requestId: context.response?.headers.get('request-id') ?? undefined,
          },
        },
        'graph call',
      );
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export interface GraphClientOptions {
  credential: TokenCredential;
  baseUrl: string;
  timeoutMs: number;
  mailbox: string;
  mailboxConcurrency: number;
  /** Seconds before the first retry when Graph sends no Retry-After (it doubles after). */
  retryDelaySeconds?: number;
  maxRetries?: number;
}

/**
 * The one place the Graph client is built. The SDK's retry handler retries 429/503/504 and honours
 * Retry-After; `customHosts` lets the SDK attach tokens to a base URL other than graph.microsoft.com.
 * https://github.com/microsoftgraph/msgraph-sdk-javascript/blob/dev/docs/CustomMiddlewareChain.md
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(options.credential, { scopes: [graphScope] });
  const chain: [Middleware, ...Middleware[]] = [
    new MailboxConcurrencyHandler(options.mailbox, options.mailboxConcurrency),
    new AuthenticationHandler(authProvider),
    new RetryHandler(new RetryHandlerOptions(options.retryDelaySeconds ?? 1, options.maxRetries ?? 3)),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new TimeoutAndLogHandler(options.timeoutMs),
    new HTTPMessageHandler(),
  ];
  chain.reduce((previous, current) => {
    previous.setNext?.(current);
    return current;
  });
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  return Client.initWithMiddleware({
    middleware: chain[0],
    baseUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(baseUrl).hostname]),
  });
}

export function graphClientFromConfig(config: Config, credential: TokenCredential = createCredential(config)): Client {
  return createGraphClient({
    credential,
    baseUrl: config.graph.baseUrl,
    timeoutMs: config.graph.timeoutMs,
    mailbox: config.inboxAddress,
    mailboxConcurrency: config.graph.mailboxConcurrency,
  });
}
