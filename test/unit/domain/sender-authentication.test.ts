import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessSender, parseAuthenticationResults } from '../../../src/domain/sender-authentication.js';
import type { AuthenticationResults } from '../../../src/domain/sender-authentication.js';

// Values in the shape Exchange Online stamps them (graph-facts §3.2).
const ALL_PASS =
  'spf=pass (sender IP is 192.168.0.1) smtp.mailfrom=contoso.com; dkim=pass (signature was verified) header.d=contoso.com;dmarc=pass action=none header.from=contoso.com;compauth=pass reason=100';
const SPOOFED =
  'spf=fail (sender IP is 203.0.113.5) smtp.mailfrom=nhs.net; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=nhs.net;compauth=fail reason=000';
const INTERNAL = 'spf=none (sender IP is 10.0.0.4) smtp.mailfrom=contoso.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=contoso.com;';

const withResults = (value: string, ...others: { name: string; value: string }[]) => [
  { name: 'Received', value: 'from mail.example.org by EXCH.outlook.com' },
  { name: 'Authentication-Results', value },
  ...others,
];

function header(results: Partial<Record<'spf' | 'dkim' | 'dmarc' | 'compauth', string | undefined>>): string {
  const parts: string[] = [];
  if (results.spf !== undefined) parts.push(`spf=${results.spf} (sender IP is 203.0.113.5) smtp.mailfrom=acme.nhs.uk`);
  if (results.dkim !== undefined) parts.push(`dkim=${results.dkim} (signature was verified) header.d=acme.nhs.uk`);
  if (results.dmarc !== undefined) parts.push(`dmarc=${results.dmarc} action=none header.from=acme.nhs.uk`);
  if (results.compauth !== undefined) parts.push(`compauth=${results.compauth} reason=200`);
  return parts.join(';');
}

