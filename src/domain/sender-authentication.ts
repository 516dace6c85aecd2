/**
 * Decides whether an inbound email may be acted on, from the Authentication-Results header that
 * the receiving service (Exchange Online) added. Product rule: a request whose DMARC (or SPF and
 * DKIM) failed is not acted on and gets no reply, because replying would send a private folder
 * link to whoever forged the sender; a message the receiving service did not vouch for at all
 * (no result of its own, or one weqs cannot read) is treated the same way.
 *
 * Which header is the receiving service's: Exchange Online adds its own Authentication-Results
 * above whatever the message already carried, and writes it without the RFC 8601 authserv-id
 * ("spf=pass (sender IP is …) smtp.mailfrom=…; dkim=…; dmarc=…; compauth=… reason=…"):
 * https://learn.microsoft.com/en-us/defender-office-365/message-headers-eop-mdo
 * So weqs reads the topmost Authentication-Results only, and only in that form. A topmost header
 * that carries an authserv-id ("mx.example.net; spf=pass") was written by some other server,
 * which means the receiving service added none: nothing vouches for the sender. docs/security.md
 * and docs/graph-assumptions.md ("Mail authentication and hostile input") record the decision.
 */

export interface AuthenticationResults {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  compauth?: string;
  compauthReason?: string;
}

/** Verified: a mechanism passed for the sender's domain. */
export type VerifiedBasis = 'dmarc-pass' | 'spf-and-dkim-pass' | 'spf-or-dkim-pass';
/**
 * Nothing vouched and nothing failed (typically `spf=none; dkim=none; dmarc=none`: a domain that
 * publishes no SPF, DKIM or DMARC, common for small organisations, and internal mail). weqs acts
 * on such a request (the reply only ever goes to the From address) but echoes none of its text
 * and never lets it change an existing application.
 */
export type UnverifiedBasis = 'no-verdict';
export type UntrustedBasis =
  | 'dmarc-fail'
  | 'spf-and-dkim-fail'
  | 'compauth-fail'
  /** The receiving service added no Authentication-Results at all. */
  | 'no-authentication-results'
  /** The topmost header is empty or names no SPF, DKIM, DMARC or compauth result. */
  | 'unreadable-authentication-results'
  /** The topmost header carries an authserv-id, so another server wrote it, not ours. */
  | 'foreign-authentication-results';

export type SenderAssessment =
  | { trusted: true; verified: true; basis: VerifiedBasis; results: AuthenticationResults }
  | { trusted: true; verified: false; basis: UnverifiedBasis; results: AuthenticationResults }
  | { trusted: false; verified: false; basis: UntrustedBasis; results: AuthenticationResults };

export interface InternetMessageHeader {
  name: string;
  value: string;
}

type Method = 'spf' | 'dkim' | 'dmarc' | 'compauth';
const METHODS: ReadonlySet<string> = new Set<Method>(['spf', 'dkim', 'dmarc', 'compauth']);

// Neutral SPF means the domain makes no assertion (RFC 7208 §2.6.2), the same as none. A DKIM
// "neutral" or "policy" result means a signature existed but could not vouch (RFC 8601 §2.7.1),
// so it counts as failing. Temporary errors and values not listed here are inconclusive: they
// neither vouch for the sender nor count against it.
const SPF_SILENT: ReadonlySet<string> = new Set(['none', 'neutral']);
const SPF_FAILING: ReadonlySet<string> = new Set(['fail', 'softfail', 'hardfail', 'permerror']);
const DKIM_SILENT: ReadonlySet<string> = new Set(['none']);
const DKIM_FAILING: ReadonlySet<string> = new Set(['fail', 'permerror', 'policy', 'neutral']);
const DMARC_PASSING: ReadonlySet<string> = new Set(['pass', 'bestguesspass']);

const untrusted = (basis: UntrustedBasis, results: AuthenticationResults = {}): SenderAssessment => ({ trusted: false, verified: false, basis, results });

