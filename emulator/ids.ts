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

/**
 * Date-times as Graph writes them, which differ by workload: Outlook resources to the second
 * (`2016-10-19T10:37:00Z`, message resource samples), subscriptions with seven fractional digits
 * (`2016-11-20T18:23:45.9356913Z`, subscription resource samples), error `innerError.date` with
 * no zone at all (`2020-08-18T12:51:51`, throttling sample).
 * https://learn.microsoft.com/graph/api/resources/message
 * https://learn.microsoft.com/graph/api/resources/subscription
 * https://learn.microsoft.com/graph/throttling#sample-response
 */
export const graphDateTime = {
  outlook: (value: string | Date): string => new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  subscription: (value: string | Date): string => new Date(value).toISOString().replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}0000Z`),
  innerError: (value: Date): string => value.toISOString().slice(0, 19),
};

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
