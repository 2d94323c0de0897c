import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from '../analyze/reply-catalogue';
import { m365Items } from '../../src-preload/contract/analyze';
import { m365Checklist } from './checklist';
import { loadM365Facts } from './facts';
import { generateScript, renderTemplate } from './powershell';
import { retirementStatus } from './retirement';
import { readinessItemIds, type M365Checklist, type M365ChecklistInput, type M365Facts, type ReadinessItemId } from '../../src-preload/contract/m365-schemas';

let facts: M365Facts;
let catalogue: ReplyCatalogue;
beforeAll(async () => {
  const loadedFacts = await loadM365Facts(repositoryResourcesDir());
  if (!loadedFacts.ok) throw new Error(loadedFacts.problems.join('\n'));
  facts = loadedFacts.facts;
  const loaded = await loadReplyCatalogue(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  catalogue = loaded.catalogue;
});

const UPN = 'support@contoso.com';
const TODAY = '2026-11-23';

function checklist(input: Partial<M365ChecklistInput> = {}): M365Checklist {
  const result = m365Checklist({ upn: UPN, today: TODAY, ...input }, { facts, catalogue });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
const item = (list: M365Checklist, id: ReadinessItemId) => {
  const found = list.items.find((i) => i.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return found;
};

describe('resources/m365.json', () => {
  it('loads, and every fact has a source and a checked date', () => {
    expect(facts.endpoint).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls' });
    expect(facts.tls.minimumVersion).toBe('TLSv1.2');
    expect(facts.limits.find((l) => l.key === 'concurrent-connections')?.value).toBe(3);
    const sourced = [facts.endpoint, facts.tls, facts.oauth, facts.basicAuthRetirement, ...facts.limits, ...facts.basicAuthRetirement.milestones, ...facts.aadsts, ...facts.items];
    for (const fact of sourced) {
      expect(fact.source).toMatch(/^(https:\/\/|seeds\/)/u);
      expect(fact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    }
  });

  it('has a readiness item for every item the diagnosis catalogue names', () => {
    for (const id of m365Items) expect(readinessItemIds).toContain(id);
    const named = new Set(catalogue.entries.map((e) => e.entry.m365Item).filter((i) => i !== undefined));
    for (const id of named) expect(facts.items.map((i) => i.id)).toContain(id);
  });

  it('refuses a file with a missing item, a bad date or an unknown placeholder, naming the field', async () => {
    const raw = JSON.parse(readFileSync(join(repositoryResourcesDir(), 'm365.json'), 'utf8')) as { items: { id: string; check: { commands: string[] } }[]; basicAuthRetirement: { milestones: { from: string }[] } };
    raw.items = raw.items.filter((i) => i.id !== 'mailbox-smtp-auth');
    const first = raw.items[0];
    if (first !== undefined) first.check.commands = ['Get-Mailbox -Identity {{mailbox}}'];
    const milestone = raw.basicAuthRetirement.milestones[0];
    if (milestone !== undefined) milestone.from = 'end of December';
    const loaded = await loadM365Facts('/virtual', { readFile: () => Promise.resolve(JSON.stringify(raw)) });
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? '' : loaded.problems.join('\n');
    expect(problems).toMatch(/items: readiness item "mailbox-smtp-auth" is missing/u);
    expect(problems).toMatch(/items\.0\.check\.commands\.0: a template may use only/u);
    expect(problems).toMatch(/basicAuthRetirement\.milestones\.0\.from/u);
  });

  it('each item’s one-line fix is a line of the script it points to', () => {
    const values = { upn: 'relay@contoso.com', from: UPN, appId: '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f', objectId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' };
    for (const definition of facts.items) {
      if (definition.fix.command === null) continue;
      expect(definition.fix.script, definition.id).not.toBeNull();
      const line = renderTemplate(definition.fix.command, values);
      const script = generateScript(
        definition.fix.script === 'grant-send-as'
          ? { script: 'grant-send-as', upn: values.upn, from: values.from }
          : definition.fix.script === 'oauth-setup'
            ? { script: 'oauth-setup', upn: values.upn, appId: values.appId, objectId: values.objectId }
            : { script: 'enable-mailbox', upn: values.upn },
      );
      expect(script.ok && script.value.text.split('\n'), definition.id).toContain(line);
    }
  });

  it('the Exchange check commands of each item are in the check script', () => {
    const script = generateScript({ script: 'check', upn: UPN });
    const lines = script.ok ? script.value.text.split('\n') : [];
    for (const definition of facts.items.filter((d) => d.check.shell === 'exchange' && d.id !== 'oauth-app')) {
      for (const command of definition.check.commands) expect(lines, definition.id).toContain(renderTemplate(command, { upn: UPN, from: UPN }));
    }
  });
});

describe('the Basic-auth retirement for a given day', () => {
  it('before the end of December 2026: works, with the days left', () => {
    const status = retirementStatus(facts, TODAY);
    expect(status).toMatchObject({ phase: 'unchanged', next: { id: 'default-off', date: '2026-12-31', daysUntil: 38 }, staleWarning: null });
    expect(status.headline).toBe('Basic authentication for SMTP AUTH works as before until end of December 2026 (38 days from today).');
    expect(status.milestones.map((m) => m.status)).toEqual(['upcoming', 'upcoming', 'upcoming']);
  });

  it.each([
    ['2026-12-31', 'default-off', 'current'],
    ['2027-03-01', 'default-off', 'past'],
    ['2027-07-01', 'removal-window', 'past'],
    ['2027-12-31', 'removal-window', 'past'],
    ['2028-01-01', 'removal-due', 'past'],
  ] as const)('on %s the phase is %s', (today, phase, defaultOff) => {
    const status = retirementStatus(facts, today);
    expect(status.phase).toBe(phase);
    expect(status.milestones.find((m) => m.id === 'default-off')?.status).toBe(defaultOff);
  });

  it('says when its dates are old enough to re-check', () => {
    expect(retirementStatus(facts, '2028-01-01').staleWarning).toMatch(/last checked on 2026-11-23, 404 days ago/u);
  });
});

describe('the checklist for a mailbox', () => {
  it('starts unknown, with the retirement computed for today and send-as not needed for the mailbox’s own address', () => {
    const list = checklist();
    expect(list.items.map((i) => i.id)).toEqual([...readinessItemIds]);
    expect(item(list, 'basic-auth-retirement')).toMatchObject({ state: 'ok', setBy: 'computed' });
    expect(item(list, 'basic-auth-retirement').evidence).toMatch(/38 days from today/u);
    expect(item(list, 'send-as-rights')).toMatchObject({ state: 'not-applicable', setBy: 'computed' });
    expect(item(list, 'oauth-app').state).toBe('not-applicable');
    expect(item(list, 'mailbox-smtp-auth')).toMatchObject({ state: 'unknown', setBy: 'default' });
    expect(list.counts).toEqual({ ok: 1, problem: 0, unknown: 12, notApplicable: 2 });
    expect(list.nextFix).toBeNull();
    expect(list.ready).toBe(false);
  });

  it('explains the three mailbox values and renders its PowerShell for this UPN', () => {
    const mailbox = item(checklist(), 'mailbox-smtp-auth');
    expect(mailbox.settingValues.map((v) => v.value)).toEqual(['$true', '$false', '$null (shown empty)']);
    expect(mailbox.settingValues[2]?.meaning).toMatch(/follows the organisation setting/u);
    expect(mailbox.check.commands).toEqual(["Get-CASMailbox -Identity 'support@contoso.com' | Format-List SmtpClientAuthenticationDisabled"]);
    expect(mailbox.fix).toMatchObject({ script: 'enable-mailbox', command: "Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false" });
  });

  it('names the Linux device-platform trap under Conditional Access', () => {
    const ca = item(checklist(), 'conditional-access');
    expect(ca.why).toMatch(/Block access for unknown or unsupported device platform/u);
    expect(ca.fix.steps.join(' ')).toMatch(/Linux/u);
  });

  it('with OAuth 2.0, password-only items do not apply and the app item does', () => {
    const list = checklist({ authMode: 'oauth2', appId: '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f', objectId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' });
    for (const id of ['security-defaults', 'mfa-basic-auth', 'credentials', 'account-lockout', 'basic-auth-retirement'] as const) expect(item(list, id).state).toBe('not-applicable');
    expect(item(list, 'oauth-app')).toMatchObject({ state: 'unknown', fix: { script: 'oauth-setup' } });
    expect(item(list, 'oauth-app').fix.command).toBe("Add-MailboxPermission -Identity 'support@contoso.com' -User 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' -AccessRights FullAccess");
    expect(item(list, 'oauth-app').check.commands).toContain("Get-MailboxPermission -Identity 'support@contoso.com' -User 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'");
  });

  it('without the object id, the app’s one-line fix is left out rather than half-filled', () => {
    const app = item(checklist({ authMode: 'oauth2' }), 'oauth-app');
    expect(app.fix.command).toBeNull();
    expect(app.check.commands).toEqual(['Get-ServicePrincipal | Format-List DisplayName, AppId, ObjectId']);
  });

  it('after the default-off date, a password connector is a problem until a test proves it was re-enabled', () => {
    const list = checklist({ today: '2027-02-01' });
    expect(item(list, 'basic-auth-retirement')).toMatchObject({ state: 'problem', setBy: 'computed', highlighted: true, fix: { script: 'oauth-setup' } });
    expect(list.nextFix).toMatchObject({ item: 'basic-auth-retirement', script: 'oauth-setup' });
  });

  it('takes the admin’s marks, and is ready when every applicable item is ok', () => {
    const marks = readinessItemIds.map((id) => ({ id, state: 'ok' as const }));
    const list = checklist({ marks: [...marks, { id: 'tenant-standing', state: 'problem', note: 'Restricted in Defender' }] });
    expect(item(list, 'tenant-standing')).toMatchObject({ state: 'problem', setBy: 'admin', evidence: 'Restricted in Defender' });
    expect(list.ready).toBe(false);
    expect(checklist({ marks }).ready).toBe(true);
  });

  it('with another From address, send-as matters and its fix names both addresses', () => {
    const list = checklist({ upn: 'relay@contoso.com', from: UPN });
    expect(item(list, 'send-as-rights')).toMatchObject({
      state: 'unknown',
      fix: { script: 'grant-send-as', command: "Add-RecipientPermission -Identity 'support@contoso.com' -Trustee 'relay@contoso.com' -AccessRights SendAs -Confirm:$false" },
    });
  });

  it('refuses a UPN that could break out of a generated line', () => {
    const result = m365Checklist({ upn: "x'; Remove-Mailbox ceo; '@contoso.com" }, { facts, catalogue });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/single quote/u);
  });
});

describe('a pasted error turns the item it proves wrong into a problem, with its fix first', () => {
  it.each([
    ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.', 'mailbox-smtp-auth', 'enable-mailbox'],
    ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.', 'tenant-smtp-auth', 'enable-mailbox'],
    ["535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy.", 'security-defaults', 'oauth-setup'],
    ['550 5.7.30 Basic authentication is not supported for Client Submission.', 'basic-auth-retirement', 'oauth-setup'],
    ['Zendesk: 432 4.3.2 Concurrent connections limit exceeded.', 'concurrency', null],
    ['AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value', 'oauth-app', 'oauth-setup'],
    ['AADSTS53003: Access has been blocked by Conditional Access policies.', 'conditional-access', null],
  ] as const)('%s → %s', (text, id, script) => {
    const list = checklist({ pastedError: text });
    expect(item(list, id)).toMatchObject({ state: 'problem', setBy: 'pasted-error', highlighted: true });
    expect(list.nextFix).toMatchObject({ item: id, script });
    expect(list.items.filter((i) => i.highlighted)).toHaveLength(1);
  });

  it('the mailbox-disabled reply gives the single PowerShell line that fixes it', () => {
    const list = checklist({ pastedError: 'Invalid login: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.' });
    expect(list.nextFix?.command).toBe("Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false");
    expect(item(list, 'mailbox-smtp-auth').diagnosis).toMatchObject({ code: 'm365-smtp-auth-disabled-mailbox' });
  });

  it('text that proves nothing about Microsoft 365 changes nothing', () => {
    const list = checklist({ pastedError: 'it just does not work' });
    expect(list.counts.problem).toBe(0);
    expect(list.nextFix).toBeNull();
  });
});