export function assessSender(headers: readonly InternetMessageHeader[]): SenderAssessment {
  // The receiving service prepends its own header, so the topmost one is the only candidate; any
  // lower one came with the message and could have been written by the sender.
  const header = headers.find((candidate) => candidate.name.trim().toLowerCase() === 'authentication-results');
  if (header === undefined) return untrusted('no-authentication-results');
  if (hasAuthservId(header.value)) return untrusted('foreign-authentication-results', parseAuthenticationResults(header.value));

  const results = parseAuthenticationResults(header.value);
  const { spf, dkim, dmarc, compauth } = results;
  if (spf === undefined && dkim === undefined && dmarc === undefined && compauth === undefined) return untrusted('unreadable-authentication-results');

  // DMARC is the sender domain's own published verdict, so it wins over SPF and DKIM, and a fail
  // stays a fail even when compauth passes it (for example reason 130, an ARC override): the
  // product rule names DMARC, and a person can still act on the message by hand.
  if (dmarc === 'fail') return untrusted('dmarc-fail', results);
  if (compauth === 'fail') return untrusted('compauth-fail', results);
  if (dmarc !== undefined && DMARC_PASSING.has(dmarc)) return { trusted: true, verified: true, basis: 'dmarc-pass', results };

  if (spf === 'pass' && dkim === 'pass') return { trusted: true, verified: true, basis: 'spf-and-dkim-pass', results };
  if (spf === 'pass' || dkim === 'pass') return { trusted: true, verified: true, basis: 'spf-or-dkim-pass', results };

  const spfFailing = spf !== undefined && SPF_FAILING.has(spf);
  const dkimFailing = dkim !== undefined && DKIM_FAILING.has(dkim);
  const spfSilent = spf === undefined || SPF_SILENT.has(spf);
  const dkimSilent = dkim === undefined || DKIM_SILENT.has(dkim);
  // Unsigned mail whose SPF fails is the classic forgery, so a silent mechanism next to a failing
  // one counts as both failing; an inconclusive one (temperror) gives the benefit of the doubt.
  if ((spfFailing || dkimFailing) && (spfFailing || spfSilent) && (dkimFailing || dkimSilent)) return untrusted('spf-and-dkim-fail', results);
  // Nothing failed and nothing passed (spf=none; dkim=none; dmarc=none): unverified.
  return { trusted: true, verified: false, basis: 'no-verdict', results };
}

/**
 * Whether the value starts with an RFC 8601 authserv-id (a host name, optionally a version, then
 * ";"), which Exchange Online's own header never has: its first element is already a result.
 */
export function hasAuthservId(value: string): boolean {
  const first = splitResults(value)[0]?.trim() ?? '';
  if (first === '') return false;
  return !/^[a-z][a-z0-9_-]*(?:\/\d+)?\s*=/i.test(first);
}

/**
 * Reads the spf, dkim, dmarc and compauth results from an Authentication-Results value, with or
 * without the RFC 8601 authserv-id that Exchange Online leaves out. Results are lower-cased.
 * The first result of each method counts, except DKIM, where any passing signature counts
 * because a message may carry several and one valid one is enough.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const results: AuthenticationResults = {};
  for (const segment of splitResults(value)) {
    const tokens = segment
      .replace(/\s*=\s*/g, '=')
      .split(/\s+/)
      .filter((token) => token !== '');
    const first = /^([a-z][a-z0-9_-]*)(?:\/\d+)?=(.*)$/i.exec(tokens[0] ?? '');
    const method = first?.[1]?.toLowerCase();
    const result = unquote(first?.[2] ?? '').toLowerCase();
    if (method === undefined || !METHODS.has(method) || result === '') continue;

    if (method === 'dkim') {
      if (results.dkim === undefined || result === 'pass') results.dkim = result;
    } else if (method === 'spf' || method === 'dmarc') {
      results[method] ??= result;
    } else if (results.compauth === undefined) {
      results.compauth = result;
      const reason = tokens.slice(1).find((token) => token.toLowerCase().startsWith('reason='));
      if (reason !== undefined) results.compauthReason = unquote(reason.slice('reason='.length));
    }
  }
  return results;
}

/**
 * Splits on the semicolons between results, dropping comments. Comments may nest, may hold
 * escaped characters and may themselves contain ";" or "=" ("(sender IP is 1.2.3.4; x=y)"), and
 * quoted strings may contain anything, so a plain split would cut results in the wrong place.
 */
function splitResults(value: string): string[] {
  const segments: string[] = [];
  let current = '';
  let commentDepth = 0;
  let quoted = false;
  for (let index = 0; index < value.length; index += 1) {
    const char = value.charAt(index);
    if (char === '\\' && (quoted || commentDepth > 0)) {
      if (quoted) current += char + value.charAt(index + 1);
      index += 1;
    } else if (quoted) {
      current += char;
      quoted = char !== '"';
    } else if (char === '(') {
      commentDepth += 1;
    } else if (commentDepth > 0) {
      if (char === ')') commentDepth -= 1;
      if (commentDepth === 0) current += ' ';
    } else if (char === ';') {
      segments.push(current);
      current = '';
    } else if (char !== ')') {
      quoted = char === '"';
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
