/**
 * The bulk-disconnect helper: from an address export, a script (bash with curl and jq, or
 * PowerShell) that removes or updates a platform's support addresses through its
 * support-address API (resources/platforms addressApi), one at a time with a pause.
 *
 * Relayproof never knows the platform's id of an address: the script first lists the
 * account's addresses (`GET listPath`, every page) and looks each one up by email. The
 * API token is never in the script: it reads the sign-in from environment variables.
 * Every value written into the script passes the PowerShell generator's checks
 * (m365-script-values.ts) and is single-quoted; those checks refuse every character
 * that could end a single-quoted string in bash or PowerShell, so one rule covers both.
 *
 * Pure TypeScript: the CLI and the Addresses view generate the same script.
 */
import { addressProblem, psQuote } from './m365-script-values';
import { domainToAscii } from './fields';
import type { z } from 'zod';
import type { platformAddressApiSchema } from './platform-connector-facts';

export const disconnectShells = ['bash', 'powershell'] as const;
export type DisconnectShell = (typeof disconnectShells)[number];
export const disconnectActions = ['remove', 'update'] as const;
export type DisconnectAction = (typeof disconnectActions)[number];

export type PlatformAddressApi = z.infer<typeof platformAddressApiSchema>;

/** An address export's row, as far as the script needs it. */
export interface DisconnectRow {
  readonly address: string;
  readonly platform: string;
  readonly environment: string;
  readonly platformSubdomain?: string | null | undefined;
}

export interface DisconnectScriptRequest {
  readonly shell: DisconnectShell;
  readonly action: DisconnectAction;
  /** For `update`: the new name and/or brand of every address. */
  readonly update?: { readonly name?: string | undefined; readonly brandId?: string | undefined };
  /** The export's rows; those of other platforms are left out (and counted). */
  readonly rows: readonly DisconnectRow[];
  /** The platform the script is for (its id, name and API). */
  readonly platform: { readonly id: string; readonly shortName: string; readonly addressApi: PlatformAddressApi };
  /** The account: its subdomain. Default: the one the rows share. */
  readonly subdomain?: string | undefined;
  /** Only the rows of this environment. */
  readonly environment?: string | undefined;
  /** When the script is generated (its header). */
  readonly generatedAt: string;
}

export interface DisconnectScript {
  readonly script: string;
  readonly fileName: string;
  /** The addresses the script acts on, in order (ASCII form). */
  readonly addresses: readonly string[];
  /** Rows not in the script, each with the reason. */
  readonly skipped: readonly { readonly address: string; readonly reason: string }[];
}

export type DisconnectScriptResult = { readonly ok: true; readonly value: DisconnectScript } | { readonly ok: false; readonly message: string; readonly hint: string };

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;
/** A display name safe in single quotes and in JSON without escaping: letters, digits, space, . _ - */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$/u;
const BRAND_ID = /^[1-9][0-9]{0,18}$/u;
const BODY = /^[A-Za-z0-9 ._{}":,-]+$/u;

/** The environment variables the script reads: never written into it. */
export const DISCONNECT_ENV = { email: 'ZENDESK_EMAIL', token: 'ZENDESK_API_TOKEN', baseUrl: 'ZENDESK_BASE_URL' } as const;

function refuse(message: string, hint: string): DisconnectScriptResult {
  return { ok: false, message, hint };
}

/** The address in the form the platform stores (ASCII domain), or why it cannot go into a script. */
function scriptAddress(address: string): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string } {
  const at = address.lastIndexOf('@');
  const domain = at === -1 ? null : domainToAscii(address.slice(at + 1));
  const ascii = at === -1 || domain === null ? address : `${address.slice(0, at)}@${domain}`.toLowerCase();
  const problem = addressProblem(ascii, 'The address');
  return problem === null ? { ok: true, value: ascii } : { ok: false, reason: problem };
}

