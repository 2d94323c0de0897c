/**
 * The values Relayproof puts into generated PowerShell: a UPN or email address, and
 * Entra GUIDs (application id, enterprise-application object id, tenant id).
 *
 * Rule: a value is inserted only inside single quotes, and only when it is made of
 * characters that cannot end or escape that quoting. Anything else is REFUSED with a
 * message saying which character and why — never escaped. An escaped value is still a
 * command built from untrusted text, and the admin runs it with Exchange admin rights.
 * PowerShell treats the typographic quotes ‘ ’ ‚ ‛ as single quotes too (about_Quoting_Rules),
 * which is why every non-ASCII character is refused.
 *
 * Pure TypeScript: imported by m365-schemas.ts, so the renderer shows the same refusal live.
 */

/** Named characters, with why each one is dangerous in a PowerShell command line. */
const NAMED: ReadonlyArray<readonly [RegExp, string]> = [
  [/'/u, "a single quote ('), which would end the quoted value so the rest runs as PowerShell"],
  [/[\u2018\u2019\u201a\u201b]/u, 'a typographic single quote (‘ ’ ‚ ‛), which PowerShell also treats as a quote'],
  [/["\u201c\u201d\u201e\u201f]/u, 'a double quote (" “ ” „), which starts an expandable string in PowerShell'],
  [/[\r\n\u2028\u2029\u0085]/u, 'a line break, which would start a second command'],
  [/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u, 'a control character'],
  [/;/u, 'a semicolon (;), which separates PowerShell commands'],
  [/`/u, "a backtick (`), PowerShell's escape character"],
  [/\$/u, 'a dollar sign ($), which starts a variable or a $( ) sub-expression'],
  [/\|/u, 'a pipe (|), which sends output to another command'],
  [/&/u, 'an ampersand (&), the call operator'],
  [/[()]/u, 'a parenthesis, which groups or runs an expression'],
  [/[{}]/u, 'a brace, which starts a script block'],
  [/[<>]/u, 'an angle bracket, which redirects output to a file'],
  [/,/u, 'a comma, which makes an array of several values'],
  [/[\s\u00a0\u200b\u2000-\u200a\u3000\ufeff]/u, 'a space or invisible character (check for one pasted at the start or end)'],
  [/\\/u, 'a backslash'],
];

const GENERAL = /[^A-Za-z0-9.@_!#^~+-]/u;

/** Why `value` cannot go into a script, in the admin's words; null when it can. `label` names the field. */
function characterProblem(value: string, label: string): string | null {
  for (const [pattern, name] of NAMED) {
    if (pattern.test(value)) return `${label} contains ${name}.`;
  }
  const other = GENERAL.exec(value)?.[0];
  if (other !== undefined) {
    const code = other.codePointAt(0) ?? 0;
    return code > 0x7f
      ? `${label} contains a non-ASCII character (“${other}”, U+${code.toString(16).toUpperCase().padStart(4, '0')}). Generated scripts take plain ASCII only: lookalike letters and typographic quotes are refused. For an internationalised domain, use its xn-- form.`
      : `${label} contains “${other}”, which a sign-in name or address cannot contain.`;
  }
  return null;
}

const REFUSAL_TAIL =
  'Relayproof refuses such values instead of escaping them. Check for a copy-and-paste mistake; if the value is really right, type the command yourself in PowerShell.';

const LOCAL = /^[A-Za-z0-9_!#^~+-]+(?:\.[A-Za-z0-9_!#^~+-]+)*$/u;
const LABEL = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$/u;

/**
 * A user principal name or email address that is safe to single-quote in PowerShell:
 * ASCII letters, digits and `. _ ! # ^ ~ + -` before the @ (Microsoft Entra's UPN
 * characters, apostrophe excepted, plus `+` for aliases), a dotted DNS domain after it.
 */
export function addressProblem(value: string, label: string): string | null {
  if (value.length === 0) return `${label} is required.`;
  if (value.length > 254) return `${label} is longer than 254 characters.`;
  const chars = characterProblem(value, label);
  if (chars !== null) return `${chars} ${REFUSAL_TAIL}`;
  const at = value.split('@');
  if (at.length !== 2) {
    return at.length === 1
      ? `${label} must be a full sign-in name such as support@contoso.com (it has no @).`
      : `${label} must contain exactly one @.`;
  }
  const [local = '', domain = ''] = at;
  if (local.length === 0 || local.length > 64) return `${label} needs 1 to 64 characters before the @.`;
  if (!LOCAL.test(local)) return `${label} has a dot at the start or end of the name, or two dots in a row.`;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return `${label} must end in a domain such as contoso.com or contoso.onmicrosoft.com.`;
  }
  const tld = labels.at(-1) ?? '';
  if (!/^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/u.test(tld)) return `${label} ends in “.${tld}”, which is not a top-level domain.`;
  return null;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/u;

/** A GUID as the Entra admin center shows it (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`). */
export function guidProblem(value: string, label: string): string | null {
  if (value.length === 0) return `${label} is required.`;
  if (GUID.test(value)) {
    return /^0{8}-0{4}-0{4}-0{4}-0{12}$/u.test(value) ? `${label} is the empty GUID (all zeros); copy the real one from the Microsoft Entra admin center.` : null;
  }
  const chars = characterProblem(value, label);
  if (chars !== null) return `${chars} ${REFUSAL_TAIL}`;
  return `${label} must be a GUID like 0a1b2c3d-1234-4abc-9def-0123456789ab (32 hex digits in groups of 8-4-4-4-12, no braces).`;
}

/** Exchange Online's own application id: what an access token's audience may name, never "your app". */
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

/**
 * A tenant for the authority URL: its GUID or a domain (contoso.onmicrosoft.com).
 * `common`, `organizations` and `consumers` are refused for app-only tokens: client
 * credentials need the one tenant the app is registered in.
 */
export function tenantProblem(value: string, label: string): string | null {
  if (value.length === 0) return `${label} is required.`;
  if (GUID.test(value)) return guidProblem(value, label);
  if (/^(common|organizations|consumers)$/iu.test(value)) {
    return `${label} must name your tenant (its ID or a domain such as contoso.onmicrosoft.com), not “${value}”: app-only tokens are issued by one tenant.`;
  }
  const chars = characterProblem(value, label);
  if (chars !== null) return `${chars} ${REFUSAL_TAIL}`;
  const labels = value.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return `${label} must be the tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com.`;
  }
  return null;
}

/** Single-quotes a value that passed one of the checks above. Anything else is a programmer error. */
export function psQuote(value: string): string {
  if (characterProblem(value, 'value') !== null) throw new Error('psQuote() called with an unchecked value');
  return `'${value}'`;
}
