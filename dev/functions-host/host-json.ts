import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** `hh:mm:ss[.fff]` as host.json writes time spans. */
const timeSpan = z
  .string()
  .regex(/^\d{2}:\d{2}:\d{2}(\.\d+)?$/, 'must be a time span like 00:00:10')
  .transform((value) => {
    const [hours = '0', minutes = '0', seconds = '0'] = value.split(':');
    return Math.round(((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000);
  });

/**
 * The host.json settings the local host honours, with the Functions runtime's defaults.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json
 */
export const hostJsonSchema = z.object({
  version: z.literal('2.0'),
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().default('api') }).default({ routePrefix: 'api' }),
      queues: z
        .object({
          maxPollingIntervalMs: z.undefined().optional(),
          maxPollingInterval: timeSpan.default(60_000),
          visibilityTimeout: timeSpan.default(0),
          batchSize: z.number().int().min(1).max(32).default(16),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxDequeueCount: z.number().int().min(1).default(5),
          messageEncoding: z.enum(['base64', 'none']).default('base64'),
        })
        .default({ maxPollingInterval: 60_000, visibilityTimeout: 0, batchSize: 16, maxDequeueCount: 5, messageEncoding: 'base64' }),
    })
    .default({ http: { routePrefix: 'api' }, queues: { maxPollingInterval: 60_000, visibilityTimeout: 0, batchSize: 16, maxDequeueCount: 5, messageEncoding: 'base64' } }),
});

export type HostJson = z.infer<typeof hostJsonSchema>;
export type QueueSettings = HostJson['extensions']['queues'];

export async function readHostJson(path: string): Promise<HostJson> {
  const result = hostJsonSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!result.success) {
    throw new Error(`Invalid ${path}: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return result.data;
}
