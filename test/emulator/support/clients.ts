import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { ensureDevCertificates } from '../../../emulator/tls.js';
import type { TestEmulator } from '../../support/emulator.js';

export const graphScope = 'https://graph.microsoft.com/.default';

/** An extra app registration for the tenant seed, authenticated with a client secret. */
export interface ExtraApp {
  clientId: string;
  displayName: string;
  roles: string[];
  clientSecrets: string[];
  certificates: string[];
  mailboxRoles: Record<string, ('Mail.Read' | 'Mail.ReadWrite' | 'Mail.Send')[]>;
  siteRoles: Record<string, 'read' | 'write' | 'owner' | 'fullcontrol'>;
}

export function extraApp(clientId: string, displayName: string, roles: string[], extra: Partial<ExtraApp> = {}): ExtraApp {
  return { clientId, displayName, roles, clientSecrets: [`${displayName.replace(/\W/g, '')}-secret-0123456789`], certificates: [], mailboxRoles: {}, siteRoles: {}, ...extra };
}

export function secretOf(app: ExtraApp): string {
  const secret = app.clientSecrets[0];
  if (!secret) throw new Error(`${app.displayName} has no secret`);
  return secret;
}

/** The weqs app's certificate credential against the emulator's Entra endpoints. */
export async function weqsCredential(env: TestEmulator): Promise<ClientCertificateCredential> {
  const certificates = await ensureDevCertificates();
  const app = env.tenant.applications[0];
  if (!app) throw new Error('no weqs app');
  return new ClientCertificateCredential(env.tenant.tenantId, app.clientId, { certificatePath: certificates.appCredentialPath }, { authorityHost: env.emulator.url, disableInstanceDiscovery: true });
}

export function secretCredential(env: TestEmulator, app: ExtraApp): ClientSecretCredential {
  return new ClientSecretCredential(env.tenant.tenantId, app.clientId, secretOf(app), { authorityHost: env.emulator.url, disableInstanceDiscovery: true });
}

/**
 * The Graph SDK as a plain daemon would build it: the SDK's own middleware (auth, retry, telemetry,
 * fetch) and no client-side mailbox concurrency limiter, so the emulator's own limits are visible.
 */
export function plainGraphClient(env: TestEmulator, credential: TokenCredential, options: { maxRetries?: number; retryDelaySeconds?: number } = {}): Client {
  const chain: [Middleware, ...Middleware[]] = [
    new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope] })),
    new RetryHandler(new RetryHandlerOptions(options.retryDelaySeconds ?? 0.05, options.maxRetries ?? 3)),
    new TelemetryHandler(),
    new HTTPMessageHandler(),
  ];
  chain.reduce((previous, current) => {
    previous.setNext?.(current);
    return current;
  });
  return Client.initWithMiddleware({ middleware: chain[0], baseUrl: `${env.emulator.url}/`, defaultVersion: 'v1.0', customHosts: new Set([new URL(env.emulator.url).hostname]) });
}

/** A bare fetch against the emulator, for requests the SDK cannot express (token endpoint, raw headers). */
export async function rawFetch(env: TestEmulator, path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(`${env.emulator.url}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `POST /{tenant}/oauth2/v2.0/token` with a form body. */
export function tokenRequest(env: TestEmulator, tenant: string, form: Record<string, string>, headers: Record<string, string> = {}): ReturnType<typeof rawFetch> {
  return rawFetch(env, `/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** The error an SDK call rejected with, for asserting statusCode/code. */
export async function graphError(call: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string; headers?: Headers; body?: string }> {
  try {
    await call;
  } catch (error) {
    return error as { statusCode: number; code: string; message: string; headers?: Headers; body?: string };
  }
  throw new Error('expected the Graph call to fail, but it succeeded');
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
