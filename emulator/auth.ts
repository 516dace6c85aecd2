import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { GraphFault } from './http.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import type { AppRegistration, SiteRole, TenantSeed } from './tenant.js';

/** Claims of an app-only Graph token. https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference */
export interface TokenClaims {
  tid: string;
  appid: string;
  roles: string[];
}

const graphAudiences = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

export interface TokenService {
  /** Handles `/{tenant}/...` Entra endpoints; returns undefined for other paths. */
  handle(request: EmulatorRequest): Promise<EmulatorResponse | undefined>;
  verifyBearer(request: EmulatorRequest): Promise<TokenClaims>;
  application(clientId: string): AppRegistration | undefined;
  applications(): AppRegistration[];
}

interface RegisteredCertificate {
  sha1: string;
  sha256: string;
  publicKey: KeyObject;
}

/** Entra's error body for the token endpoint. */
function entraError(status: number, error: string, code: number, description: string): EmulatorResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

/**
 * The client-credentials doc also accepts the secret through HTTP Basic auth (RFC 6749 §2.3.1: both
 * parts form-URL-encoded). https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
function basicCredentials(request: EmulatorRequest): { clientId: string; secret: string } | undefined {
  const authorization = request.headers.authorization ?? '';
  if (!/^basic /i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));
  try {
    return { clientId: formDecode(decoded.slice(0, separator)), secret: formDecode(decoded.slice(separator + 1)) };
  } catch {
    return undefined;
  }
}

function thumbprints(pem: string): RegisteredCertificate {
  const certificate = new X509Certificate(pem);
  const der = certificate.raw;
  return {
    publicKey: certificate.publicKey,
    sha1: createHash('sha1').update(der).digest('base64url'),
    sha256: createHash('sha256').update(der).digest('base64url'),
  };
}

export async function createTokenService(
  tenant: TenantSeed,
  resolveCertificate: (reference: string) => string,
  now: () => Date,
  options: { lifetimeSeconds?: number } = {},
): Promise<TokenService> {
  const tokenLifetimeSeconds = options.lifetimeSeconds ?? 3599;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const keyId = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: keyId, use: 'sig', alg: 'RS256' };
  const apps = new Map(tenant.applications.map((app) => [app.clientId.toLowerCase(), app]));
  const certificates = new Map(
    tenant.applications.map((app) => [app.clientId.toLowerCase(), app.certificates.map((ref) => thumbprints(resolveCertificate(ref)))]),
  );
  const tenantNames = new Set([tenant.tenantId.toLowerCase(), tenant.domain.toLowerCase(), 'organizations']);

  const issueToken = async (app: AppRegistration): Promise<EmulatorResponse> => {
    const issuedAt = Math.floor(now().getTime() / 1000);
    const accessToken = await new SignJWT({
      aud: 'https://graph.microsoft.com',
      tid: tenant.tenantId,
      appid: app.clientId,
      app_displayname: app.displayName,
      idtyp: 'app',
      oid: app.clientId,
      roles: app.roles,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keyId })
      .setIssuer(`https://sts.windows.net/${tenant.tenantId}/`)
      .setSubject(app.clientId)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + tokenLifetimeSeconds)
      .setJti(randomUUID())
      .sign(privateKey as CryptoKey);
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: tokenLifetimeSeconds, ext_expires_in: tokenLifetimeSeconds, access_token: accessToken },
    };
  };

  const verifyAssertion = async (app: AppRegistration, assertion: string, tokenEndpoint: string): Promise<string | undefined> => {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      return 'The client assertion is not a well-formed JWT.';
    }
    const registered = certificates.get(app.clientId.toLowerCase()) ?? [];
    const certificate = registered.find((cert) => cert.sha1 === header.x5t || cert.sha256 === header['x5t#S256']);
    if (!certificate) return `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(header.x5t ?? header['x5t#S256'] ?? '')}']`;
    try {
      const { payload } = await jwtVerify(assertion, certificate.publicKey, { currentDate: now(), clockTolerance: 300, algorithms: ['RS256', 'PS256'] });
      if (payload.iss !== app.clientId || payload.sub !== app.clientId) return 'The issuer and subject of the client assertion must be the client id.';
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.some((aud) => aud === tokenEndpoint || aud?.startsWith(tokenEndpoint.replace(/\/oauth2\/v2\.0\/token$/, '')))) {
        return 'Client assertion audience claim does not match Realm issuer.';
      }
      return undefined;
    } catch {
      return 'Client assertion contains an invalid signature.';
    }
  };

  const tokenEndpoint = async (request: EmulatorRequest, tenantName: string): Promise<EmulatorResponse> => {
    if (!tenantNames.has(tenantName.toLowerCase())) {
      return entraError(400, 'invalid_request', 90002, `Tenant '${tenantName}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const basic = basicCredentials(request);
    const clientId = form.get('client_id') ?? basic?.clientId ?? '';
    if (clientId === '') return entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = apps.get(clientId.toLowerCase());
    if (!app) {
      return entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.endsWith('/.default') || scope.includes(' ')) {
      return entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const resource = scope.slice(0, -'/.default'.length);
    if (!graphAudiences.includes(resource)) {
      return entraError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }
    const secret = form.get('client_secret') ?? basic?.secret ?? null;
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!app.clientSecrets.includes(secret)) return entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    } else if (assertion !== null) {
      const problem = await verifyAssertion(app, assertion, `${request.origin}/${tenantName}/oauth2/v2.0/token`);
      if (problem) return entraError(401, 'invalid_client', 700027, problem);
    } else {
      return entraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    return issueToken(app);
  };

  const metadata = (request: EmulatorRequest, tenantName: string): EmulatorResponse => {
    const base = `${request.origin}/${tenant.tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${request.origin}/${tenantName}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      },
    };
  };

  return {
    async handle(request) {
      const match = /^\/([^/]+)\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.exec(request.path);
      if (!match) return undefined;
      const [, tenantName = '', endpoint] = match;
      if (endpoint === 'oauth2/v2.0/token' && request.method === 'POST') return tokenEndpoint(request, tenantName);
      if (endpoint === 'discovery/v2.0/keys' && request.method === 'GET') return { status: 200, body: { keys: [jwk] } };
      if (endpoint?.endsWith('openid-configuration') && request.method === 'GET') {
        if (!tenantNames.has(tenantName.toLowerCase())) return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenantName}' not found.`);
        return metadata(request, tenantName);
      }
      return entraError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    },

    async verifyBearer(request) {
      const authorization = request.headers.authorization ?? '';
      const unauthenticated = (message: string): GraphFault =>
        new GraphFault(401, 'InvalidAuthenticationToken', message, {
          'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
        });
      if (!authorization.toLowerCase().startsWith('bearer ')) throw unauthenticated('Access token is empty.');
      const token = authorization.slice(7).trim();
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: `https://sts.windows.net/${tenant.tenantId}/`,
          audience: graphAudiences,
          currentDate: now(),
        });
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
        return { tid: String(payload.tid), appid: String(payload.appid), roles };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ERR_JWT_EXPIRED') throw unauthenticated('Lifetime validation failed, the token is expired.');
        if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw unauthenticated('Access token validation failure. Invalid audience.');
        throw unauthenticated('Access token validation failure.');
      }
    },

    application(clientId) {
      return apps.get(clientId.toLowerCase());
    },

    applications() {
      return [...apps.values()];
    },
  };
}

export type MailAccess = 'read' | 'write' | 'send';
export type SiteAccess = 'read' | 'write' | 'manage' | 'share';

const mailRolesFor: Record<MailAccess, string[]> = {
  read: ['Mail.Read', 'Mail.ReadWrite'],
  write: ['Mail.ReadWrite'],
  send: ['Mail.Send'],
};

/**
 * Mail: tenant-wide Entra roles, or Exchange RBAC for Applications scoped to the mailbox
 * (https://learn.microsoft.com/exchange/permissions-exo/application-rbac).
 */
