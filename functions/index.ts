// The package is a CommonJS bundle: Node's ESM loader only sees its default export.
import azureFunctions from '@azure/functions';
import { functionDefinitions } from './definitions.js';
import type { FunctionDefinition } from './definitions.js';

/** Registers one table entry with the Azure Functions v4 programming model. */
export function register(definition: FunctionDefinition): void {
  const { name, trigger } = definition;
  switch (trigger.type) {
    case 'http':
      azureFunctions.app.http(name, { route: trigger.route, methods: trigger.methods, authLevel: trigger.authLevel, handler: definition.handler as Extract<FunctionDefinition, { trigger: { type: 'http' } }>['handler'] });
      return;
    case 'queue':
      azureFunctions.app.storageQueue(name, { queueName: trigger.queueName, connection: trigger.connection, handler: definition.handler as Extract<FunctionDefinition, { trigger: { type: 'queue' } }>['handler'] });
      return;
    case 'timer':
      azureFunctions.app.timer(name, { schedule: trigger.schedule, handler: definition.handler as Extract<FunctionDefinition, { trigger: { type: 'timer' } }>['handler'] });
      return;
  }
}

for (const definition of functionDefinitions) register(definition);
