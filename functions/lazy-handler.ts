import type { InvocationContext } from '@azure/functions';

/**
 * A handler whose module is imported on its first invocation, not when the function app starts:
 * the worker then loads only the function manifest (cold start, docs/performance.md). A failed
 * import is not remembered, so the next invocation tries again.
 */
export function lazyHandler<T, R>(load: () => Promise<(trigger: T, context: InvocationContext) => R>): (trigger: T, context: InvocationContext) => Promise<Awaited<R>> {
  let loading: Promise<(trigger: T, context: InvocationContext) => R> | undefined;
  return async (trigger: T, context: InvocationContext): Promise<Awaited<R>> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    const handler = await loading;
    const result: Awaited<R> = await handler(trigger, context);
    return result;
  };
}
