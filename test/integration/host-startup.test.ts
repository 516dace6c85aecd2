import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { embeddedTenantSettings, projectRoot, readLocalSettings } from '../../dev/local-settings.js';
import { startAzurite } from '../../dev/storage-emulator.js';
import { reportStartup } from '../../functions/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { unusedPort } from '../support/ports.js';

const run = promisify(execFile);


const azuriteAt = (port: number): string =>
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;

/** The local host as `npm start` runs it, expected to refuse to start: its exit code and what it printed. */
async function startHost(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'dev', 'functions-host', 'cli.ts'), '--port', '0', '--no-timers'], { env: { ...process.env, ...env, WEQS_LOG_LEVEL: 'silent' }, cwd: projectRoot, timeout: 90_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

const noStackTrace = /^\s+at /m;

describe("the host's start-up when a service is unreachable or refuses", () => {
  it('names a bad setting and stops before reaching anything', async () => {
    const result = await startHost({ ...(await readLocalSettings()), WEQS_TENANT_ID: 'contoso' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('weqs cannot start: fix these settings.');
    expect(result.stderr).toContain('WEQS_TENANT_ID must be the directory (tenant) id');
    expect(result.stderr).not.toMatch(noStackTrace);
  }, 120_000);

  it('names the storage endpoint and the token endpoint it tried when neither answers, and what to do', async () => {
    const [storagePort, tokenPort] = [await unusedPort(), await unusedPort()];
    const authority = `https://127.0.0.1:${tokenPort}`;
    const result = await startHost({ ...(await readLocalSettings()), AzureWebJobsStorage: azuriteAt(storagePort), WEQS_AUTHORITY_HOST: authority, WEQS_GRAPH_BASE_URL: authority });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`weqs cannot start: Azure Storage at http://127.0.0.1:${storagePort}/devstoreaccount1 (the queue endpoint in AzureWebJobsStorage) — nothing is listening there (connection refused).`);
    expect(result.stderr).toContain('What to do: check AzureWebJobsStorage or AzureWebJobsStorage__accountName (locally: is Azurite running? `npm run storage` starts it in memory on loopback with --disableTelemetry)');
    expect(result.stderr).toContain(`weqs cannot start: Entra ID (token for Microsoft Graph) at ${authority} — its OpenID configuration could not be fetched (nothing answered there, or it is not an Entra ID authority).`);
    expect(result.stderr).toContain('What to do: check WEQS_AUTHORITY_HOST');
    expect(result.stderr).not.toMatch(noStackTrace);
  }, 120_000);

  it("names the token endpoint's refusal (an app the tenant does not know) and what to do", async () => {
    const storage = await startAzurite();
    const env = await startTestEmulator();
    try {
      const settings = embeddedTenantSettings(await readLocalSettings(), { emulatorUrl: env.emulator.url, webhookUrl: env.emulator.webhookUrl('staff-channel'), storage: storage.connectionString, hostUrl: 'http://127.0.0.1:7071' });
      const result = await startHost({ ...settings, WEQS_CLIENT_ID: '0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`weqs cannot start: Entra ID (token for Microsoft Graph) at ${env.emulator.url} — `);
      expect(result.stderr).toContain("AADSTS700016: Application with identifier '0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3' was not found");
      expect(result.stderr).toContain('What to do: check WEQS_AUTHORITY_HOST, WEQS_TENANT_ID, WEQS_CLIENT_ID');
      // Storage answered, so it is not named.
      expect(result.stderr).not.toContain('Azure Storage');
      expect(result.stderr).not.toMatch(noStackTrace);
    } finally {
      await env.stop();
      await storage.stop();
    }
  }, 120_000);
});

describe('npm start when a step fails', () => {
  it('names the port already in use and what to do, with no stack trace', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      let result: { code: number; stderr: string };
      try {
        await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'dev', 'start.ts'), '--no-demo', '--emulator-port', String(port), '--storage-ports', '0,0,0', '--host-port', String(await unusedPort())], { env: { ...process.env, WEQS_LOG_LEVEL: 'silent' }, cwd: projectRoot, timeout: 90_000 });
        result = { code: 0, stderr: '' };
      } catch (error) {
        result = error as { code: number; stderr: string };
      }
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`npm start could not start the Microsoft 365 emulator on port ${port}: port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('What to do: stop it, or choose other ports: npm start -- --emulator-port');
      expect(result.stderr).not.toMatch(noStackTrace);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 120_000);
});

describe("the function app's start-up in Azure (the appStart hook)", () => {
  it('writes each problem as what was tried, what answered and what to do', async () => {
    const written: string[] = [];
    const port = await unusedPort();
    const code = await reportStartup({ ...(await readLocalSettings()), AzureWebJobsStorage: azuriteAt(port), WEQS_AUTHORITY_HOST: `https://127.0.0.1:${port}`, WEQS_LOG_LEVEL: 'silent' }, (text) => written.push(text));
    expect(code).toBe(1);
    expect(written).toEqual([expect.stringContaining(`weqs cannot start: Azure Storage at http://127.0.0.1:${port}/devstoreaccount1`), expect.stringContaining(`weqs cannot start: Entra ID (token for Microsoft Graph) at https://127.0.0.1:${port}`)]);
    expect(written.join('\n')).not.toMatch(noStackTrace);
  }, 120_000);

  it('names a bad setting', async () => {
    const written: string[] = [];
    expect(await reportStartup({ ...(await readLocalSettings()), WEQS_SUBSCRIPTION_CLIENT_STATE: 'short' }, (text) => written.push(text))).toBe(78);
    expect(written).toEqual([expect.stringContaining('WEQS_SUBSCRIPTION_CLIENT_STATE must be a random secret of at least 32 characters')]);
  });
});
