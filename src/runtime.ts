import type { Client } from '@microsoft/microsoft-graph-client';
import { loadConfig } from './config.js';
import type { Config } from './config.js';
import { graphClientFromConfig } from './graph/graph-client.js';
import { rootLogger } from './logging.js';
import { Queues, queueServiceClient } from './storage/queues.js';

/** What the functions need, built once per process from the settings (the composition root). */
export interface Runtime {
  config: Config;
  graph: Client;
  queues: Queues;
}

let runtime: Runtime | undefined;

export function createRuntime(config: Config): Runtime {
  rootLogger.level = config.logLevel;
  return { config, graph: graphClientFromConfig(config), queues: new Queues(queueServiceClient(config.storage)) };
}

export function getRuntime(): Runtime {
  runtime ??= createRuntime(loadConfig());
  return runtime;
}
