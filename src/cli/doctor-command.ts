import { parseArgs } from 'node:util';
import { formatDoctor, runDoctor } from './doctor.js';

/** `npm run weqs -- doctor`: prints each check; exit code 1 when any fails. */
export async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'other-mailbox': { type: 'string' }, 'post-test-card': { type: 'boolean', default: false } } });
  const lines = await runDoctor(process.env, { ...(values['other-mailbox'] ? { otherMailbox: values['other-mailbox'] } : {}), postTestCard: values['post-test-card'] });
  console.log(formatDoctor(lines));
  const failed = lines.filter((line) => line.verdict === 'fail').length;
  const warned = lines.filter((line) => line.verdict === 'warn').length;
  console.log(`\n${lines.length - failed - warned} passed, ${warned} warning(s), ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