export function generateDisconnectScript(request: DisconnectScriptRequest): DisconnectScriptResult {
  const { platform, action, shell } = request;
  const api = platform.addressApi;
  const name = request.update?.name?.trim();
  const brandId = request.update?.brandId?.trim();
  if (action === 'update') {
    if ((name === undefined || name === '') && (brandId === undefined || brandId === '')) {
      return refuse('An update needs something to change: a new name (--name) or a brand id (--brand-id).', 'To take the addresses off the connector, use --action remove.');
    }
    if (name !== undefined && name !== '' && !NAME.test(name)) {
      return refuse(`The name "${name.replace(/[^\x20-\x7e]/gu, '?')}" cannot go into a script: use letters, digits, spaces, dots, hyphens and underscores (at most 64).`, 'Quotes, $, backticks and line breaks are refused, not escaped: the script runs with your API token.');
    }
    if (brandId !== undefined && brandId !== '' && !BRAND_ID.test(brandId)) {
      return refuse(`The brand id "${brandId.replace(/[^\x20-\x7e]/gu, '?')}" is not a ${platform.shortName} brand id: it is a number such as 360001234567.`, `Find it in ${platform.shortName}'s Admin Center or API.`);
    }
  } else if (request.update?.name !== undefined || request.update?.brandId !== undefined) {
    return refuse('--name and --brand-id go with --action update.', 'Remove them, or use --action update.');
  }

  const skipped: { address: string; reason: string }[] = [];
  const ofPlatform = request.rows.filter((row) => {
    if (row.platform !== platform.id) {
      skipped.push({ address: row.address, reason: `not a ${platform.shortName} address (${row.platform})` });
      return false;
    }
    if (request.environment !== undefined && row.environment !== request.environment) {
      skipped.push({ address: row.address, reason: `in ${row.environment}, not ${request.environment}` });
      return false;
    }
    return true;
  });
  if (ofPlatform.length === 0) {
    return refuse(`The export has no ${platform.shortName} address${request.environment === undefined ? '' : ` in ${request.environment}`}.`, `Export the addresses again, or choose the file with your ${platform.shortName} addresses.`);
  }

  const subdomains = [...new Set(ofPlatform.map((r) => r.platformSubdomain ?? '').filter((s) => s !== ''))];
  const subdomain = request.subdomain?.trim() ?? (subdomains.length === 1 ? subdomains[0] : undefined);
  if (subdomain === undefined) {
    return subdomains.length === 0
      ? refuse(`The export does not say which ${platform.shortName} account these addresses are in.`, `Give the account's subdomain (--subdomain yourcompany for yourcompany.zendesk.com).`)
      : refuse(`The export's addresses are in ${subdomains.length} ${platform.shortName} accounts (${subdomains.join(', ')}); a script acts on one.`, 'Choose one with --subdomain, and generate one script per account (each needs its own API token).');
  }
  if (!SUBDOMAIN.test(subdomain)) {
    return refuse(`"${subdomain.replace(/[^\x20-\x7e]/gu, '?')}" is not a subdomain: lowercase letters, digits and hyphens, such as yourcompany in yourcompany.zendesk.com.`, 'Give the subdomain alone, without https:// or .zendesk.com.');
  }

  const addresses: string[] = [];
  for (const row of ofPlatform) {
    if (row.platformSubdomain !== undefined && row.platformSubdomain !== null && row.platformSubdomain !== '' && row.platformSubdomain !== subdomain) {
      skipped.push({ address: row.address, reason: `in the account ${row.platformSubdomain}, not ${subdomain}` });
      continue;
    }
    const checked = scriptAddress(row.address);
    if (!checked.ok) {
      skipped.push({ address: row.address, reason: checked.reason });
      continue;
    }
    if (!addresses.includes(checked.value)) addresses.push(checked.value);
  }
  if (addresses.length === 0) {
    return refuse(`None of the export's ${platform.shortName} addresses can go into a script.`, skipped.map((s) => `${s.address}: ${s.reason}`).join(' '));
  }

  const baseUrl = api.baseUrl.replaceAll('{subdomain}', subdomain);
  const body = action === 'update' ? JSON.stringify({ [api.itemKey]: { ...(name !== undefined && name !== '' ? { name } : {}), ...(brandId !== undefined && brandId !== '' ? { brand_id: Number(brandId) } : {}) } }) : null;
  // The JSON body is made of checked values only (NAME, BRAND_ID) and JSON's own { } " : , —
  // none of which ends a single-quoted string in bash or PowerShell.
  if (body !== null && !BODY.test(body)) throw new Error('the update body has a character the checks should have refused');
  const facts: ScriptFacts = { request, baseUrl, addresses, body };
  const script = shell === 'bash' ? bashScript(facts) : powershellScript(facts);
  const stamp = request.generatedAt.slice(0, 10);
  const fileName = `${platform.id}-${action}-addresses-${subdomain}-${stamp}.${shell === 'bash' ? 'sh' : 'ps1'}`;
  return { ok: true, value: { script, fileName, addresses, skipped } };
}

interface ScriptFacts {
  readonly request: DisconnectScriptRequest;
  readonly baseUrl: string;
  readonly addresses: readonly string[];
  readonly body: string | null;
}

