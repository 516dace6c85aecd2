/**
 * `npm start`'s last word when a step fails: the step, what answered, and what to do, in place of
 * a stack trace (the CLI and the local host already print their own readable paragraph on
 * stderr, which is passed on as it is).
 */
export function describeStartFailure(step: string, error: unknown): string {
  const shape = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as { message?: unknown; code?: unknown; stderr?: unknown };
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  if (typeof shape.stderr === 'string' && shape.stderr.trim()) return `npm start could not ${step}.\n${shape.stderr.trim()}`;
  if (shape.code === 'EADDRINUSE' || message.includes('EADDRINUSE')) {
    const port = /(?:127\.0\.0\.1|::1?|localhost)[:\]]+(\d+)/.exec(message)?.[1];
    return `npm start could not ${step}: port ${port ?? '(see above)'} on 127.0.0.1 is already in use (another npm start, func start or Azurite?).\nWhat to do: stop it, or choose other ports: npm start -- --emulator-port 4100 --host-port 7171 --storage-ports 10100,10101,10102`;
  }
  // No stack: the first lines say what failed; the host's own output follows its first line.
  const lines = message.split('\n').filter((line) => !/^\s+at /.test(line));
  return `npm start could not ${step}: ${lines.join('\n').trim()}`;
}
