import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import type { Timer, TimerHandler } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';

/** Next occurrence of an NCRONTAB schedule (six fields, seconds first), in UTC as timer triggers run. */
export function nextOccurrence(schedule: string, after: Date): Date {
  if (schedule.trim().split(/\s+/).length !== 6) throw new Error(`Timer schedule '${schedule}' must have six NCRONTAB fields (seconds first).`);
  return CronExpressionParser.parse(schedule, { tz: 'UTC', currentDate: after }).next().toDate();
}

/**
 * Runs a timer function on its schedule. Like the runtime, an invocation never overlaps the
 * previous one of the same function; a late start is reported as `isPastDue`.
 */
export class TimerScheduler {
  private timeout?: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private stopped = false;
  private last?: Date;

  constructor(
    private readonly functionName: string,
    private readonly schedule: string,
    private readonly handler: TimerHandler,
    private readonly log: Logger,
  ) {
    nextOccurrence(schedule, new Date());
  }

  start(): void {
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const next = nextOccurrence(this.schedule, new Date());
    this.timeout = setTimeout(() => {
      this.running = this.invoke(next).finally(() => {
        this.running = undefined;
        this.arm();
      });
    }, Math.max(0, next.getTime() - Date.now()));
  }

  /** Also what `POST /admin/functions/{name}` calls. */
  async invoke(due: Date = new Date()): Promise<void> {
    const timer: Timer = {
      isPastDue: Date.now() - due.getTime() > 1000,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: (this.last ?? due).toISOString(), next: nextOccurrence(this.schedule, due).toISOString(), lastUpdated: new Date().toISOString() },
    };
    this.last = due;
    const invocationId = randomUUID();
    const context = new azureFunctions.InvocationContext({
      invocationId,
      functionName: this.functionName,
      logHandler: (_level, ...args) => this.log.info({ invocationId }, args.map(String).join(' ')),
      options: { trigger: { type: 'timerTrigger', name: 'timer' }, extraInputs: [], extraOutputs: [] },
    });
    try {
      await this.handler(timer, context);
    } catch (error) {
      this.log.error({ err: error, function: this.functionName }, 'timer function failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timeout);
    await this.running;
  }
}
