import { ConfigError } from '../config.js';
import type { Config } from '../config.js';

/**
 * One readable paragraph for a failure to reach or use a service: what weqs tried to reach, what
 * answered, and what to do. Used by the CLI and the host's start-up instead of a stack trace (an
 * MSAL or SDK stack says nothing an administrator can act on).
 */
export interface ServiceFailure {
  service: string;
  target: string;
  answer: string;
  fix: string;
}

const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted (for the local emulator, run through npm run weqs, which trusts its CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
};

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string | number;
  statusCode?: number;
  status?: number;
  cause?: unknown;
  errors?: unknown[];
  /** MSAL's errors carry a code such as endpoints_resolution_error. */
  errorCode?: string;
}

function shape(value: unknown): ErrorShape {
  return typeof value === 'object' && value !== null ? (value as ErrorShape) : { message: String(value) };
}

/** The network error code anywhere in the cause chain (fetch wraps it; identity aggregates several). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || error === undefined || error === null) return undefined;
  const current = shape(error);
  if (typeof current.code === 'string' && current.code in networkCodes) return current.code;
  const nested = [current.cause, ...(Array.isArray(current.errors) ? current.errors : [])];
  for (const inner of nested) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  const fromMessage = Object.keys(networkCodes).find((code) => current.message?.includes(code));
  return fromMessage;
}

/** What the network said, in words, when `error` is a network failure (anywhere in its cause chain). */
export function networkAnswer(error: unknown): string | undefined {
  const code = networkCode(error);
  return code ? (networkCodes[code] ?? code) : undefined;
}

/** The first line of a message, without the trace and correlation ids Entra appends. */
function firstLine(message: string | undefined): string {
  const line = (message ?? '').split('\n').map((part) => part.trim()).find(Boolean) ?? 'no message';
  return line.replace(/\s*Trace ID:.*$/, '').slice(0, 300);
}

const identityErrors = new Set(['AuthenticationError', 'AggregateAuthenticationError', 'CredentialUnavailableError', 'AuthenticationRequiredError', 'ClientAuthError', 'ClientConfigurationError', 'ServerError', 'InteractionRequiredAuthError']);

const msalCodes: Record<string, string> = {
  endpoints_resolution_error: "its OpenID configuration could not be fetched (nothing answered there, or it is not an Entra ID authority)",
  network_error: 'the request to the token endpoint failed on the network',
  invalid_client: 'it refused the app credential (wrong certificate or client id)',
};

/**
 * Where a storage connection string points, as the storage SDKs read it: the queue endpoint (or,
 * for the development shorthand, Azurite's), never the key.
 * https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string
 */
