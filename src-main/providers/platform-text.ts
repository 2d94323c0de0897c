/**
 * A platform's facts as plain text for the command line (`platform show`, and the form
 * guide after `smtp test` / `address test` of a Zuora connection): every line comes from
 * resources/platforms and resources/providers, with the source of each section, so the
 * terminal says nothing the data does not.
 */
import type { ConnectorFormGuide, FormRow, SendingLimitNotice } from '../../src-preload/contract/connector-form';
import { formatCount } from '../../src-preload/contract/connector-form';
import { platformEnvironments, type Platform, type ProviderPreset } from '../../src-preload/contract/providers';

/** The form guide as lines: where, each field, the switch, the wrong choices, the OAuth provider. */
export function formGuideLines(guide: ConnectorFormGuide, platformName: string): string[] {
  const lines: string[] = [];
  lines.push(`${platformName} ${guide.formName} form (${guide.consolePath.join(' > ')}):`);
  lines.push(...rowLines(guide.rows));
  lines.push(`  Why: ${guide.securityWhy}`);
  lines.push(`Then click ${guide.submit}. To send through it: ${guide.deliverySwitch.steps.join(' ')}`);
  if (guide.oauth !== null) {
    lines.push(`OAuth 2.0 provider (${guide.oauth.consolePath.join(' > ')}):`);
    lines.push(...rowLines(guide.oauth.rows));
    if (guide.oauth.note !== null) lines.push(`  Note: ${guide.oauth.note}`);
    if (guide.oauth.source !== null) lines.push(`  Source: ${guide.oauth.source}`);
  }
  if (guide.wrongChoices.length > 0) {
    lines.push(`What ${platformName} shows after a wrong choice:`);
    for (const wrong of guide.wrongChoices) {
      lines.push(`  - ${wrong.choice}: "${wrong.phrase}". ${wrong.why}${wrong.action === null ? '' : ` ${platformName} says: ${wrong.action}`}`);
    }
  }
  lines.push(`Source: ${guide.source}`);
  return lines;
}

function rowLines(rows: readonly FormRow[]): string[] {
  const width = Math.max(...rows.map((r) => r.field.length));
  return rows.map((r) => `  ${r.field.padEnd(width)}  ${r.kind === 'leave-empty' && r.value === 'Leave empty' ? '(leave empty)' : r.value}`);
}

export function sendingLimitLines(notice: SendingLimitNotice): string[] {
  return [`Sending limits: ${notice.limits} ${notice.text} ${notice.advice}`, `  Sources: ${notice.sources.join(', ')}`];
}

/** Keys `platformText` renders in its own sections; any other key of the data is printed as it is. */
const RENDERED = new Set([
  'id',
  'name',
  'label',
  'shortName',
  'order',
  'summary',
  'source',
  'checked',
  'spf',
  'dkim',
  'dmarc',
  'routes',
  'forwarding',
  'limits',
  'headersToPersist',
  'errorPhrases',
  'propagation',
  'enterCredentialsAt',
  'sameAddressInBothEnvironments',
  'docs',
  'smtpForm',
  'sendingLimitWarning',
  'providerPresets',
  'environments',
]);

