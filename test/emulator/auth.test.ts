import { ClientCertificateCredential } from '@azure/identity';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, otherMailbox, siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { decodeJwtPayload, extraApp, graphError, graphScope, rawFetch, secretCredential, secretOf, tokenRequest, weqsCredential } from './support/clients.js';

/**
 * Entra ID token endpoint and Graph authorization, as documented in
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow ,
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference and
 * https://learn.microsoft.com/exchange/permissions-exo/application-rbac (facts file §8, §10, §11).
 */
const reader = extraApp('0d1e2f30-4a5b-4c6d-8e7f-901234567801', 'Tenant mail reader', ['Mail.Read']);
const noMail = extraApp('0d1e2f30-4a5b-4c6d-8e7f-901234567802', 'Directory reader', ['User.Read.All']);
const unGranted = extraApp('0d1e2f30-4a5b-4c6d-8e7f-901234567803', 'Sites Selected without grant', ['Sites.Selected']);

interface EntraError {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

function expectEntraError(response: { status: number; json: unknown }, status: number, error: string, code: number): EntraError {
  expect(response.status).toBe(status);
  const body = response.json as EntraError;
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  return body;
}

describe('Entra token endpoint and Graph authorization', () => {
  let env: TestEmulator;
  let tenantId: string;
  let inboxMessageId: string;
  let otherMessageId: string;

  beforeAll(async () => {
    env = await startTestEmulator({
      tenant: (seed) => ({ ...seed, applications: [...seed.applications, reader, noMail, unGranted] }),
    });
    tenantId = env.tenant.tenantId;
    inboxMessageId = (await env.control.deliver({ to: inbox, from: { address: 'jo@trust.example' }, subject: 'to the inbox', body: 'hi' })).id;
    otherMessageId = (await env.control.deliver({ to: otherMailbox, from: { address: 'jo@trust.example' }, subject: 'to Sam', body: 'hi' })).id;
  });
  afterAll(async () => env.stop());

  describe('POST /{tenant}/oauth2/v2.0/token', () => {
    it('issues an app-only Graph token for a client secret, carrying the app registration roles and no scp', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      const body = response.json as { token_type: string; expires_in: number; ext_expires_in: number; access_token: string };
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(3599);
      expect(body.ext_expires_in).toBe(3599);
      const claims = decodeJwtPayload(body.access_token);
      expect(claims).toMatchObject({
        aud: 'https://graph.microsoft.com',
        iss: `https://sts.windows.net/${tenantId}/`,
        tid: tenantId,
        appid: reader.clientId,
        idtyp: 'app',
        roles: ['Mail.Read'],
      });
      expect(claims).not.toHaveProperty('scp');
      expect(Number(claims.exp) - Number(claims.iat)).toBe(3599);
    });

    it('accepts the client secret through HTTP Basic authentication', async () => {
      const basic = Buffer.from(`${encodeURIComponent(reader.clientId)}:${encodeURIComponent(secretOf(reader))}`).toString('base64');
      const response = await tokenRequest(env, tenantId, { scope: graphScope, grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
      expect(response.status).toBe(200);
      expect(decodeJwtPayload((response.json as { access_token: string }).access_token).appid).toBe(reader.clientId);
    });

    it('accepts the tenant by its domain name as well as its id', async () => {
      const response = await tokenRequest(env, env.tenant.domain, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
    });

    it('issues a token to @azure/identity ClientCertificateCredential (signed client assertion) with the roles of the weqs app', async () => {
      const credential = await weqsCredential(env);
      const token = await credential.getToken(graphScope);
      const claims = decodeJwtPayload(token.token);
      expect(claims.appid).toBe(env.tenant.applications[0]?.clientId);
      expect(claims.roles).toEqual(['Sites.Selected']);
      expect(claims).not.toHaveProperty('scp');
      expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    });

    it('issues a token to @azure/identity ClientSecretCredential', async () => {
      const token = await secretCredential(env, reader).getToken(graphScope);
      expect(decodeJwtPayload(token.token).roles).toEqual(['Mail.Read']);
    });

    it('rejects a client assertion signed with a certificate not registered on the app with 401 invalid_client AADSTS700027', async () => {
      const stranger = await generate([{ name: 'commonName', value: 'not registered' }], { keySize: 2048, algorithm: 'sha256' });
      const appId = env.tenant.applications[0]?.clientId ?? '';
      const pem = `${stranger.private.trim()}\n${stranger.cert.trim()}\n`;
      const credential = new ClientCertificateCredential(tenantId, appId, { certificate: pem }, { authorityHost: env.emulator.url, disableInstanceDiscovery: true });
      await expect(credential.getToken(graphScope)).rejects.toThrow(/AADSTS700027/);
    });

    it('answers an unknown tenant with 400 invalid_request AADSTS90002', async () => {
      const response = await tokenRequest(env, '11111111-2222-3333-4444-555555555555', { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' });
      const body = expectEntraError(response, 400, 'invalid_request', 90002);
      expect(body.error_description).toContain("Tenant '11111111-2222-3333-4444-555555555555' not found");
    });

    it('answers an unknown client id with 400 unauthorized_client AADSTS700016', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: '99999999-8888-7777-6666-555555555555', client_secret: 'whatever-secret-value', scope: graphScope, grant_type: 'client_credentials' });
      const body = expectEntraError(response, 400, 'unauthorized_client', 700016);
      expect(body.error_description).toContain("Application with identifier '99999999-8888-7777-6666-555555555555' was not found");
    });

    it('answers a wrong client secret with 401 invalid_client AADSTS7000215', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: 'not-the-secret-0123456789', scope: graphScope, grant_type: 'client_credentials' });
      expectEntraError(response, 401, 'invalid_client', 7000215);
    });

    it('answers a request with neither secret nor assertion with 401 invalid_client AADSTS7000218', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, scope: graphScope, grant_type: 'client_credentials' });
      expectEntraError(response, 401, 'invalid_client', 7000218);
    });

    it('answers a delegated-style scope with 400 invalid_scope AADSTS1002012 (client credentials need {resource}/.default)', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: 'https://graph.microsoft.com/Mail.Read', grant_type: 'client_credentials' });
      const body = expectEntraError(response, 400, 'invalid_scope', 1002012);
      expect(body.error_description).toContain('/.default');
    });

    it('answers /.default of a resource the tenant does not know with 400 invalid_resource AADSTS500011', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: 'https://api.unknown.example/.default', grant_type: 'client_credentials' });
      expectEntraError(response, 400, 'invalid_resource', 500011);
    });

    it('answers a grant type other than client_credentials with 400 unsupported_grant_type AADSTS70003', async () => {
      const response = await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'password' });
      expectEntraError(response, 400, 'unsupported_grant_type', 70003);
    });
  });

  describe('OpenID Connect metadata', () => {
    it('publishes the token endpoint and a JWKS that verifies the issued tokens', async () => {
      const metadata = await rawFetch(env, `/${tenantId}/v2.0/.well-known/openid-configuration`);
      expect(metadata.status).toBe(200);
      const document = metadata.json as { token_endpoint: string; jwks_uri: string; issuer: string; token_endpoint_auth_methods_supported: string[] };
      expect(document.token_endpoint).toBe(`${env.emulator.url}/${tenantId}/oauth2/v2.0/token`);
      expect(document.issuer).toBe(`${env.emulator.url}/${tenantId}/v2.0`);
      expect(document.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_post', 'private_key_jwt', 'client_secret_basic']));

      const keys = await fetch(document.jwks_uri);
      expect(keys.status).toBe(200);
      const jwks = (await keys.json()) as JSONWebKeySet;
      expect(jwks.keys[0]?.kty).toBe('RSA');
      const { access_token: token } = (await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' })).json as { access_token: string };
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: `https://sts.windows.net/${tenantId}/`, audience: 'https://graph.microsoft.com' });
      expect(payload.appid).toBe(reader.clientId);
    });

    it('answers metadata for an unknown tenant with 400 invalid_tenant AADSTS90002', async () => {
      const response = await rawFetch(env, '/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration');
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    });
  });

  describe('bearer tokens on Graph calls', () => {
    const messagesPath = `/v1.0/users/${inbox}/messages`;

    it('returns 401 InvalidAuthenticationToken with a WWW-Authenticate challenge when no token is sent', async () => {
      const response = await rawFetch(env, messagesPath);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(response.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      expect((response.json as { error: { innerError: Record<string, string> } }).error.innerError['request-id']).toBe(response.headers.get('request-id'));
    });

    it('returns 401 InvalidAuthenticationToken for a garbage token', async () => {
      const response = await rawFetch(env, messagesPath, { headers: { authorization: 'Bearer not.a.jwt' } });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    });

    it('returns 401 InvalidAuthenticationToken for a token signed by someone else', async () => {
      const { access_token: token } = (await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' })).json as { access_token: string };
      const [header, payload] = token.split('.');
      const forged = `${header ?? ''}.${payload ?? ''}.${Buffer.from('forged signature').toString('base64url')}`;
      const response = await rawFetch(env, messagesPath, { headers: { authorization: `Bearer ${forged}` } });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    });

    it('keeps accepting a token when only the virtual clock moves (tokens live in real time)', async () => {
      const { access_token: token } = (await tokenRequest(env, tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' })).json as { access_token: string };
      await env.control.call('POST', '/_emulator/clock', { advanceMs: 2 * 3600_000 });
      try {
        expect((await rawFetch(env, messagesPath, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      } finally {
        await env.control.call('POST', '/_emulator/clock', { set: new Date().toISOString() });
      }
    });
  });

  describe('expired tokens', () => {
    let shortLived: TestEmulator;
    beforeAll(async () => {
      shortLived = await startTestEmulator({
        tuning: { tokenLifetimeSeconds: 1 },
        tenant: (seed) => ({ ...seed, applications: [...seed.applications, reader] }),
      });
    });
    afterAll(async () => shortLived.stop());

    it('returns 401 InvalidAuthenticationToken "Lifetime validation failed" once the token has expired', async () => {
      const response = await tokenRequest(shortLived, shortLived.tenant.tenantId, { client_id: reader.clientId, client_secret: secretOf(reader), scope: graphScope, grant_type: 'client_credentials' });
      const { access_token: token, expires_in: expiresIn } = response.json as { access_token: string; expires_in: number };
      expect(expiresIn).toBe(1);
      const path = `/v1.0/users/${inbox}/messages`;
      const claims = decodeJwtPayload(token);
      // Expired once the whole second named by `exp` has been reached.
      await new Promise((resolve) => setTimeout(resolve, Number(claims.exp) * 1000 - Date.now() + 20));
      const after = await rawFetch(shortLived, path, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(after.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } });
    });
  });

  describe('mail authorization (Entra roles and Exchange RBAC for Applications)', () => {
    it('lets the weqs app read the work experience inbox it is scoped to', async () => {
      const message = (await env.graph.api(`/users/${inbox}/messages/${inboxMessageId}`).select('subject').get()) as { subject: string };
      expect(message.subject).toBe('to the inbox');
    });

    it('returns 403 ErrorAccessDenied when the weqs app reads a mailbox outside its RBAC scope', async () => {
      const error = await graphError(env.graph.api(`/users/${otherMailbox}/messages/${otherMessageId}`).get());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('ErrorAccessDenied');
      const list = await graphError(env.graph.api(`/users/${otherMailbox}/mailFolders/inbox/messages`).get());
      expect(list.statusCode).toBe(403);
      expect(list.code).toBe('ErrorAccessDenied');
    });

    it('returns 403 ErrorAccessDenied when the weqs app sends as a mailbox outside its RBAC scope', async () => {
      const error = await graphError(
        env.graph.api(`/users/${otherMailbox}/sendMail`).post({ message: { subject: 'x', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: 'a@b.example' } }] } }),
      );
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('ErrorAccessDenied');
    });

    it('lets an app with tenant-wide Mail.Read read every mailbox', async () => {
      const client = env.graphAs(reader.clientId, secretOf(reader));
      const first = (await client.api(`/users/${inbox}/messages/${inboxMessageId}`).select('subject').get()) as { subject: string };
      const second = (await client.api(`/users/${otherMailbox}/messages/${otherMessageId}`).select('subject').get()) as { subject: string };
      expect([first.subject, second.subject]).toEqual(['to the inbox', 'to Sam']);
    });

    it('returns 403 ErrorAccessDenied when a Mail.Read app updates or sends', async () => {
      const client = env.graphAs(reader.clientId, secretOf(reader));
      const update = await graphError(client.api(`/users/${otherMailbox}/messages/${otherMessageId}`).patch({ isRead: true }));
      expect([update.statusCode, update.code]).toEqual([403, 'ErrorAccessDenied']);
      const send = await graphError(client.api(`/users/${otherMailbox}/messages/${otherMessageId}/reply`).post({ comment: 'x' }));
      expect([send.statusCode, send.code]).toEqual([403, 'ErrorAccessDenied']);
    });

    it('returns 403 ErrorAccessDenied to an app with no mail permission at all', async () => {
      const client = env.graphAs(noMail.clientId, secretOf(noMail));
      const error = await graphError(client.api(`/users/${inbox}/messages`).get());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('ErrorAccessDenied');
    });
  });

  describe('Sites.Selected', () => {
    const siteUrl = `/sites/${siteHostname}:${sitePath}`;

    it('lets the weqs app reach the site it was granted', async () => {
      const site = (await env.graph.api(siteUrl).get()) as { id: string };
      expect(site.id.startsWith(`${siteHostname},`)).toBe(true);
    });

    it('returns 403 accessDenied to an app holding Sites.Selected without a grant on the site', async () => {
      const error = await graphError(env.graphAs(unGranted.clientId, secretOf(unGranted)).api(siteUrl).get());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('accessDenied');
    });
  });
});
