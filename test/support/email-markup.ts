import fc from 'fast-check';

/** Every tag and attribute the email renderer (`email-document.ts`) may write; anything else was injected. */
export const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'h1', 'h2', 'p', 'a', 'ol', 'ul', 'li', 'strong', 'bdi', 'br']);
export const ALLOWED_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'style', 'role', 'aria-roledescription', 'aria-label', 'href']);

export function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)].map((match) => (match[1] ?? '').toLowerCase());
}

/** Attribute names inside tags; quoted values are blanked first, so their text is not mistaken for attributes. */
export function attributesIn(html: string): string[] {
  return [...html.matchAll(/<[A-Za-z][^>]*>/g)].flatMap((tag) =>
    [...tag[0].replace(/"[^"]*"/g, '""').matchAll(/\s([A-Za-z-]+)=/g)].map((match) => (match[1] ?? '').toLowerCase()),
  );
}

export function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => (match[1] ?? '').replaceAll('&amp;', '&'));
}

/** Any text, and text built from the pieces of markup an attacker would try. */
export function hostileText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '&', '/', '=', ' ', 'script', 'img', 'onerror', 'a', '\n', '\r'), maxLength: 40 }),
  );
}