/** `relayproof platform show ID`: the whole platform file, section by section, each with its source. */
export function platformText(platform: Platform, providers: readonly ProviderPreset[]): string {
  const out: string[] = [];
  const section = (title: string, source?: string) => out.push('', source === undefined ? `${title}:` : `${title} (source: ${source}):`);
  out.push(`${platform.name} [${platform.id}]`, platform.summary, `Source: ${platform.source} (checked ${platform.checked})`);
  if (platform.enterCredentialsAt !== undefined) out.push(`Credentials are entered at: ${platform.enterCredentialsAt}`);

  section('Sending routes');
  for (const route of platform.routes) {
    out.push(`  ${route.id}${route.default ? ' (default)' : ''}: ${route.label}. ${route.summary}`);
    out.push(`    SPF: relay ${route.spf.relay}, platform includes ${route.spf.includes}. ${route.spf.why}`);
    out.push(`    DKIM: any of ${route.dkim.anyOf.join(', ')}${route.dkim.platformWhen === undefined ? '' : ` (platform: ${route.dkim.platformWhen})`}. ${route.dkim.why}`);
    out.push(`    Relay PTR and HELO: ${route.relayIdentity}. Source: ${route.source}`);
  }

  section('DNS records', platform.spf.source);
  out.push(`  SPF includes: ${platform.spf.requiredIncludes.length === 0 ? 'none' : platform.spf.requiredIncludes.map((i) => `include:${i}`).join(' ')}`);
  if (platform.spf.example !== undefined) out.push(`  SPF example: ${platform.spf.example}`);
  if (platform.spf.note !== undefined) out.push(`  ${platform.spf.note}`);
  out.push(`  DKIM (${platform.dkim.mode}${platform.dkim.tokenCount === undefined ? '' : `, ${platform.dkim.tokenCount} records`}):`);
  for (const s of platform.dkim.selectors) {
    const name = s.selector === undefined ? '<token>._domainkey' : `${s.selector}._domainkey`;
    out.push(`    ${s.type} ${name} -> ${s.target ?? (s.targetSuffix === undefined ? '' : `*${s.targetSuffix}`)}${s.value === undefined ? '' : s.value}`);
  }
  if (platform.dkim.note !== undefined) out.push(`    ${platform.dkim.note}`);
  out.push(`  DMARC: ${platform.dmarc.alignment}`);
  if (platform.dmarc.recommended !== undefined) out.push(`  DMARC recommended by the platform (reached in stages from p=none): ${platform.dmarc.recommended}`);
  if (platform.propagation !== null) out.push(`  Propagation: up to ${platform.propagation.maxHours} hours. ${platform.propagation.note} (source: ${platform.propagation.source})`);

  section('Environments');
  for (const env of platformEnvironments(platform)) {
    const shared = platformEnvironments(platform).filter((e) => e.verificationGroup === env.verificationGroup && e.id !== env.id);
    out.push(`  ${env.id}: ${env.label}${shared.length === 0 ? '' : ` (shares verifications with ${shared.map((e) => e.label).join(', ')})`} (source: ${env.source})`);
  }

  if (platform.forwarding !== null) {
    section('Forwarding', platform.forwarding.source);
    out.push(`  To ${platform.forwarding.addressPattern}${platform.forwarding.singleHopOnly ? ' (one hop only)' : ''}. ${platform.forwarding.note}`);
  }

  if (platform.limits.length > 0) {
    section('Limits');
    for (const limit of platform.limits) out.push(`  ${formatCount(limit.value)} ${limit.description} [${limit.key}] (source: ${limit.source})`);
  }

  if (platform.headersToPersist !== null) {
    section('Headers that must survive the relay', platform.headersToPersist.source);
    out.push(`  ${platform.headersToPersist.headers.join(', ')}`);
    if (platform.headersToPersist.note !== undefined) out.push(`  ${platform.headersToPersist.note}`);
  }

  const form = platform.smtpForm;
  if (form !== undefined) {
    section(`${form.name} form`, form.source);
    out.push(`  Where: ${form.consolePath.join(' > ')}; then ${form.submit}.`);
    for (const security of ['starttls', 'tls'] as const) {
      const values = form.security[security];
      out.push(`  ${security === 'starttls' ? 'STARTTLS (usually port 587)' : 'Implicit TLS (usually port 465)'} (source: ${values.source}):`);
      for (const role of ['startTls', 'socketFactoryClass', 'socketFactoryPort', 'socketFactoryFallback'] as const) {
        const value = values[role];
        out.push(`    ${form.fields[role]}: ${value === null ? '(leave empty)' : value.replaceAll('{port}', '<the SMTP Port>')}`);
      }
      out.push(`    ${values.why}`);
    }
    out.push(`  ${form.fields.authentication}: ${form.authenticationValues.password} or ${form.authenticationValues.oauth2}`);
    out.push(`  To send through it (source: ${form.deliverySwitch.source}): ${form.deliverySwitch.steps.join(' ')}`);
    out.push('  Wrong choices and the error each produces:');
    for (const wrong of form.wrongChoices) out.push(`    - ${wrong.choice}: "${wrong.phrase}". ${wrong.why}`);
    if (form.oauth !== undefined) {
      out.push(`  OAuth 2.0 provider (${form.oauth.consolePath.join(' > ')}; source: ${form.oauth.source}): ${form.oauth.fields.map((f) => f.label).join(', ')}`);
    }
  }

  if (platform.sendingLimitWarning !== undefined) {
    const warning = platform.sendingLimitWarning;
    section('Sending limits of mailbox services', warning.source);
    out.push(`  ${warning.text} ${warning.advice}`);
    for (const id of warning.providers) {
      const provider = providers.find((p) => p.id === id);
      if (provider?.sendingLimits === undefined) continue;
      out.push(`  ${provider.name}: ${provider.sendingLimits.limits.map((l) => `${formatCount(l.value)} ${l.unit}`).join(', ')} (source: ${provider.sendingLimits.source})`);
    }
  }

  if (platform.providerPresets !== undefined) {
    const presets = platform.providerPresets;
    section(`${platform.shortName}'s mail-service presets`, presets.source);
    for (const preset of presets.presets) {
      out.push(`  ${preset.label} (${preset.signIn === 'oauth-login' ? `you log in to the service inside ${platform.shortName}` : 'host, port and password typed in'}):`);
      out.push(`    Relayproof can test: ${preset.canTest}`);
      out.push(`    Only ${platform.shortName}'s ${presets.test} shows: ${preset.cannotTest}`);
    }
  }

  if (platform.errorPhrases.length > 0) {
    section(`${platform.shortName}'s error messages`);
    for (const phrase of platform.errorPhrases) out.push(`  "${phrase.phrase}": ${phrase.meaning} ${phrase.action} (source: ${phrase.source})`);
  }

  if (platform.sameAddressInBothEnvironments !== undefined) {
    section('One address in two environments', platform.sameAddressInBothEnvironments.source);
    out.push(`  ${platform.sameAddressInBothEnvironments.advice}`);
  }

  // Facts other parts of the data add (environments, prerequisites, ...): printed as they
  // are, so `platform show` never hides a key it has no section for.
  for (const [key, value] of Object.entries(platform)) {
    if (RENDERED.has(key) || value === undefined || value === null) continue;
    section(key);
    out.push(...dump(value, '  '));
  }

  if (platform.docs.length > 0) {
    section('Documentation');
    for (const doc of platform.docs) out.push(`  ${doc.title}: ${doc.url}`);
  }
  return `${out.join('\n')}\n`;
}

/** A plain-data value as indented lines (objects key by key, arrays item by item). */
function dump(value: unknown, indent: string): string[] {
  if (value === null || typeof value !== 'object') return [`${indent}${String(value)}`];
  if (Array.isArray(value)) return value.flatMap((item, i) => (item !== null && typeof item === 'object' ? [`${indent}- ${i + 1}:`, ...dump(item, `${indent}    `)] : [`${indent}- ${String(item)}`]));
  return Object.entries(value).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? [`${indent}${k}:`, ...dump(v, `${indent}  `)] : [`${indent}${k}: ${String(v)}`]));
}

/** `relayproof platform list`: one line per platform. */
export function platformListText(platforms: readonly Platform[]): string {
  const width = Math.max(...platforms.map((p) => p.id.length));
  return `${platforms.map((p) => `${p.id.padEnd(width)}  ${p.label}: ${p.summary}`).join('\n')}\n`;
}
