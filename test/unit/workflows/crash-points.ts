/** The process died at this call: it and every call after it fail until the world is revived. */
export class Crash extends Error {}

/**
 * The crash switch the in-process worlds share: every port call is a crash point before and after
 * its effect, so a test can kill the process at each one in turn and check what a retry does.
 */
export abstract class CrashPoints {
  /** Port calls made so far, by name, for crash points and for asserting what happened. */
  readonly calls: string[] = [];
  crashAt: { call: number; when: 'before' | 'after' } | undefined;
  /** Makes one named port call fail (not a crash: the process lives on). */
  failing: { name: string; error: Error } | undefined;
  /** Whether the crash switch fired (so a crash test knows it tested a crash). */
  crashed = false;
  private dead = false;

  /** A port call: a crash point before and after its effect. */
  protected async call<T>(name: string, effect: () => Promise<T>): Promise<T> {
    if (this.dead) throw new Crash(`dead before ${name}`);
    this.calls.push(name);
    const index = this.calls.length;
    if (this.crashAt?.call === index && this.crashAt.when === 'before') this.die(`crashed before ${name}`);
    if (this.failing?.name === name) throw this.failing.error;
    const result = await effect();
    if (this.crashAt?.call === index && this.crashAt.when === 'after') this.die(`crashed after ${name}`);
    return result;
  }

  /** A new process: nothing crashes any more. */
  revive(): void {
    this.dead = false;
    this.crashAt = undefined;
  }

  private die(message: string): never {
    this.dead = true;
    this.crashed = true;
    throw new Crash(message);
  }
}
