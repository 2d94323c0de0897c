import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateScript, renderTemplate } from './powershell';
import type { ScriptRequestInput } from '../../src-preload/contract/m365-schemas';
import { EXCHANGE_ONLINE_APP_ID } from '../../src-preload/contract/m365-script-values';

const GOLDEN = join(import.meta.dirname, 'golden');
// RELAYPROOF_UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
const UPDATE = process.env.RELAYPROOF_UPDATE_GOLDEN === '1';

const UPN = 'support@contoso.com';
const APP_ID = '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f';
const OBJECT_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

function text(input: ScriptRequestInput): string {
  const result = generateScript(input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.text;
}

function refusal(input: ScriptRequestInput): string {
  const result = generateScript(input);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(input)}\n${result.value.text}`);
  expect(result.error.code).toBe('invalid-input');
  return result.error.message;
}

const goldens: [string, ScriptRequestInput][] = [
  ['check', { script: 'check', upn: UPN }],
  ['enable-mailbox', { script: 'enable-mailbox', upn: UPN }],
  ['enable-mailboxes', { script: 'enable-mailboxes', upns: [UPN, 'billing@contoso.com', 'Support@Contoso.com', 'no-reply+zendesk@eu.contoso.com'] }],
  ['grant-send-as', { script: 'grant-send-as', upn: 'relay@contoso.com', from: UPN }],
  ['grant-send-on-behalf', { script: 'grant-send-as', upn: 'relay@contoso.com', from: UPN, right: 'send-on-behalf' }],
  ['oauth-setup', { script: 'oauth-setup', upn: UPN, appId: APP_ID.toUpperCase(), objectId: OBJECT_ID }],
];

describe('generated scripts match their golden files', () => {
  it.each(goldens)('%s.ps1', (name, input) => {
    const file = join(GOLDEN, `${name}.ps1`);
    const generated = text(input);
    if (UPDATE) writeFileSync(file, generated);
    expect(existsSync(file), `${file} is missing: run with RELAYPROOF_UPDATE_GOLDEN=1`).toBe(true);
    expect(generated).toBe(readFileSync(file, 'utf8'));
  });

  it.each(goldens)('%s starts with Connect-ExchangeOnline and quotes every value', (_name, input) => {
    const generated = text(input);
    const commands = generated.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(commands[0]).toBe('Connect-ExchangeOnline');
    expect(commands.at(-1)).toBe('Disconnect-ExchangeOnline -Confirm:$false');
    // Each value appears only inside single quotes.
    for (const value of [UPN, 'relay@contoso.com', APP_ID, OBJECT_ID]) {
      for (const line of commands) {
        const bare = line.replaceAll(`'${value}'`, '');
        expect(bare.toLowerCase(), line).not.toContain(value.toLowerCase());
      }
    }
  });

  it('names the file for download and lists the commands that change something', () => {
    const result = generateScript({ script: 'enable-mailbox', upn: UPN });
    expect(result.ok && result.value).toMatchObject({
      fileName: 'relayproof-enable-mailbox.ps1',
      changes: ["Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false"],
    });
    const check = generateScript({ script: 'check', upn: UPN });
    expect(check.ok && check.value.changes).toEqual([]);
    expect(check.ok && check.value.text).not.toMatch(/^(Set|Add|New|Remove)-/mu);
  });

  it('lists each mailbox once, whatever its case', () => {
    const generated = text({ script: 'enable-mailboxes', upns: [UPN, 'SUPPORT@contoso.com', 'billing@contoso.com'] });
    expect(generated.match(/^ {4}'/gmu)).toHaveLength(2);
    expect(generated).toContain('turn on SMTP AUTH for 2 mailboxes');
  });

  it('normalises GUIDs to lower case', () => {
    expect(text({ script: 'oauth-setup', upn: UPN, appId: APP_ID.toUpperCase(), objectId: OBJECT_ID.toUpperCase() })).toContain(
      `New-ServicePrincipal -AppId '${APP_ID}' -ObjectId '${OBJECT_ID}'`,
    );
  });
});

describe('mistakes an admin makes are refused with the reason', () => {
  it('granting a mailbox Send As on itself', () => {
    expect(refusal({ script: 'grant-send-as', upn: UPN, from: 'Support@contoso.com' })).toMatch(/can always send as its own address/u);
  });

  it('the app id pasted as the object id', () => {
    expect(refusal({ script: 'oauth-setup', upn: UPN, appId: APP_ID, objectId: APP_ID.toUpperCase() })).toMatch(/enterprise application/u);
  });

  it('Exchange Online’s own app id as the app id', () => {
    expect(refusal({ script: 'oauth-setup', upn: UPN, appId: EXCHANGE_ONLINE_APP_ID, objectId: OBJECT_ID })).toMatch(/Exchange Online’s own application ID/u);
  });

  it('an empty mailbox list, and more than 500', () => {
    expect(refusal({ script: 'enable-mailboxes', upns: [] })).toMatch(/at least one mailbox/u);
    expect(refusal({ script: 'enable-mailboxes', upns: Array.from({ length: 501 }, (_, i) => `m${i}@contoso.com`) })).toMatch(/At most 500/u);
  });
});

// Inputs that could break out of single quotes, chain a command, expand a variable,
// or hide as a lookalike. Each must be refused — never escaped into a working script.
const hostileUpns: [string, RegExp][] = [
  ["o'brien@contoso.com", /single quote/u],
  ["support@contoso.com'; Remove-Mailbox -Identity ceo@contoso.com -Confirm:$false; '", /single quote/u],
  ["support@contoso.com'+(Remove-Mailbox ceo)+'", /single quote/u],
  ['support@contoso.com; Get-Mailbox | Remove-Mailbox', /semicolon/u],
  ['support`@contoso.com', /backtick/u],
  ['support@contoso.com`nRemove-Mailbox ceo', /backtick/u],
  ['$(Remove-Mailbox ceo)@contoso.com', /dollar sign/u],
  ['$env:USERNAME@contoso.com', /dollar sign/u],
  ['support@contoso.com\nRemove-Mailbox ceo', /line break/u],
  ['support@contoso.com\r\n', /line break/u],
  ['support@contoso.com\u2028Remove-Mailbox', /line break/u],
  ['support@contoso.com\u0085', /line break/u],
  ['support@contoso.com | Remove-Mailbox', /pipe/u],
  ['support@contoso.com & calc.exe', /ampersand/u],
  ['o\u2019brien@contoso.com', /typographic single quote/u],
  ['o\u2018brien@contoso.com', /typographic single quote/u],
  ['\u201asupport@contoso.com', /typographic single quote/u],
  ['\u201bsupport@contoso.com', /typographic single quote/u],
  ['\u201csupport\u201d@contoso.com', /double quote/u],
  ['"support"@contoso.com', /double quote/u],
  [' support@contoso.com', /space or invisible/u],
  ['support@contoso.com ', /space or invisible/u],
  ['support@contoso.com\u00a0', /space or invisible/u],
  ['supp\u200bort@contoso.com', /space or invisible/u],
  ['support@contoso.com\t', /control character|space/u],
  ['support@contoso.com\u0000', /control character/u],
  ['(support)@contoso.com', /parenthesis/u],
  ['{support}@contoso.com', /brace/u],
  ['support@contoso.com>C:\\out.txt', /angle bracket/u],
  ['support@contoso.com,ceo@contoso.com', /comma/u],
  ['supp\\ort@contoso.com', /backslash/u],
  ['supp\u043ert@contoso.com', /non-ASCII/u],
  ['support@c\u043entoso.com', /non-ASCII/u],
  ['support@contoso.com@evil.example', /exactly one @/u],
  ['support', /has no @/u],
  ['', /required/u],
  ['..support@contoso.com', /dot/u],
  ['support@contoso', /domain/u],
  ['support@-contoso.com', /domain/u],
  [`${'a'.repeat(65)}@contoso.com`, /1 to 64/u],
  ['support@contoso.c0m', /top-level domain/u],
  ['support%40contoso.com@contoso.com', /“%”/u],
];

