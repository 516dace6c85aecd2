import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EmulatorTuning } from '../../emulator/context.js';
import { startEmulator } from '../../emulator/server.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { alternativeReadings, loadDevTenant } from '../../emulator/tenant.js';
import type { TenantSeed } from '../../emulator/tenant.js';
import { ensureDevCertificates } from '../../emulator/tls.js';
import { EmulatorClient } from '../../dev/emulator-client.js';
import { createGraphClient } from '../../src/graph/graph-client.js';

export const inbox = 'workexperience@weqs.nhs.example';
export const otherMailbox = 'sam.patel@weqs.nhs.example';
export const sitePath = '/sites/WorkExperience';
export const siteHostname = 'weqs.sharepoint.example';

export interface TestEmulator {
  emulator: RunningEmulator;
  tenant: TenantSeed;
  /** The weqs app's Graph client: the real SDK, authenticated with the real certificate credential. */
  graph: Client;
  /** A Graph client for another app registration in the tenant, authenticated with its client secret. */
  graphAs(clientId: string, secret: string, options?: { maxRetries?: number }): Client;
  control: EmulatorClient;
  stop(): Promise<void>;
}

export interface TestEmulatorOptions {
  tuning?: Partial<EmulatorTuning>;
  /** Adjusts a copy of the embedded tenant before start (extra apps, other roles...). */
  tenant?: (seed: TenantSeed) => TenantSeed;
  maxRetries?: number;
}

/**
 * Which reading of Graph's uncertain behaviours the tests run under: `default` (the emulator's
 * pessimistic defaults) or `alternative` (every option flipped, `alternativeReadings`). A test's
 * own tenant adjustments apply on top, so a test that names a reading keeps it.
 */
export function emulatorReadings(): 'default' | 'alternative' {
  const value = process.env.WEQS_EMULATOR_READINGS ?? 'default';
  if (value !== 'default' && value !== 'alternative') throw new Error(`WEQS_EMULATOR_READINGS must be 'default' or 'alternative', not '${value}'.`);
  return value;
}

function withReadings(seed: TenantSeed): TenantSeed {
  return emulatorReadings() === 'alternative' ? { ...seed, behaviour: alternativeReadings(seed.behaviour) } : seed;
}

export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const certificates = await ensureDevCertificates();
  const seed = withReadings(await loadDevTenant());
  const tenant = options.tenant ? options.tenant(structuredClone(seed)) : seed;
  const emulator = await startEmulator({ tenant, certificates, ...(options.tuning ? { tuning: options.tuning } : {}) });
  const weqsApp = tenant.applications[0];
  if (!weqsApp) throw new Error('The tenant seed has no applications.');
  const credential = new ClientCertificateCredential(tenant.tenantId, weqsApp.clientId, { certificatePath: certificates.appCredentialPath }, { authorityHost: emulator.url, disableInstanceDiscovery: true });
  const clientFor = (credentialToUse: ClientCertificateCredential | ClientSecretCredential, maxRetries = options.maxRetries ?? 3): Client =>
    createGraphClient({ credential: credentialToUse, baseUrl: emulator.url, timeoutMs: 10_000, mailbox: inbox, mailboxConcurrency: 4, retryDelaySeconds: 0.05, maxRetries });
  return {
    emulator,
    tenant,
    graph: clientFor(credential),
    graphAs: (clientId, secret, clientOptions) =>
      clientFor(new ClientSecretCredential(tenant.tenantId, clientId, secret, { authorityHost: emulator.url, disableInstanceDiscovery: true }), clientOptions?.maxRetries),
    control: new EmulatorClient(emulator.url, certificates.caCertPath),
    stop: () => emulator.stop(),
  };
}
