import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

describe('OData key syntax in Graph paths', () => {
  let env: TestEmulator;
  beforeAll(async () => {
    env = await startTestEmulator();
  });
  afterAll(async () => env.stop());

  it("treats mailFolders('inbox') like mailFolders/inbox, as Graph does", async () => {
    await env.control.deliver({ from: { address: 'a@example.org' }, subject: 'keyed' });
    const keyed = (await env.graph.api(`/users/${inbox}/mailFolders('inbox')/messages`).select('subject').get()) as { value: { subject: string }[] };
    const plain = (await env.graph.api(`/users/${inbox}/mailFolders/inbox/messages`).select('subject').get()) as { value: { subject: string }[] };
    expect(keyed.value.map((message) => message.subject)).toEqual(plain.value.map((message) => message.subject));
    const delta = (await env.graph.api(`/users/${inbox}/mailFolders('inbox')/messages/delta`).get()) as { '@odata.deltaLink'?: string };
    expect(delta['@odata.deltaLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\//);
  });

  it("leaves drive paths alone, where ('...') can be part of a file name", async () => {
    const site = (await env.graph.api('/sites/weqs.sharepoint.example:/sites/WorkExperience').get()) as { id: string };
    const drives = (await env.graph.api(`/sites/${site.id}/drives`).get()) as { value: { id: string; name: string }[] };
    const drive = drives.value.find((candidate) => candidate.name === 'Application evidence');
    const created = (await env.graph.api(`/drives/${drive?.id ?? ''}/root/children`).post({ name: "items('x')", folder: {} })) as { name: string };
    const fetched = (await env.graph.api(`/drives/${drive?.id ?? ''}/root:/${encodeURIComponent(created.name)}`).get()) as { name: string };
    expect(fetched.name).toBe("items('x')");
  });
});
