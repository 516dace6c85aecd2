import type { TokenCredential } from '@azure/core-auth';
import { describeServiceFailure, formatServiceFailure } from './cli/service-errors.js';
import { ConfigError, loadConfig } from './config.js';
import type { Config } from './config.js';
import { createCredential, graphScope } from './graph/graph-client.js';
import { queueNames } from './storage/queue-names.js';
import { queueServiceClient } from './storage/queues.js';

/** What start-up found: nothing wrong (0), a service that did not answer or refused (1), bad settings (78, EX_CONFIG). */
export interface StartupReport {
  exitCode: 0 | 1 | 78;
  /** One paragraph a problem: what weqs tried to reach, what answered, and what to do. */
  problems: string[];
}

export interface StartupProbes {
  storage(config: Config, credential: TokenCredential): Promise<void>;
  token(credential: TokenCredential): Promise<void>;
}

const isNotFound = (error: unknown): boolean => (error as { statusCode?: unknown }).statusCode === 404;

/** The two things every function needs: the storage account (queues) and a Graph token. */
export const startupProbes: StartupProbes = {
  async storage(config, credential) {
    // One retry: the SDK's default of four with back-off would keep an administrator waiting half a minute.
    const service = queueServiceClient(config.storage, credential, { retryOptions: { maxTries: 2, retryDelayInMs: 500, tryTimeoutInMs: 10_000 } });
    // A queue that does not exist yet still proves the account answers (the host creates it).
    await service.getQueueClient(queueNames.inboundMessages).getProperties().catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  },
  async token(credential) {
    if (!(await credential.getToken(graphScope))) throw new Error('the credential returned no token');
  },
};

/**
 * Run when the host starts, before any function: the settings, then storage and the token
 * endpoint together, so one start names every problem at once instead of a stack trace from the
 * first SDK that failed (an MSAL or undici trace says nothing an administrator can act on).
 */
export async function checkStartup(environment: Record<string, string | undefined> = process.env, probes: StartupProbes = startupProbes): Promise<StartupReport> {
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return { exitCode: 78, problems: [error.message] };
    throw error;
  }
  const credential = createCredential(config);
  const results = await Promise.allSettled([probes.storage(config, credential), probes.token(credential)]);
  const problems = results.flatMap((result) => (result.status === 'rejected' ? [formatServiceFailure(describeServiceFailure(result.reason, config), 'weqs cannot start')] : []));
  return { exitCode: problems.length > 0 ? 1 : 0, problems };
}
