/**
 * Counts in words, the one way weqs writes them to applicants and staff: "1 application",
 * "0 applications", "3 applications". Every count shown to a person goes through here so that
 * singular and plural never disagree ("1 application that were ready").
 */

/** The word for `count`: `one` when it is exactly 1, otherwise `many` (default `one` + "s"). */
export function pluralWord(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** `count` and its word: `plural(1, 'day')` is "1 day", `plural(2, 'box', 'boxes')` "2 boxes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${pluralWord(count, one, many)}`;
}