/** The account's base URL (checked subdomain in the platform's template), single-quoted. */
function quoteUrl(url: string): string {
  if (!/^https:\/\/[a-z0-9.-]+$/u.test(url)) throw new Error('quoteUrl() called with an unchecked URL');
  return `'${url}'`;
}

function headerLines(facts: ScriptFacts): string[] {
  const { request, addresses, baseUrl } = facts;
  const { platform, action } = request;
  const api = platform.addressApi;
  const verb = action === 'remove' ? 'Removes' : 'Updates';
  const count = `${addresses.length} ${platform.shortName} support address${addresses.length === 1 ? '' : 'es'}`;
  return [
    `${verb} ${count} of ${baseUrl} through the support addresses API, one at a time.`,
    `Generated by Relayproof on ${request.generatedAt} from an address export.`,
    '',
    api.lowTrafficAdvice,
    api.oneAtATime,
    api.cannotAdd,
    `API reference: ${api.docsUrl}`,
    '',
    `Before running, set ${DISCONNECT_ENV.email} (a ${platform.shortName} admin's email) and ${DISCONNECT_ENV.token} (an API token).`,
    'The token is read from the environment only: it is never written into this file.',
    `${DISCONNECT_ENV.baseUrl} overrides ${baseUrl} (a proxy or a test server).`,
  ];
}

/** The header as `#` comments (the same in bash and PowerShell); a line break in the data cannot end one. */
function commentLines(facts: ScriptFacts): string[] {
  return headerLines(facts).map((l) => (l === '' ? '#' : `# ${l.replace(/[\r\n\u2028\u2029\u0085]+/gu, ' ')}`));
}

function bashScript(facts: ScriptFacts): string {
  const { request, baseUrl, addresses, body } = facts;
  const api = request.platform.addressApi;
  const pause = api.pauseSeconds;
  const done = request.action === 'remove' ? 'Removed' : 'Updated';
  const itemPath = (id: string) => api.itemPath.replace('{id}', id);
  const lines = [
    '#!/usr/bin/env bash',
    ...commentLines(facts),
    'set -euo pipefail',
    '',
    `base_url="\${${DISCONNECT_ENV.baseUrl}:-}"`,
    `[ -n "$base_url" ] || base_url=${quoteUrl(baseUrl)}`,
    `pause_seconds=${pause}`,
    `: "\${${DISCONNECT_ENV.email}:?Set ${DISCONNECT_ENV.email} to the email address of a ${request.platform.shortName} admin}"`,
    `: "\${${DISCONNECT_ENV.token}:?Set ${DISCONNECT_ENV.token} to a ${request.platform.shortName} API token}"`,
    // curl reads the sign-in from its config on stdin, so it never appears in the process list.
    `case "$${DISCONNECT_ENV.email}$${DISCONNECT_ENV.token}" in *'"'*|*'\\'*|*$'\\n'*) echo 'The email or token contains a quote, backslash or line break.' >&2; exit 2 ;; esac`,
    'for tool in curl jq; do command -v "$tool" >/dev/null || { echo "This script needs $tool." >&2; exit 2; }; done',
    '',
    '# api METHOD PATH [JSON]: one call; stops the script with the reply on an HTTP error.',
    'api() {',
    '  local args=(--silent --show-error --fail-with-body --request "$1" --header "Accept: application/json" --config -)',
    '  if [ "$#" -ge 3 ]; then args+=(--header "Content-Type: application/json" --data "$3"); fi',
    `  printf 'user = "%s/token:%s"\\n' "$${DISCONNECT_ENV.email}" "$${DISCONNECT_ENV.token}" | curl "\${args[@]}" "$base_url$2"`,
    '}',
    '',
    '# Every address of the account (all pages): "email<TAB>id" per line.',
    'listing=""',
    `next="$base_url${api.listPath}?page%5Bsize%5D=100"`,
    'while [ -n "$next" ]; do',
    '  page=$(api GET "${next#"$base_url"}")',
    `  listing+=$(jq -r '.${api.listKey}[] | [(.email | ascii_downcase), (.id | tostring)] | @tsv' <<<"$page")$'\\n'`,
    `  next=$(jq -r 'if .meta.has_more == true then (.links.next // "") else (.next_page // "") end' <<<"$page")`,
    // The token goes only to the account's own host: a next page elsewhere stops the script.
    '  case "$next" in "" | "$base_url"/*) ;; *) echo "The API named a next page on another host ($next): stopping." >&2; exit 1 ;; esac',
    'done',
    '',
    'addresses=(',
    ...addresses.map((a) => `  ${psQuote(a)}`),
    ')',
    ...(body === null ? [] : [`body='${body}'`]),
    'missing=0',
    'acted=0',
    'for address in "${addresses[@]}"; do',
    `  id=$(awk -F '\\t' -v a="$address" '$1 == a { print $2; exit }' <<<"$listing")`,
    '  if ! [[ "$id" =~ ^[0-9]+$ ]]; then',
    `    echo "Not found in ${request.platform.shortName}: $address (skipped)" >&2`,
    '    missing=$((missing + 1))',
    '    continue',
    '  fi',
    // One at a time, with a pause between two calls.
    '  [ "$acted" -eq 0 ] || sleep "$pause_seconds"',
    request.action === 'remove' ? `  api DELETE "${itemPath('$id')}" >/dev/null` : `  api PUT "${itemPath('$id')}" "$body" >/dev/null`,
    '  acted=$((acted + 1))',
    `  echo "${done} $address (id $id)"`,
    'done',
    `echo "Done: ${addresses.length} address${addresses.length === 1 ? '' : 'es'} in the list, $missing not found."`,
    '',
  ];
  return lines.join('\n');
}