const hostileGuids: [string, RegExp][] = [
  [`${APP_ID}'; Remove-Mailbox ceo; '`, /single quote/u],
  [`{${APP_ID}}`, /brace/u],
  [`${APP_ID} `, /space/u],
  [`${APP_ID}\n`, /line break/u],
  [`$(Get-Secret)`, /dollar sign/u],
  [`${APP_ID};calc`, /semicolon/u],
  [`${APP_ID}|calc`, /pipe/u],
  [`${APP_ID}&calc`, /ampersand/u],
  [`${APP_ID}\``, /backtick/u],
  [`\u2018${APP_ID}\u2019`, /typographic single quote/u],
  [APP_ID.replace('a', '\u0430'), /non-ASCII/u],
  [APP_ID.replaceAll('-', ''), /must be a GUID/u],
  [APP_ID.slice(0, 30), /must be a GUID/u],
  ['00000000-0000-0000-0000-000000000000', /empty GUID/u],
  ['', /required/u],
  ['not-a-guid', /must be a GUID/u],
];

describe(`${hostileUpns.length} hostile sign-in names and ${hostileGuids.length} hostile GUIDs are refused in every script`, () => {
  it('has at least 30 hostile inputs', () => {
    expect(hostileUpns.length + hostileGuids.length).toBeGreaterThanOrEqual(30);
    expect(hostileUpns.length).toBeGreaterThanOrEqual(30);
  });

  it.each(hostileUpns)('UPN %j', (upn, reason) => {
    const requests: ScriptRequestInput[] = [
      { script: 'check', upn },
      { script: 'enable-mailbox', upn },
      { script: 'enable-mailboxes', upns: ['billing@contoso.com', upn] },
      { script: 'grant-send-as', upn, from: 'shared@contoso.com' },
      { script: 'grant-send-as', upn: 'relay@contoso.com', from: upn },
      { script: 'oauth-setup', upn, appId: APP_ID, objectId: OBJECT_ID },
    ];
    for (const request of requests) expect(refusal(request)).toMatch(reason);
  });

  it.each(hostileGuids)('app id / object id %j', (guid, reason) => {
    expect(refusal({ script: 'oauth-setup', upn: UPN, appId: guid, objectId: OBJECT_ID })).toMatch(reason);
    expect(refusal({ script: 'oauth-setup', upn: UPN, appId: APP_ID, objectId: guid })).toMatch(reason);
  });

  it('says it refuses rather than escapes, and what to do instead', () => {
    expect(refusal({ script: 'enable-mailbox', upn: "o'brien@contoso.com" })).toMatch(/refuses such values instead of escaping them.*type the command yourself/su);
  });

  it('a seeded random mix of dangerous characters never reaches a script outside plain quoted ASCII', () => {
    let seed = 20261123;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pool = ['a', 'b', '.', '-', '_', '+', '@', "'", '"', '`', '$', '(', ')', ';', '|', '&', '\n', ' ', '\u2019', '\u201c', '#', '!', '~', '^', '{', '%', 'x', 'n', '1'];
    let accepted = 0;
    for (let i = 0; i < 3000; i += 1) {
      const length = 3 + Math.floor(random() * 14);
      const value = Array.from({ length }, () => pool[Math.floor(random() * pool.length)] ?? 'a').join('') + (random() < 0.5 ? '@contoso.com' : '');
      const result = generateScript({ script: 'enable-mailbox', upn: value });
      if (!result.ok) continue;
      accepted += 1;
      expect(value).toMatch(/^[A-Za-z0-9._!#^~+-]+@contoso\.com$/u);
      expect(result.value.text).toContain(`-Identity '${value}' -SmtpClientAuthenticationDisabled $false`);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('command templates from resources/m365.json', () => {
  it('quotes each value, and renders nothing when a value is unknown', () => {
    expect(renderTemplate('Get-RecipientPermission -Identity {{from}} -Trustee {{upn}}', { upn: UPN, from: 'shared@contoso.com' })).toBe(
      "Get-RecipientPermission -Identity 'shared@contoso.com' -Trustee 'support@contoso.com'",
    );
    expect(renderTemplate('Get-MailboxPermission -Identity {{upn}} -User {{objectId}}', { upn: UPN })).toBeNull();
  });

  it('refuses to quote an unchecked value (a programmer error, not a user one)', () => {
    expect(() => renderTemplate('Get-Mailbox -Identity {{upn}}', { upn: "x'; calc; 'y@contoso.com" })).toThrow(/unchecked value/u);
  });
});
