/**
 * Text a sender wrote, made inert for Teams. Escaping stops markdown, but Teams also turns bare
 * URLs, web addresses and email addresses in a TextBlock into links on its own, so an
 * organisation name such as "Acme https://evil.example/login" would show staff a link. The
 * separators those links are recognised by are "defanged" the way security teams write
 * indicators: `https[:]//evil[.]example/login`, `jo[at]evil[.]example`. What staff read stays
 * recognisable; nothing is clickable. (Cards label such values as the sender's own words.)
 * https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features
 */

// A dot between two parts of something domain-shaped: "evil.example", "www.x.co.uk". A dot
// followed by a space ("St. Mary's") or by digits only ("2026.1") is left alone.
const DOMAIN_DOT = /(?<=[\p{L}\p{N}_-])\.(?=[\p{L}\p{N}-]*\p{L})/gu;
const SCHEME = /:(?=\/\/)/gu;
const SCHEME_WITHOUT_SLASHES = /\b(mailto|tel|sms|callto|sip|file|javascript|data)\s*:/giu;
const AT = /(?<=[\p{L}\p{N}._%+-])@(?=[\p{L}\p{N}])/gu;

export function defangLinks(text: string): string {
  return text.replace(SCHEME, '[:]').replace(SCHEME_WITHOUT_SLASHES, '$1[:]').replace(AT, '[at]').replace(DOMAIN_DOT, '[.]');
}
