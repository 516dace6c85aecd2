import { randomBytes, randomUUID } from 'node:crypto';

/** Identifier shapes close to the real services', so client code never relies on a simpler format. */
export const ids = {
  message: (): string => `AAMkAD${randomBytes(30).toString('base64url')}=`,
  conversation: (): string => `AAQkAD${randomBytes(18).toString('base64url')}=`,
  changeKey: (): string => `CQAAABYAAA${randomBytes(12).toString('base64url')}`,
  folder: (): string => `AAMkAD${randomBytes(18).toString('base64url')}AAA=`,
  driveItem: (): string => `01${Array.from(randomBytes(32), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('')}`,
  drive: (): string => `b!${randomBytes(48).toString('base64url')}`,
  guid: (): string => randomUUID(),
  internetMessageId: (domain: string): string => `<${randomBytes(12).toString('hex')}@${domain}>`,
};

export function isMessageId(value: string): boolean {
  return /^AAMkAD[A-Za-z0-9_-]+=*$/.test(value);
}

/** The emulator's clock: real time plus an offset that tests can advance. */
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(milliseconds: number): void {
    this.offsetMs += milliseconds;
  }

  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
