import { describe, expect, it } from 'vitest';
import { readLocalSettings } from '../../dev/local-settings.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const settings = async (changes: Record<string, string | undefined> = {}): Promise<Record<string, string | undefined>> => ({ ...(await readLocalSettings()), ...changes });

const problemsOf = async (changes: Record<string, string | undefined>): Promise<string[]> => {
  try {
    loadConfig(await settings(changes));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('accepts the committed example settings for the embedded tenant', async () => {
    const config = loadConfig(await settings());
    expect(config.inboxAddress).toBe('workexperience@weqs.nhs.example');
    expect(config.credential).toMatchObject({ kind: 'client-certificate', instanceDiscovery: false });
    expect(config.sendRatePerMinute).toBe(25);
  });

  it('names a missing setting', async () => {
    expect(await problemsOf({ WEQS_INBOX_ADDRESS: undefined })).toEqual(['WEQS_INBOX_ADDRESS is missing']);
  });

  it('names every malformed setting at once', async () => {
    const problems = await problemsOf({ WEQS_SEND_RATE_PER_MINUTE: '30', WEQS_TEAMS_WEBHOOK_URL: 'http://example.org/hook', WEQS_TENANT_ID: 'contoso' });
    expect(problems).toHaveLength(3);
    expect(problems).toContain("WEQS_SEND_RATE_PER_MINUTE must be below the mailbox's sending limit (WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE, 30 a minute)");
    expect(problems.some((problem) => problem.startsWith('WEQS_TEAMS_WEBHOOK_URL') && problem.includes('https'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('WEQS_TENANT_ID'))).toBe(true);
  });

  it('refuses the committed development clientState outside the embedded tenant on this machine', async () => {
    const refusal = 'WEQS_SUBSCRIPTION_CLIENT_STATE is the published development value, which only the embedded tenant on this machine may use: set a random secret (Key Vault reference)';
    expect(await problemsOf({ WEQS_TENANT_ID: '0b7f3a52-1c4d-4e8f-9a61-3d2b5c7e9f10' })).toEqual([refusal]);
    expect(await problemsOf({ WEQS_GRAPH_BASE_URL: 'https://graph.microsoft.com' })).toEqual([refusal]);
    // A real secret is fine anywhere.
    expect(await problemsOf({ WEQS_TENANT_ID: '0b7f3a52-1c4d-4e8f-9a61-3d2b5c7e9f10', WEQS_GRAPH_BASE_URL: 'https://graph.microsoft.com', WEQS_SUBSCRIPTION_CLIENT_STATE: 'Zq8vN3xK1pR7tY5wB2mD9fH4jL6sA0cE' })).toEqual([]);
  });

  it('requires a certificate path for the client-certificate credential', async () => {
    expect(await problemsOf({ WEQS_CLIENT_CERTIFICATE_PATH: undefined })).toEqual(['WEQS_CLIENT_CERTIFICATE_PATH is required when WEQS_GRAPH_CREDENTIAL is client-certificate']);
  });

  it('accepts a managed identity and identity-based storage, as in Azure', async () => {
    const config = loadConfig(await settings({ WEQS_GRAPH_CREDENTIAL: 'managed-identity', WEQS_CLIENT_CERTIFICATE_PATH: undefined, AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: 'stweqsprod' }));
    expect(config.credential).toEqual({ kind: 'managed-identity' });
    expect(config.storage).toEqual({ accountName: 'stweqsprod' });
  });

  it('refuses a client state too short to be a secret', async () => {
    expect(await problemsOf({ WEQS_SUBSCRIPTION_CLIENT_STATE: 'short' })).toEqual(['WEQS_SUBSCRIPTION_CLIENT_STATE must be a random secret of at least 32 characters']);
  });
});
