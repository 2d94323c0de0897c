/**
 * The PowerShell an admin runs in Exchange Online PowerShell (`Connect-ExchangeOnline`,
 * module ExchangeOnlineManagement): check, enable SMTP AUTH for one or several
 * mailboxes, grant Send As, and register an OAuth 2.0 app's service principal.
 *
 * Every inserted value went through `scriptRequestSchema` (script-values.ts): it is
 * single-quoted and contains nothing that can end or escape the quotes. Values that
 * could are refused with a message — never escaped into a working command.
 */
import { fail, ok, type Result } from '../../src-preload/contract';
import { describeIssues } from '../app/input-issues';
import { psQuote } from '../../src-preload/contract/m365-script-values';
import { scriptRequestSchema, type GeneratedScript, type ScriptRequest, type ScriptRequestInput, type TemplatePlaceholder } from '../../src-preload/contract/m365-schemas';

const MODULE_HINT = '# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser';
const DISCONNECT = 'Disconnect-ExchangeOnline -Confirm:$false';

export const enableMailboxLine = (upn: string) => `Set-CASMailbox -Identity ${psQuote(upn)} -SmtpClientAuthenticationDisabled $false`;

export function generateScript(input: ScriptRequestInput): Result<GeneratedScript> {
  const parsed = scriptRequestSchema.safeParse(input);
  if (!parsed.success) {
    return fail('invalid-input', describeIssues(parsed.error.issues), {
      hint: 'Generated scripts take a plain sign-in name (user@contoso.com) and GUIDs only; anything that could break out of the quoting is refused, not escaped.',
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
    });
  }
  return ok(render(parsed.data));
}

function script(request: ScriptRequest, title: string, header: readonly string[], body: readonly string[], changes: readonly string[]): GeneratedScript {
  const lines = [`# Relayproof: ${title}`, ...header.map((h) => (h === '' ? '#' : `# ${h}`)), MODULE_HINT, 'Connect-ExchangeOnline', '', ...body, '', DISCONNECT];
  return { script: request.script, fileName: `relayproof-${request.script}.ps1`, title, text: `${lines.join('\n')}\n`, changes: [...changes] };
}

