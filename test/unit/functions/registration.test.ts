import Module from 'node:module';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { functionDefinitions } from '../../../functions/definitions.js';
import { maxDequeueCount } from '../../../functions/process-inbound-message.js';

interface CoreBinding {
  type: string;
  direction: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  queueName?: string;
  connection?: string;
  schedule?: string;
}
interface Registration {
  metadata: { name: string; bindings: Record<string, CoreBinding> };
  handler: unknown;
}

/**
 * In Azure the Functions worker provides `@azure/functions-core`; @azure/functions calls its
 * registerFunction for every app.http/app.storageQueue/app.timer. The test provides that module
 * the same way (through the module loader) and records what the real library registers.
 */
async function registrationsOfTheRealApp(): Promise<Registration[]> {
  const registered: Registration[] = [];
  const core = {
    version: '3.10.1',
    hostVersion: '4.1040.0',
    setProgrammingModel: () => undefined,
    getProgrammingModel: () => undefined,
    registerFunction: (metadata: Registration['metadata'], handler: unknown) => {
      registered.push({ metadata, handler });
      return { dispose: () => undefined };
    },
    registerHook: () => ({ dispose: () => undefined }),
    log: () => undefined,
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function load(this: unknown, request: string, ...rest: unknown[]) {
    return request === '@azure/functions-core' ? core : original.call(this, request, ...rest);
  };
  try {
    await import('../../../functions/index.js');
  } finally {
    loader._load = original;
  }
  return registered;
}

describe('functions/index.ts', () => {
  it('registers exactly the function table with @azure/functions, trigger for trigger and handler for handler', async () => {
    const registered = await registrationsOfTheRealApp();
    expect(registered.map((entry) => entry.metadata.name).sort()).toEqual(functionDefinitions.map((definition) => definition.name).sort());
    for (const definition of functionDefinitions) {
      const entry = registered.find((candidate) => candidate.metadata.name === definition.name);
      // Registered wrapped, so its log lines go through the invocation's context.log (functions/index.ts).
      expect((entry?.handler as { inner?: unknown } | undefined)?.inner).toBe(definition.handler);
      const trigger = Object.values(entry?.metadata.bindings ?? {}).find((binding) => binding.direction === 'in' && binding.type.endsWith('Trigger'));
      switch (definition.trigger.type) {
        case 'http':
          expect(trigger).toMatchObject({ type: 'httpTrigger', route: definition.trigger.route, methods: definition.trigger.methods, authLevel: definition.trigger.authLevel });
          break;
        case 'queue':
          expect(trigger).toMatchObject({ type: 'queueTrigger', queueName: definition.trigger.queueName, connection: definition.trigger.connection });
          break;
        case 'timer':
          expect(trigger).toMatchObject({ type: 'timerTrigger', schedule: definition.trigger.schedule });
          break;
      }
    }
  });
});

describe('host.json', () => {
  it("retries a queue message as many times as the inbound function counts on, so its last attempt tells staff", () => {
    const hostJson = JSON.parse(readFileSync(new URL('../../../host.json', import.meta.url), 'utf8')) as { extensions: { queues: { maxDequeueCount: number } } };
    expect(hostJson.extensions.queues.maxDequeueCount).toBe(maxDequeueCount);
  });
});