describe('parseAuthenticationResults', () => {
  it('reads the four results and the compauth reason from a typical Exchange Online value', () => {
    expect(parseAuthenticationResults(ALL_PASS)).toEqual({
      spf: 'pass',
      dkim: 'pass',
      dmarc: 'pass',
      compauth: 'pass',
      compauthReason: '100',
    });
  });

  it('tolerates inconsistent spaces around semicolons and equals signs', () => {
    const value = 'spf = softfail smtp.mailfrom=a.org ;dkim=fail header.d=a.org ;  dmarc =none action=none;compauth= softpass  reason = 201 ;';
    expect(parseAuthenticationResults(value)).toEqual({
      spf: 'softfail',
      dkim: 'fail',
      dmarc: 'none',
      compauth: 'softpass',
      compauthReason: '201',
    });
  });

  it('ignores semicolons and equals signs inside comments', () => {
    const value = 'spf=pass (sender IP is 1.2.3.4; dkim=fail x=y) smtp.mailfrom=a.org; dkim=pass (signature was verified; dmarc=fail) header.d=a.org; dmarc=pass';
    expect(parseAuthenticationResults(value)).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  });

  it('ignores nested comments and escaped parentheses', () => {
    const value = 'spf=fail (outer (inner; dmarc=pass) still \\) outer; compauth=pass) smtp.mailfrom=a.org; dmarc=fail';
    expect(parseAuthenticationResults(value)).toEqual({ spf: 'fail', dmarc: 'fail' });
  });

  it('reads a comment written right against the result', () => {
    expect(parseAuthenticationResults('spf=fail(sender IP is 1.2.3.4)smtp.mailfrom=a.org;dkim=none(message not signed)')).toEqual({
      spf: 'fail',
      dkim: 'none',
    });
  });

  it('keeps semicolons inside quoted strings', () => {
    expect(parseAuthenticationResults('spf=pass smtp.mailfrom="a;dmarc=fail"; dmarc=pass')).toEqual({ spf: 'pass', dmarc: 'pass' });
  });

  it('lower-cases methods and results', () => {
    expect(parseAuthenticationResults('SPF=PASS; DKIM=Fail; DMARC=BestGuessPass; CompAuth=SoftPass Reason=201')).toEqual({
      spf: 'pass',
      dkim: 'fail',
      dmarc: 'bestguesspass',
      compauth: 'softpass',
      compauthReason: '201',
    });
  });

  it('unfolds a value folded over several lines', () => {
    const value = 'spf=pass (sender IP is 40.107.1.2)\r\n smtp.mailfrom=nhs.net; dkim=pass (signature was verified)\r\n\theader.d=nhs.net;dmarc=pass\r\n action=none header.from=nhs.net;compauth=pass\n reason=100';
    expect(parseAuthenticationResults(value)).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: 'pass', compauthReason: '100' });
  });

  it('skips the authserv-id that other mail servers put first', () => {
    expect(parseAuthenticationResults('mx.google.com; spf=pass smtp.mailfrom=a.org; dkim=pass header.i=@a.org')).toEqual({ spf: 'pass', dkim: 'pass' });
    expect(parseAuthenticationResults('mx.example.net 1; dmarc=fail header.from=a.org')).toEqual({ dmarc: 'fail' });
  });

  it('accepts a method version', () => {
    expect(parseAuthenticationResults('dkim/1=pass header.d=a.org')).toEqual({ dkim: 'pass' });
  });

  it('takes the first result of a method, except that any passing DKIM signature counts', () => {
    expect(parseAuthenticationResults('spf=fail; spf=pass; dmarc=fail; dmarc=pass; compauth=fail reason=000; compauth=pass reason=100')).toEqual({
      spf: 'fail',
      dmarc: 'fail',
      compauth: 'fail',
      compauthReason: '000',
    });
    expect(parseAuthenticationResults('dkim=fail header.d=a.org; dkim=pass header.d=b.org; dkim=fail header.d=c.org')).toEqual({ dkim: 'pass' });
  });

  it('leaves out what is not there', () => {
    expect(parseAuthenticationResults('')).toEqual({});
    expect(parseAuthenticationResults('mx.example.net; none')).toEqual({});
    expect(parseAuthenticationResults('compauth=pass')).toEqual({ compauth: 'pass' });
    expect(parseAuthenticationResults('spf=; dkim= ; arc=pass; x-ms-result=pass')).toEqual({});
  });

  it('never throws and only ever returns the known keys', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }), fc.string({ unit: fc.constantFrom(...'spfdkimarc=;()\\" \r\n\tpassfail') }));
    fc.assert(
      fc.property(anyText, (value) => {
        const results = parseAuthenticationResults(value);
        expect(Object.keys(results).every((key) => ['spf', 'dkim', 'dmarc', 'compauth', 'compauthReason'].includes(key))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads back whatever results were written, however they are spaced, commented and ordered', () => {
    const result = fc.constantFrom('pass', 'fail', 'softfail', 'none', 'neutral', 'temperror', 'permerror', 'bestguesspass', 'softpass');
    const comment = fc.constantFrom('', ' (sender IP is 1.2.3.4)', '(a; b=c)', ' (nested (comment; x=y))', ' (signature was verified)');
    const gap = fc.constantFrom('', ' ', '  ', '\r\n ', '\t');
    const method = fc.constantFrom('spf', 'dkim', 'dmarc', 'compauth');
    const entry = fc.record({ method, result, comment, before: gap, after: gap, upper: fc.boolean() });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.method, maxLength: 4 }), fc.boolean(), (entries, authservId) => {
        const text = entries
          .map(({ method, result, comment, before, after, upper }) => {
            const pair = `${method}=${result}`;
            return `${before}${upper ? pair.toUpperCase() : pair}${comment} header.x=a.org${after}`;
          })
          .join(';');
        const expected: AuthenticationResults = Object.fromEntries(entries.map((e) => [e.method, e.result]));
        expect(parseAuthenticationResults(authservId ? `mx.example.net;${text}` : text)).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('assessSender', () => {
  describe('DMARC', () => {
    it('trusts a sender whose DMARC passed', () => {
      expect(assessSender(withResults(ALL_PASS))).toEqual({
        trusted: true,
        verified: true,
        basis: 'dmarc-pass',
        results: { spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: 'pass', compauthReason: '100' },
      });
    });

    it('trusts a DMARC best-guess pass, which Exchange gives domains without a DMARC record', () => {
      const value = 'spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=acme.org; dkim=none (message not signed) header.d=none;dmarc=bestguesspass action=none header.from=acme.org;compauth=pass reason=109';
      expect(assessSender(withResults(value))).toMatchObject({ trusted: true, basis: 'dmarc-pass' });
    });

    it('trusts a DMARC pass even when SPF failed, since DKIM alignment is enough for DMARC', () => {
      expect(assessSender(withResults(header({ spf: 'fail', dkim: 'pass', dmarc: 'pass' })))).toMatchObject({ trusted: true, basis: 'dmarc-pass' });
    });

    it('does not trust a spoofed sender whose DMARC failed', () => {
      expect(assessSender(withResults(SPOOFED))).toEqual({
        trusted: false,
        verified: false,
        basis: 'dmarc-fail',
        results: { spf: 'fail', dkim: 'none', dmarc: 'fail', compauth: 'fail', compauthReason: '000' },
      });
    });

    it('does not trust a DMARC fail even when SPF and DKIM passed unaligned', () => {
      expect(assessSender(withResults(header({ spf: 'pass', dkim: 'pass', dmarc: 'fail' })))).toMatchObject({ trusted: false, basis: 'dmarc-fail' });
    });

    it('does not trust a DMARC fail that compauth overrode (ARC, reason 130), because the product rule names DMARC', () => {
      const value = 'spf=fail smtp.mailfrom=acme.org; dkim=fail header.d=acme.org; dmarc=fail action=none header.from=acme.org; compauth=pass reason=130';
      expect(assessSender(withResults(value))).toMatchObject({ trusted: false, basis: 'dmarc-fail' });
    });

    it('does not trust a DMARC fail under a p=none policy', () => {
      expect(assessSender(withResults('spf=pass; dkim=none; dmarc=fail action=none header.from=acme.org; compauth=softpass reason=201'))).toMatchObject({
        trusted: false,
        basis: 'dmarc-fail',
      });
    });
  });

  describe('composite authentication', () => {
    it('does not trust a message that Exchange composite authentication failed', () => {
      const value = 'spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=bulk.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=acme.org;compauth=fail reason=001';
      expect(assessSender(withResults(value))).toEqual({
        trusted: false,
        verified: false,
        basis: 'compauth-fail',
        results: { spf: 'pass', dkim: 'none', dmarc: 'none', compauth: 'fail', compauthReason: '001' },
      });
    });

    it('lets a compauth fail outweigh a DMARC pass', () => {
      expect(assessSender(withResults(header({ spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: 'fail' })))).toMatchObject({
        trusted: false,
        basis: 'compauth-fail',
      });
    });

    it.each(['softpass', 'none', 'pass'])('does not hold compauth=%s against the sender', (compauth) => {
      expect(assessSender(withResults(header({ spf: 'pass', dkim: 'none', dmarc: 'none', compauth })))).toMatchObject({ trusted: true });
    });
  });

  describe('SPF and DKIM when DMARC gave no verdict', () => {
    // Failing: spf fail/softfail/permerror, dkim fail/permerror/policy/neutral. Silent: none,
    // spf neutral, or no result. Inconclusive: temperror. Both failing or silent, and at least one
    // failing, is untrusted.
    it.each([
      ['pass', 'pass', 'spf-and-dkim-pass'],
      ['pass', 'fail', 'spf-or-dkim-pass'],
      ['fail', 'pass', 'spf-or-dkim-pass'],
      ['pass', 'none', 'spf-or-dkim-pass'],
      ['softfail', 'pass', 'spf-or-dkim-pass'],
      ['fail', 'fail', 'spf-and-dkim-fail'],
      ['softfail', 'fail', 'spf-and-dkim-fail'],
      ['permerror', 'permerror', 'spf-and-dkim-fail'],
      ['fail', 'none', 'spf-and-dkim-fail'],
      ['softfail', 'none', 'spf-and-dkim-fail'],
      ['none', 'fail', 'spf-and-dkim-fail'],
      ['neutral', 'fail', 'spf-and-dkim-fail'],
      ['fail', 'policy', 'spf-and-dkim-fail'],
      ['fail', 'neutral', 'spf-and-dkim-fail'],
      ['fail', undefined, 'spf-and-dkim-fail'],
      [undefined, 'fail', 'spf-and-dkim-fail'],
      ['none', 'none', 'no-verdict'],
      ['neutral', 'none', 'no-verdict'],
      ['temperror', 'fail', 'no-verdict'],
      ['fail', 'temperror', 'no-verdict'],
      ['temperror', 'temperror', 'no-verdict'],
      ['fail', 'someday-result', 'no-verdict'],
    ] as const)('spf=%s with dkim=%s gives %s', (spf, dkim, basis) => {
      for (const dmarc of [undefined, 'none', 'temperror', 'permerror']) {
        const assessment = assessSender(withResults(header({ spf, dkim, dmarc })));
        expect(assessment.basis).toBe(basis);
        expect(assessment.trusted).toBe(basis !== 'spf-and-dkim-fail');
      }
    });

    it('acts on, but does not count as verified, mail whose results are all none, and keeps the results for the record', () => {
      expect(assessSender(withResults(INTERNAL))).toEqual({
        trusted: true,
        verified: false,
        basis: 'no-verdict',
        results: { spf: 'none', dkim: 'none', dmarc: 'none' },
      });
    });
  });

  describe('which header is read', () => {
    it('does not trust a message to which the receiving service added no Authentication-Results', () => {
      expect(assessSender([])).toEqual({ trusted: false, verified: false, basis: 'no-authentication-results', results: {} });
      expect(assessSender([{ name: 'Received', value: 'from EXCH01 by EXCH02' }])).toMatchObject({ trusted: false, basis: 'no-authentication-results' });
    });

    it.each(['', '   ', ';', 'garbage without results', '(only a comment)', 'arc=pass; x-custom=pass'])('does not trust an empty or unreadable result %j', (value) => {
      expect(assessSender(withResults(value)).trusted).toBe(false);
    });

    it.each([
      'mx.google.com; spf=pass smtp.mailfrom=acme.org; dkim=pass header.d=acme.org; dmarc=pass header.from=acme.org',
      'mx.microsoft.com 1; spf=pass; dkim=pass; dmarc=pass',
      'evil.example; dmarc=pass',
      'example.net; none',
    ])('does not believe a topmost result carrying an authserv-id, which the receiving service never writes: %j', (value) => {
      expect(assessSender(withResults(value))).toMatchObject({ trusted: false, basis: 'foreign-authentication-results' });
    });

    it.each(['authentication-results', 'AUTHENTICATION-RESULTS', 'Authentication-results', ' Authentication-Results '])(
      'finds the header named %j',
      (name) => {
        expect(assessSender([{ name, value: SPOOFED }])).toMatchObject({ trusted: false, basis: 'dmarc-fail' });
      },
    );

    it('ignores ARC-Authentication-Results', () => {
      const arc = { name: 'ARC-Authentication-Results', value: 'i=1; mx.microsoft.com 1; spf=fail; dmarc=fail; dkim=fail' };
      expect(assessSender([arc])).toMatchObject({ trusted: false, basis: 'no-authentication-results' });
      expect(assessSender([arc, { name: 'Authentication-Results', value: ALL_PASS }])).toMatchObject({ trusted: true, basis: 'dmarc-pass' });
    });

    it('reads only the topmost header, which our Exchange stamped, and ignores one the sender wrote below it', () => {
      const forged = { name: 'Authentication-Results', value: ALL_PASS };
      expect(assessSender([{ name: 'Authentication-Results', value: SPOOFED }, forged])).toMatchObject({ trusted: false, basis: 'dmarc-fail' });
      expect(assessSender([forged, { name: 'Authentication-Results', value: SPOOFED }])).toMatchObject({ trusted: true, basis: 'dmarc-pass' });
    });

    it('marks only a passing mechanism as verified', () => {
      expect(assessSender(withResults(ALL_PASS))).toMatchObject({ trusted: true, verified: true });
      expect(assessSender(withResults(INTERNAL))).toMatchObject({ trusted: true, verified: false });
    });
  });

  describe('properties', () => {
    const anyResult = fc.option(fc.constantFrom('pass', 'fail', 'softfail', 'none', 'neutral', 'temperror', 'permerror', 'policy', 'bestguesspass', 'softpass'), {
      nil: undefined,
    });
    const anyResults = fc.record({ spf: anyResult, dkim: anyResult, dmarc: anyResult, compauth: anyResult });

    it('never trusts a DMARC or compauth fail', () => {
      fc.assert(
        fc.property(anyResults, (results) => {
          fc.pre(results.dmarc === 'fail' || results.compauth === 'fail');
          expect(assessSender(withResults(header(results))).trusted).toBe(false);
        }),
      );
    });

    it('always trusts a DMARC pass that compauth did not fail', () => {
      fc.assert(
        fc.property(anyResults, fc.constantFrom('pass', 'bestguesspass'), (results, dmarc) => {
          fc.pre(results.compauth !== 'fail');
          expect(assessSender(withResults(header({ ...results, dmarc })))).toMatchObject({ trusted: true, basis: 'dmarc-pass' });
        }),
      );
    });

    it('always trusts a passing SPF or DKIM when DMARC and compauth did not fail', () => {
      fc.assert(
        fc.property(anyResults, (results) => {
          fc.pre(results.dmarc !== 'fail' && results.compauth !== 'fail' && (results.spf === 'pass' || results.dkim === 'pass'));
          expect(assessSender(withResults(header(results))).trusted).toBe(true);
        }),
      );
    });

    it('gives untrusted assessments their results, and never throws on any headers', () => {
      const anyHeader = fc.record({
        name: fc.oneof(fc.constantFrom('Authentication-Results', 'authentication-results', 'ARC-Authentication-Results', 'Received'), fc.string()),
        value: fc.oneof(fc.string({ unit: 'binary' }), anyResults.map(header)),
      });
      fc.assert(
        fc.property(fc.array(anyHeader, { maxLength: 5 }), (headers) => {
          const assessment = assessSender(headers);
          if (!assessment.trusted) expect(assessment.results).toBeDefined();
        }),
        { numRuns: 2_000 },
      );
    });

    it('is decided by the first Authentication-Results header alone', () => {
      const otherHeader = fc.record({ name: fc.constantFrom('Authentication-Results', 'ARC-Authentication-Results', 'Received'), value: anyResults.map(header) });
      fc.assert(
        fc.property(anyResults, fc.array(otherHeader, { maxLength: 4 }), (results, later) => {
          expect(assessSender(withResults(header(results), ...later))).toEqual(assessSender(withResults(header(results))));
        }),
      );
    });
  });
});