function render(request: ScriptRequest): GeneratedScript {
  switch (request.script) {
    case 'check': {
      const upn = psQuote(request.upn);
      return script(
        request,
        'check SMTP AUTH readiness for one mailbox (read-only: changes nothing)',
        [`Mailbox: ${upn}`],
        [
          '# Organisation setting. False = SMTP AUTH allowed; True = off unless the mailbox overrides it.',
          'Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled',
          '',
          '# Mailbox setting. False = allowed; True = blocked; empty ($null) = follows the organisation setting.',
          `Get-CASMailbox -Identity ${upn} | Format-List SmtpClientAuthenticationDisabled`,
          '',
          '# The mailbox exists: UserMailbox (a licensed user) or SharedMailbox.',
          `Get-Mailbox -Identity ${upn} | Format-List RecipientTypeDetails, PrimarySmtpAddress, AccountDisabled`,
          '',
          '# Who may send as this address (Send As, Send on Behalf).',
          `Get-RecipientPermission -Identity ${upn} -AccessRights SendAs`,
          `Get-Mailbox -Identity ${upn} | Format-List GrantSendOnBehalfTo`,
          '',
          '# Authentication policies: AllowBasicAuthSmtp False blocks passwords for SMTP AUTH.',
          'Get-AuthenticationPolicy | Format-List Name, AllowBasicAuthSmtp',
          `Get-User -Identity ${upn} | Format-List AuthenticationPolicy`,
          '',
          '# Users restricted from sending (after outbound spam).',
          'Get-BlockedSenderAddress',
          '',
          '# Security defaults and Conditional Access live in Microsoft Entra, not Exchange Online.',
          '# With the Microsoft.Graph module, read them with:',
          "#   Connect-MgGraph -Scopes 'Policy.Read.All'",
          '#   Get-MgPolicyIdentitySecurityDefaultEnforcementPolicy | Format-List IsEnabled',
          '#   Get-MgIdentityConditionalAccessPolicy -All | Format-Table DisplayName, State',
        ],
        [],
      );
    }
    case 'enable-mailbox': {
      const upn = psQuote(request.upn);
      const fix = enableMailboxLine(request.upn);
      return script(
        request,
        'turn on SMTP AUTH for one mailbox',
        [`Mailbox: ${upn}`],
        [
          '# Before. False = on; True = off; empty ($null) = follows the organisation setting.',
          `Get-CASMailbox -Identity ${upn} | Format-List SmtpClientAuthenticationDisabled`,
          '',
          '# The fix: $false turns SMTP AUTH on for this mailbox, whatever the organisation setting says.',
          fix,
          '',
          '# After: should show False. Allow up to an hour before testing again.',
          `Get-CASMailbox -Identity ${upn} | Format-List SmtpClientAuthenticationDisabled`,
        ],
        [fix],
      );
    }
    case 'enable-mailboxes': {
      const seen = new Set<string>();
      const upns = request.upns.filter((u) => {
        const key = u.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const fix = 'Set-CASMailbox -Identity $mailbox -SmtpClientAuthenticationDisabled $false';
      return script(
        request,
        `turn on SMTP AUTH for ${upns.length} mailbox${upns.length === 1 ? '' : 'es'}`,
        ['Mailboxes: listed in $mailboxes below.'],
        [
          '$mailboxes = @(',
          ...upns.map((u) => `    ${psQuote(u)}`),
          ')',
          '',
          '# The fix: $false turns SMTP AUTH on for each mailbox, whatever the organisation setting says.',
          'foreach ($mailbox in $mailboxes) {',
          `    ${fix}`,
          '}',
          '',
          '# After: every line should show False. Allow up to an hour before testing again.',
          '$mailboxes | ForEach-Object { Get-CASMailbox -Identity $_ } | Format-Table PrimarySmtpAddress, SmtpClientAuthenticationDisabled',
        ],
        upns.map((u) => enableMailboxLine(u)),
      );
    }
    case 'grant-send-as': {
      const upn = psQuote(request.upn);
      const from = psQuote(request.from);
      const header = [`Sign-in mailbox (sends):   ${upn}`, `From address (sent as):    ${from}`];
      if (request.right === 'send-on-behalf') {
        const fix = `Set-Mailbox -Identity ${from} -GrantSendOnBehalfTo @{Add=${upn}}`;
        return script(
          request,
          'let one mailbox send on behalf of another address',
          header,
          [
            '# Before.',
            `Get-Mailbox -Identity ${from} | Format-List GrantSendOnBehalfTo`,
            '',
            '# The fix. Recipients see "<sign-in mailbox> on behalf of <From address>".',
            fix,
            '',
            '# After: the sign-in mailbox is listed. Allow up to an hour, then send a test message.',
            `Get-Mailbox -Identity ${from} | Format-List GrantSendOnBehalfTo`,
          ],
          [fix],
        );
      }
      const fix = `Add-RecipientPermission -Identity ${from} -Trustee ${upn} -AccessRights SendAs -Confirm:$false`;
      return script(
        request,
        'let one mailbox send as another address',
        header,
        [
          '# Before: who has Send As on the From address.',
          `Get-RecipientPermission -Identity ${from} -AccessRights SendAs`,
          '',
          '# The fix. Recipients see only the From address.',
          fix,
          '',
          '# After: the sign-in mailbox is listed. Allow up to an hour, then send a test message:',
          '# Microsoft 365 checks Send As only when a message is submitted.',
          `Get-RecipientPermission -Identity ${from} -Trustee ${upn}`,
        ],
        [fix],
      );
    }
    case 'oauth-setup': {
      const upn = psQuote(request.upn);
      const appId = psQuote(request.appId);
      const objectId = psQuote(request.objectId);
      const servicePrincipal = `New-ServicePrincipal -AppId ${appId} -ObjectId ${objectId}`;
      const fullAccess = `Add-MailboxPermission -Identity ${upn} -User ${objectId} -AccessRights FullAccess`;
      const smtpAuth = enableMailboxLine(request.upn);
      return script(
        request,
        'OAuth 2.0 app-only sending (SMTP.SendAsApp) for one mailbox',
        [
          `Mailbox:                          ${upn}`,
          `Application (client) ID:          ${appId}`,
          `Enterprise application object ID: ${objectId}`,
          '',
          'First, in the Microsoft Entra admin center (https://entra.microsoft.com):',
          '  1. App registrations > your app > API permissions > Add a permission >',
          '     APIs my organization uses > "Office 365 Exchange Online" > Application permissions >',
          '     SMTP.SendAsApp > Add permissions.',
          '  2. Still on API permissions: "Grant admin consent for <your organisation>" (Status: Granted).',
          '  3. Enterprise applications > your app > Overview: its Object ID is the object ID above',
          '     (not the Object ID shown under App registrations).',
          '  4. App registrations > your app > Certificates & secrets: a client secret (copy its Value)',
          '     or a certificate, for the connector.',
        ],
        [
          "# Register the app's service principal in Exchange Online.",
          servicePrincipal,
          '',
          '# Let the app send from this mailbox.',
          fullAccess,
          '',
          '# SMTP AUTH must be on for the mailbox for XOAUTH2 too.',
          smtpAuth,
          '',
          '# Check.',
          `Get-ServicePrincipal -Identity ${objectId} | Format-List DisplayName, AppId, ObjectId`,
          `Get-MailboxPermission -Identity ${upn} -User ${objectId}`,
          '',
          `# The connector then signs in with AUTH XOAUTH2 as ${upn}, with a token from`,
          '# https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token (client credentials,',
          '# scope https://outlook.office365.com/.default).',
        ],
        [servicePrincipal, fullAccess, smtpAuth],
      );
    }
  }
}

/**
 * Renders a one-line command template from resources/m365.json (`{{upn}}` ...). Values
 * must have passed their schema; a template needing a value that is not known renders
 * to null (the UI then shows the steps instead of a line that would not run).
 */
export function renderTemplate(template: string, values: Partial<Record<TemplatePlaceholder, string>>): string | null {
  let missing = false;
  const text = template.replace(/\{\{(\w+)\}\}/gu, (_all, name: string) => {
    const value = values[name as TemplatePlaceholder];
    if (value === undefined) {
      missing = true;
      return '';
    }
    return psQuote(value);
  });
  return missing ? null : text;
}
