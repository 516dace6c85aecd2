// The package is a CommonJS bundle: Node's ESM loader only sees its default export.
import azureFunctions from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { withInvocationLog } from '../src/invocation-log.js';
import { functionDefinitions } from './definitions.js';
import type { FunctionDefinition } from './definitions.js';

/** Every line a handler logs goes through its invocation's context.log channel (see src/logging.ts). */
export function logThroughInvocation<T, R>(handler: (trigger: T, context: InvocationContext) => R | Promise<R>): ((trigger: T, context: InvocationContext) => Promise<R>) & { inner: unknown } {
  const routed = (trigger: T, context: InvocationContext): Promise<R> => withInvocationLog(context, async () => handler(trigger, context));
  // The table's own handler, for checks that the registration is exactly the function table.
  return Object.assign(routed, { inner: handler });
}

/** Registers one table entry with the Azure Functions v4 programming model. */
export function register(definition: FunctionDefinition): void {
  const { name, trigger } = definition;
  switch (trigger.type) {
    case 'http':
      azureFunctions.app.http(name, { route: trigger.route, methods: trigger.methods, authLevel: trigger.authLevel, handler: logThroughInvocation(definition.handler as Extract<FunctionDefinition, { trigger: { type: 'http' } }>['handler']) });
      return;
    case 'queue':
      azureFunctions.app.storageQueue(name, { queueName: trigger.queueName, connection: trigger.connection, handler: logThroughInvocation(definition.handler as Extract<FunctionDefinition, { trigger: { type: 'queue' } }>['handler']) });
      return;
    case 'timer':
      azureFunctions.app.timer(name, { schedule: trigger.schedule, handler: logThroughInvocation(definition.handler as Extract<FunctionDefinition, { trigger: { type: 'timer' } }>['handler']) });
      return;
  }
}

for (const definition of functionDefinitions) register(definition);
