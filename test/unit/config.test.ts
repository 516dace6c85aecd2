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

  it('does not require the app registration client id under a managed identity, only with a certificate', async () => {
    const managed = { WEQS_GRAPH_CREDENTIAL: 'managed-identity', WEQS_CLIENT_CERTIFICATE_PATH: undefined, WEQS_CLIENT_ID: undefined };
    expect(loadConfig(await settings(managed)).credential).toEqual({ kind: 'managed-identity' });
    expect(await problemsOf({ WEQS_CLIENT_ID: undefined })).toEqual(['WEQS_CLIENT_ID is required when WEQS_GRAPH_CREDENTIAL is client-certificate']);
  });

  describe('storage identity (AzureWebJobsStorage__*, as the Functions host reads them)', () => {
    const identity = '0b6c1f7e-2a4d-4c3b-9e8f-1a2b3c4d5e6f';
    const userAssigned = {
      WEQS_GRAPH_CREDENTIAL: 'managed-identity',
      WEQS_CLIENT_CERTIFICATE_PATH: undefined,
      WEQS_CLIENT_ID: undefined,
      WEQS_MANAGED_IDENTITY_CLIENT_ID: identity,
      AzureWebJobsStorage: undefined,
      AzureWebJobsStorage__accountName: 'stweqsprod',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: identity,
    };

    it('reaches queues, tables and blobs of the named account with the same user-assigned identity as Graph', async () => {
      const config = loadConfig(await settings(userAssigned));
      expect(config.credential).toEqual({ kind: 'managed-identity', clientId: identity });
      expect(config.storage).toEqual({
        serviceUris: { queue: 'https://stweqsprod.queue.core.windows.net', table: 'https://stweqsprod.table.core.windows.net', blob: 'https://stweqsprod.blob.core.windows.net' },
      });
    });

    it('accepts the three service URIs instead of the account name, and names each one missing', async () => {
      const uris = {
        ...userAssigned,
        AzureWebJobsStorage__accountName: undefined,
        AzureWebJobsStorage__queueServiceUri: 'https://q.example.org',
        AzureWebJobsStorage__tableServiceUri: 'https://t.example.org',
        AzureWebJobsStorage__blobServiceUri: 'https://b.example.org',
      };
      expect(loadConfig(await settings(uris)).storage).toEqual({ serviceUris: { queue: 'https://q.example.org', table: 'https://t.example.org', blob: 'https://b.example.org' } });
      expect(await problemsOf({ ...uris, AzureWebJobsStorage__tableServiceUri: undefined, AzureWebJobsStorage__blobServiceUri: undefined })).toEqual([
        'AzureWebJobsStorage__tableServiceUri is required when the service URIs are used instead of AzureWebJobsStorage__accountName (weqs uses queues, tables and blobs)',
        'AzureWebJobsStorage__blobServiceUri is required when the service URIs are used instead of AzureWebJobsStorage__accountName (weqs uses queues, tables and blobs)',
      ]);
    });

    it('refuses a storage identity other than the Graph identity', async () => {
      expect(await problemsOf({ ...userAssigned, AzureWebJobsStorage__clientId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' })).toEqual([
        'AzureWebJobsStorage__clientId must be the same identity as WEQS_MANAGED_IDENTITY_CLIENT_ID: storage and Graph use one managed identity',
      ]);
    });

    it('requires the host to be told the user-assigned identity, with credential=managedidentity', async () => {
      expect(await problemsOf({ ...userAssigned, AzureWebJobsStorage__clientId: undefined, AzureWebJobsStorage__credential: undefined })).toEqual([
        'AzureWebJobsStorage__clientId is required with a user-assigned identity: set it to WEQS_MANAGED_IDENTITY_CLIENT_ID (and AzureWebJobsStorage__credential to managedidentity) so the Functions host uses the same identity',
      ]);
      expect(await problemsOf({ ...userAssigned, AzureWebJobsStorage__credential: undefined })).toEqual([
        'AzureWebJobsStorage__credential must be managedidentity when AzureWebJobsStorage__clientId is set (the Functions host reads the client id only then)',
      ]);
    });

    it('accepts a system-assigned identity with the account name alone', async () => {
      const config = loadConfig(await settings({ ...userAssigned, WEQS_MANAGED_IDENTITY_CLIENT_ID: undefined, AzureWebJobsStorage__clientId: undefined, AzureWebJobsStorage__credential: undefined }));
      expect(config.credential).toEqual({ kind: 'managed-identity' });
    });

    it('refuses a connection string and identity settings together', async () => {
      expect(await problemsOf({ AzureWebJobsStorage__accountName: 'stweqsprod' })).toEqual(['AzureWebJobsStorage and AzureWebJobsStorage__* are both set: use a connection string or an identity, not both']);
    });
  });

  it('refuses a client state too short to be a secret', async () => {
    expect(await problemsOf({ WEQS_SUBSCRIPTION_CLIENT_STATE: 'short' })).toEqual(['WEQS_SUBSCRIPTION_CLIENT_STATE must be a random secret of at least 32 characters']);
  });

  describe('waits (production values by default; tests and the chaos campaign set short ones)', () => {
    const timingNames = ['WEQS_SENT_ITEMS_SETTLE_SECONDS', 'WEQS_DEFER_BUSY_SECONDS', 'WEQS_DEFER_SEND_UNKNOWN_SECONDS', 'WEQS_DEFER_SEND_RATE_SECONDS'];

    it('waits a minute for Sent Items and puts emails off for 15, 30 and 60 s when nothing is set', async () => {
      const config = loadConfig(await settings(Object.fromEntries(timingNames.map((name) => [name, undefined]))));
      expect(config.sentItemsSettleMs).toBe(60_000);
      expect(config.deferSeconds).toEqual({ busy: 15, sendOutcomeUnknown: 30, sendRateBusy: 60 });
    });

    it('takes shorter waits in whole seconds', async () => {
      const config = loadConfig(await settings({ WEQS_SENT_ITEMS_SETTLE_SECONDS: '6', WEQS_DEFER_BUSY_SECONDS: '2', WEQS_DEFER_SEND_UNKNOWN_SECONDS: '3', WEQS_DEFER_SEND_RATE_SECONDS: '5' }));
      expect(config.sentItemsSettleMs).toBe(6000);
      expect(config.deferSeconds).toEqual({ busy: 2, sendOutcomeUnknown: 3, sendRateBusy: 5 });
    });

    it('names each wait that is not a whole number of seconds from 1 to 3600', async () => {
      const problems = await problemsOf({ WEQS_SENT_ITEMS_SETTLE_SECONDS: '0', WEQS_DEFER_BUSY_SECONDS: '1.5', WEQS_DEFER_SEND_UNKNOWN_SECONDS: 'soon', WEQS_DEFER_SEND_RATE_SECONDS: '3601' });
      expect(problems.map((problem) => problem.split(' ')[0])).toEqual(timingNames);
    });
  });
});