export function authorizeMail(app: AppRegistration, claims: TokenClaims, mailbox: string, access: MailAccess): void {
  const acceptable = mailRolesFor[access];
  const scoped = Object.entries(app.mailboxRoles).find(([address]) => address.toLowerCase() === mailbox.toLowerCase())?.[1] ?? [];
  if (acceptable.some((role) => claims.roles.includes(role) || (scoped as string[]).includes(role))) return;
  throw new GraphFault(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

const siteRoleRank: Record<SiteRole, number> = { read: 1, write: 2, owner: 3, fullcontrol: 4 };
/** Managing lists needs owner; sharing (ManagePermissions) is in SharePoint's Full Control level only. */
const accessRank: Record<SiteAccess, number> = { read: 1, write: 2, manage: 3, share: 4 };
const tenantWideSiteRoles: Record<string, number> = {
  'Sites.Read.All': 1,
  'Files.Read.All': 1,
  'Sites.ReadWrite.All': 2,
  'Files.ReadWrite.All': 2,
  'Sites.Manage.All': 3,
  'Sites.FullControl.All': 4,
};

/** https://learn.microsoft.com/graph/permissions-selected-overview */
export function authorizeSite(app: AppRegistration, claims: TokenClaims, sitePath: string, access: SiteAccess): void {
  const needed = accessRank[access];
  const tenantWide = Math.max(0, ...claims.roles.map((role) => tenantWideSiteRoles[role] ?? 0));
  const granted = app.siteRoles[sitePath];
  const selected = claims.roles.includes('Sites.Selected') && granted ? siteRoleRank[granted] : 0;
  if (Math.max(tenantWide, selected) >= needed) return;
  if (claims.roles.length === 0) {
    throw new GraphFault(403, 'accessDenied', 'Either scp or roles claim need to be present in the token.');
  }
  throw new GraphFault(403, 'accessDenied', 'Access denied');
}