export function storageEndpoints(connectionString: string): string {
  const parts = new Map(connectionString.split(';').flatMap((part) => {
    const at = part.indexOf('=');
    return at > 0 ? [[part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const] : [];
  }));
  if (parts.get('usedevelopmentstorage') === 'true') return 'http://127.0.0.1:10001/devstoreaccount1 (AzureWebJobsStorage=UseDevelopmentStorage=true: Azurite)';
  const queue = parts.get('queueendpoint');
  const account = parts.get('accountname');
  const endpoint = queue ?? (account ? `${parts.get('defaultendpointsprotocol') ?? 'https'}://${account}.queue.${parts.get('endpointsuffix') ?? 'core.windows.net'}` : undefined);
  return endpoint ? `${endpoint} (the queue endpoint in AzureWebJobsStorage)` : 'the storage account in AzureWebJobsStorage';
}

/** Classifies a failure against Entra ID, Microsoft Graph, Azure Storage or the Teams webhook. */
export function describeServiceFailure(error: unknown, config: Config | undefined): ServiceFailure {
  const current = shape(error);
  const code = networkCode(error);
  const authority = config?.credential.kind === 'client-certificate' ? config.credential.authorityHost : 'the managed identity endpoint';
  // The Graph SDK wraps a credential failure in a GraphError whose code is the credential error's name.
  const endpointsFailed = current.message?.includes('endpoints_resolution_error') ? 'endpoints_resolution_error' : undefined;
  const msalCode = current.errorCode ?? endpointsFailed;
  if ((current.name && identityErrors.has(current.name)) || identityErrors.has(String(current.code)) || msalCode !== undefined) {
    return {
      service: 'Entra ID (token for Microsoft Graph)',
      target: authority,
      answer: code ? (networkCodes[code] ?? code) : ((msalCode && msalCodes[msalCode]) ?? firstLine(current.message)),
      fix:
        config?.credential.kind === 'client-certificate'
          ? 'check WEQS_AUTHORITY_HOST, WEQS_TENANT_ID, WEQS_CLIENT_ID and the certificate in WEQS_CLIENT_CERTIFICATE_PATH (locally: is `npm start` or `npm run emulator` running?)'
          : 'check the Function App has the user-assigned identity and WEQS_MANAGED_IDENTITY_CLIENT_ID is its client id',
    };
  }
  const storageLike = current.name === 'RestError' || /\.(queue|table|blob)\.core\.windows\.net|127\.0\.0\.1:1000[0-2]/.test(current.message ?? '');
  if (storageLike) {
    const target = config ? ('connectionString' in config.storage ? storageEndpoints(config.storage.connectionString) : config.storage.serviceUris.queue.replace('.queue.', '.{queue,table,blob}.')) : 'Azure Storage';
    return {
      service: 'Azure Storage',
      target,
      answer: code ? networkCodes[code] ?? code : `${current.statusCode ?? ''} ${firstLine(current.message)}`.trim(),
      fix:
        current.statusCode === 403
          ? "grant the identity the storage data roles (infra/app/storage.bicep assigns them); role assignments take a few minutes to apply"
          : 'check AzureWebJobsStorage or AzureWebJobsStorage__accountName (locally: is Azurite running? `npm run storage` starts it in memory on loopback with --disableTelemetry)',
    };
  }
  const status = current.statusCode ?? current.status;
  const graphTarget = config?.graph.baseUrl ?? 'Microsoft Graph';
  if (code) {
    return { service: 'Microsoft Graph', target: graphTarget, answer: networkCodes[code] ?? code, fix: 'check WEQS_GRAPH_BASE_URL and the network (locally: is `npm start` or `npm run emulator` running?)' };
  }
  if (current.name === 'TimeoutError' || current.name === 'AbortError') {
    return { service: 'Microsoft Graph', target: graphTarget, answer: 'no answer within WEQS_GRAPH_TIMEOUT_MS', fix: 'try again; if it persists, check the service health of Microsoft 365' };
  }
  if (typeof status === 'number' && status > 0) {
    const fix =
      status === 401 || status === 403
        ? 'grant the identity what docs/deploy.md lists (Sites.Selected with full control on the site; Exchange RBAC for Applications on the inbox), then run `npm run weqs -- doctor`'
        : status === 404
          ? 'check WEQS_INBOX_ADDRESS, WEQS_SITE_HOSTNAME, WEQS_SITE_PATH and the list names, and that `npm run weqs -- setup` has run'
          : 'try again later; run `npm run weqs -- doctor` to see what else fails';
    return { service: 'Microsoft Graph', target: graphTarget, answer: `HTTP ${status}${current.code ? ` ${current.code}` : ''}: ${firstLine(current.message)}`, fix };
  }
  return { service: 'weqs', target: 'this command', answer: firstLine(current.message), fix: 'run `npm run weqs -- doctor` to check the deployment' };
}

export function formatServiceFailure(failure: ServiceFailure, lead = 'Could not complete'): string {
  return `${lead}: ${failure.service} at ${failure.target} — ${failure.answer}.\nWhat to do: ${failure.fix}.`;
}

/**
 * The paragraph for an operator when `error` is a bad setting or a service that could not be
 * reached or refused; undefined for anything else (weqs's own failures are logged where they happen).
 */
export function operatorMessage(error: unknown, lead: string, config: () => Config | undefined): string | undefined {
  if (error instanceof ConfigError) return error.message;
  let settings: Config | undefined;
  try {
    settings = config();
  } catch {
    settings = undefined;
  }
  const failure = describeServiceFailure(error, settings);
  return failure.service === 'weqs' ? undefined : formatServiceFailure(failure, lead);
}

/** The CLI's last word on an error: a named setting problem, or what could not be reached and what to do. Returns the exit code. */
export function reportCommandFailure(error: unknown, config: () => Config | undefined, write: (text: string) => void = (text) => console.error(text)): number {
  if (error instanceof ConfigError) {
    write(error.message);
    return 2;
  }
  let settings: Config | undefined;
  try {
    settings = config();
  } catch {
    settings = undefined;
  }
  write(formatServiceFailure(describeServiceFailure(error, settings)));
  return 1;
}
