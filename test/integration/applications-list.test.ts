import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationsList, ensureApplicationsListColumns } from '../../src/graph/applications-list.js';
import type { ApplicationRow } from '../../src/graph/applications-list.js';
import { resolveSiteContext } from '../../src/graph/site-context.js';
import type { SiteContext } from '../../src/graph/site-context.js';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

const row = (reference: string): ApplicationRow => ({
  Title: 'Northshire Hospitals NHS Foundation Trust', Reference: reference, OrganisationKey: `test:${reference}`, Status: 'Open',
  RequesterEmail: 'jo@trust.example', FolderLink: 'https://example.invalid/f', FormLink: 'https://example.invalid/d', ReceivedOn: '2026-12-04T10:00:00Z', SourceMessageId: '<m@x>',
});

/**
 * ApplicationsList.createOnce under each reading of an undocumented answer: what Graph says when
 * a list item repeats a value in a column enforcing unique values (tenant behaviour
 * `listUniqueValueClashStatus`; docs/graph-assumptions.md).
 */
describe.each([500, 400, 409] as const)('createOnce when Graph answers a unique-value clash with %i', (status) => {
  let env: TestEmulator;
  let site: SiteContext;
  beforeAll(async () => {
    env = await startTestEmulator({ tenant: (seed) => ({ ...seed, behaviour: { ...seed.behaviour, listUniqueValueClashStatus: status } }) });
    site = await resolveSiteContext(env.graph, { hostname: siteHostname, path: sitePath, evidenceLibrary: 'Application evidence', applicationsList: 'Applications' });
    await ensureApplicationsListColumns(env.graph, site);
  });
  afterAll(async () => env.stop());

  const rows = async (reference: string): Promise<unknown[]> => {
    const state = await env.control.state<{ sites: { lists: { displayName: string; items: { fields: Record<string, unknown> }[] }[] }[] }>();
    return (state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? []).filter((item) => item.fields.Reference === reference);
  };

  it('returns the row already there when asked again (the first answer was lost)', async () => {
    const list = new ApplicationsList(env.graph, async () => site);
    const first = await list.createOnce(row('WEQS-2026-0001'));
    const again = await list.createOnce(row('WEQS-2026-0001'));
    expect(again.id).toBe(first.id);
    expect(await rows('WEQS-2026-0001')).toHaveLength(1);
  });

  it('reads a clash as "already there" when another worker created the row between its look-up and its create', async () => {
    const other = new ApplicationsList(env.graph, async () => site);
    let lookups = 0;
    // The look-up before creating misses: the other worker's create lands right after it.
    const racing = new (class extends ApplicationsList {
      override async findByReference(reference: string) {
        lookups += 1;
        if (lookups === 1) {
          await other.createOnce(row(reference));
          return undefined;
        }
        return super.findByReference(reference);
      }
    })(env.graph, async () => site);
    const result = await racing.createOnce(row('WEQS-2026-0002'));
    expect(lookups).toBe(2);
    expect(await rows('WEQS-2026-0002')).toHaveLength(1);
    expect(result.id).toBe((await other.findByReference('WEQS-2026-0002'))?.id);
  });

  it('does not take an unrelated failure of the same status for "already there"', async () => {
    const list = new ApplicationsList(env.graph, async () => site);
    await env.control.addFaults([{ method: 'POST', path: '/v1.0/sites/*/lists/*/items', status, times: 1 }]);
    await expect(list.createOnce(row('WEQS-2026-0003'))).rejects.toMatchObject({ statusCode: status });
    await env.control.clearFaults();
    expect(await rows('WEQS-2026-0003')).toHaveLength(0);
  });
});
