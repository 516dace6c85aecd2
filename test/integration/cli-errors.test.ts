import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot, readLocalSettings } from '../../dev/local-settings.js';
import { unusedPort } from '../support/ports.js';

const run = promisify(execFile);


async function weqs(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'weqs.ts'), ...args], { env: { ...process.env, ...env, WEQS_LOG_LEVEL: 'silent' }, cwd: projectRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the CLI when a service is unreachable', () => {
  it('names the token endpoint it tried and what to do, with no MSAL stack trace', async () => {
    const port = await unusedPort();
    const down = `https://127.0.0.1:${port}`;
    const result = await weqs(['reminders', '--as-of', '2026-09-10', '--dry-run'], { ...(await readLocalSettings()), WEQS_AUTHORITY_HOST: down, WEQS_GRAPH_BASE_URL: down });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not complete: Entra ID (token for Microsoft Graph) at ${down}`);
    expect(result.stderr).toContain('What to do: check WEQS_AUTHORITY_HOST');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('names the storage it tried when Azurite is not running', async () => {
    const port = await unusedPort();
    const storage = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const result = await weqs(['outcomes'], { ...(await readLocalSettings()), AzureWebJobsStorage: storage });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Could not complete: Azure Storage');
    expect(result.stderr).toContain('nothing is listening there');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('names a bad setting instead of failing later', async () => {
    const result = await weqs(['outcomes'], { ...(await readLocalSettings()), WEQS_TENANT_ID: 'contoso' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WEQS_TENANT_ID must be the directory (tenant) id');
  }, 60_000);
});