function powershellScript(facts: ScriptFacts): string {
  const { request, baseUrl, addresses, body } = facts;
  const api = request.platform.addressApi;
  const done = request.action === 'remove' ? 'Removed' : 'Updated';
  const itemPath = api.itemPath.replace('{id}', '$id');
  const lines = [
    ...commentLines(facts),
    '#Requires -Version 5.1',
    "$ErrorActionPreference = 'Stop'",
    '',
    `$baseUrl = if ($env:${DISCONNECT_ENV.baseUrl}) { $env:${DISCONNECT_ENV.baseUrl} } else { ${quoteUrl(baseUrl)} }`,
    `$pauseSeconds = ${api.pauseSeconds}`,
    `if (-not $env:${DISCONNECT_ENV.email} -or -not $env:${DISCONNECT_ENV.token}) { throw 'Set ${DISCONNECT_ENV.email} (a ${request.platform.shortName} admin''s email) and ${DISCONNECT_ENV.token} (an API token) first.' }`,
    `$pair = $env:${DISCONNECT_ENV.email} + '/token:' + $env:${DISCONNECT_ENV.token}`,
    "$headers = @{ Authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pair)); Accept = 'application/json' }",
    '',
    '# Every address of the account (all pages), by email.',
    '$ids = @{}',
    `$next = $baseUrl + '${api.listPath}?page%5Bsize%5D=100'`,
    'while ($next) {',
    '  $page = Invoke-RestMethod -Method Get -Uri $next -Headers $headers',
    `  foreach ($item in $page.${api.listKey}) { $ids[([string]$item.email).ToLowerInvariant()] = [string]$item.id }`,
    '  $next = if ($page.meta.has_more) { [string]$page.links.next } elseif ($page.next_page) { [string]$page.next_page } else { $null }',
    // The token goes only to the account's own host.
    "  if ($next -and -not $next.StartsWith($baseUrl + '/')) { throw \"The API named a next page on another host ($next): stopping.\" }",
    '}',
    '',
    '$addresses = @(',
    ...addresses.map((a) => `  ${psQuote(a)}`),
    ')',
    ...(body === null ? [] : [`$body = '${body}'`]),
    '$missing = 0',
    '$acted = 0',
    'foreach ($address in $addresses) {',
    '  $id = $ids[$address]',
    "  if (-not ($id -match '^[0-9]+$')) {",
    `    Write-Warning "Not found in ${request.platform.shortName}: $address (skipped)"`,
    '    $missing++',
    '    continue',
    '  }',
    '  if ($acted -gt 0) { Start-Sleep -Seconds $pauseSeconds }',
    '  $acted++',
    request.action === 'remove'
      ? `  Invoke-RestMethod -Method Delete -Uri ($baseUrl + "${itemPath}") -Headers $headers | Out-Null`
      : `  Invoke-RestMethod -Method Put -Uri ($baseUrl + "${itemPath}") -Headers $headers -ContentType 'application/json' -Body $body | Out-Null`,
    `  Write-Output "${done} $address (id $id)"`,
    '}',
    `Write-Output "Done: ${addresses.length} address${addresses.length === 1 ? '' : 'es'} in the list, $missing not found."`,
    '',
  ];
  return lines.join('\r\n');
}
