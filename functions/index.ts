// The package is a CommonJS bundle: Node's ESM loader only sees its default export.
import azureFunctions from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { withInvocationLog } from '../src/invocation-log.js';
import { functionDefinitions } from './definitions.js';
import type { FunctionDefinition } from './definitions.js';

/**
 * When an invocation fails because a setting is wrong or a service could not be reached or
 * refused, the operator reads what was tried, what answered and what to do in the invocation's
 * log, beside the host's own record of the failure. Loaded only then (it brings zod and the
 * settings schema); it never hides the original error.
 */
async function explainFailure(error: unknown, context: InvocationContext): Promise<void> {
  try {
    const [{ operatorMessage }, { loadConfig }] = await Promise.all([import('../src/cli/service-errors.js'), import('../src/config.js')]);
    const message = operatorMessage(error, `${context.functionName} could not complete`, () => loadConfig());
    if (message) context.error(message);
  } catch {
    // The failure itself is what matters; the host records it whatever happens here.
  }
}

/** Every line a handler logs goes through its invocation's context.log channel (see src/logging.ts). */
export function logThroughInvocation<T, R>(handler: (trigger: T, context: InvocationContext) => R | Promise<R>): ((trigger: T, context: InvocationContext) => Promise<R>) & { inner: unknown } {
  const routed = (trigger: T, context: InvocationContext): Promise<R> =>
    withInvocationLog(context, async () => handler(trigger, context)).catch(async (error: unknown) => {
      await explainFailure(error, context);
      throw error;
    });
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

/**
 * The app's start-up in Azure: the settings, storage and a Graph token, each problem written as
 * what was tried, what answered and what to do (the worker sends stderr to the host's logs, and
 * so to Application Insights). It runs after the module load and is not awaited, so it neither
 * slows a cold start nor stops the worker: a function that needs what failed fails, and its
 * invocation log says why in the same words (explainFailure). Loaded on demand: it brings the
 * identity and storage SDKs.
 */
export async function reportStartup(environment: Record<string, string | undefined> = process.env, write: (text: string) => void = (text) => process.stderr.write(`${text}\n`)): Promise<number> {
  try {
    const { checkStartup } = await import('../src/startup-check.js');
    const report = await checkStartup(environment);
    for (const problem of report.problems) write(problem);
    return report.exitCode;
  } catch (error) {
    write(`weqs could not check its start-up: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

for (const definition of functionDefinitions) register(definition);
azureFunctions.app.hook.appStart(() => {
  void reportStartup();
});
