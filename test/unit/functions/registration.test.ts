import Module from 'node:module';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { HttpResponseInit } from '@azure/functions';
import { functionDefinitions } from '../../../functions/definitions.js';
import { handleSubscriptionEvent } from '../../../functions/handle-subscription-event.js';
import { inboxNotifications } from '../../../functions/inbox-notifications.js';
import { maintainSubscription } from '../../../functions/maintain-subscription.js';
import { maxDequeueCount, processInboundMessage } from '../../../functions/process-inbound-message.js';
import { awardLifecycleTimer, closeCyclesTimer, folderAccessTimer, sendRemindersTimer, staffEditsTimer, weeklyDigestTimer } from '../../../functions/review-jobs.js';
import { subscriptionLifecycle } from '../../../functions/subscription-lifecycle.js';
import { sweepInboxTimer } from '../../../functions/sweep-inbox.js';

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
let registrations: Promise<Registration[]> | undefined;
/** The module registers once per process, so every test reads the one recording. */
function registrationsOfTheRealApp(): Promise<Registration[]> {
  registrations ??= recordRegistrations();
  return registrations;
}

async function recordRegistrations(): Promise<Registration[]> {
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

/**
 * The registrations as they were when every handler was imported at start-up (before the lazy
 * manifest): making start-up lighter must not add, drop or change a function, trigger or binding.
 */
const expectedRegistrations = [
  'inboxNotifications httpTrigger POST notifications anonymous',
  'subscriptionLifecycle httpTrigger POST lifecycle anonymous',
  'processInboundMessage queueTrigger inbound-messages AzureWebJobsStorage',
  'handleSubscriptionEvent queueTrigger subscription-events AzureWebJobsStorage',
  'maintainSubscription timerTrigger 0 7 */6 * * *',
  'sweepInbox timerTrigger 30 * * * * *',
  'sendReminders timerTrigger 0 5 7-18 * * *',
  'closeCycles timerTrigger 0 10 * * * *',
  'staffEdits timerTrigger 15 */5 * * * *',
  'awardLifecycle timerTrigger 0 20 6 * * *',
  'weeklyDigest timerTrigger 0 0 8 * * 1',
  'folderAccess timerTrigger 45 */10 * * * *',
];

/** Each function's handler as its module exports it. */
const handlerModules: Record<string, unknown> = {
  inboxNotifications,
  subscriptionLifecycle,
  processInboundMessage,
  handleSubscriptionEvent,
  maintainSubscription,
  sweepInbox: sweepInboxTimer,
  sendReminders: sendRemindersTimer,
  closeCycles: closeCyclesTimer,
  staffEdits: staffEditsTimer,
  awardLifecycle: awardLifecycleTimer,
  weeklyDigest: weeklyDigestTimer,
  folderAccess: folderAccessTimer,
};

describe('the function manifest (functions/definitions.ts)', () => {
  it('registers the same functions, triggers and bindings as before the handlers were loaded lazily', async () => {
    const registered = await registrationsOfTheRealApp();
    const summary = registered.map(({ metadata }) => {
      const bindings = Object.values(metadata.bindings);
      const trigger = bindings.find((binding) => binding.direction === 'in' && binding.type.endsWith('Trigger'));
      const detail = trigger?.type === 'httpTrigger' ? [trigger.methods?.join(','), trigger.route, trigger.authLevel] : trigger?.type === 'queueTrigger' ? [trigger.queueName, trigger.connection] : [trigger?.schedule];
      return [metadata.name, trigger?.type, ...detail].join(' ');
    });
    expect(summary).toEqual(expectedRegistrations);
  });

  it("loads each function's own handler from its module", async () => {
    expect(Object.keys(handlerModules).sort()).toEqual(functionDefinitions.map((definition) => definition.name).sort());
    for (const definition of functionDefinitions) expect(await definition.load(), definition.name).toBe(handlerModules[definition.name]);
  });

  it('runs the real handler through the lazily loaded module on the first invocation', async () => {
    const registered = await registrationsOfTheRealApp();
    const webhook = registered.find((entry) => entry.metadata.name === 'inboxNotifications')?.handler as (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
    // Graph's validation handshake needs no settings, so it shows the handler itself answered.
    const request = new HttpRequest({ method: 'POST', url: 'http://127.0.0.1/api/notifications?validationToken=handshake-1', query: { validationToken: 'handshake-1' } });
    const response = await webhook(request, new InvocationContext({ invocationId: 'inv-1', functionName: 'inboxNotifications' }));
    expect(response).toMatchObject({ status: 200, body: 'handshake-1' });
  });
});

describe('host.json', () => {
  it("retries a queue message as many times as the inbound function counts on, so its last attempt tells staff", () => {
    const hostJson = JSON.parse(readFileSync(new URL('../../../host.json', import.meta.url), 'utf8')) as { extensions: { queues: { maxDequeueCount: number } } };
    expect(hostJson.extensions.queues.maxDequeueCount).toBe(maxDequeueCount);
  });
});
