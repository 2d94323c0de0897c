/**
 * The sending route decides what a checklist item means: on Zendesk's connector route the
 * relay does the final sending, so the relay's SPF authorisation is required and
 * `include:mail.zendesk.com` is not; one aligned DKIM signature that survives is enough,
 * Zendesk's own or the relay's. The checks themselves judge records; this module judges
 * them against the route (resources/platforms `routes`), once, for every view: the wizard,
 * the checklist, the status view, the report and the CLI all read the same items.
 */
import type { Result } from '../../src-preload/contract';
import { fail, ok } from '../../src-preload/contract/result-values';
import type { CheckItem, ChecklistReport, Requirement } from '../../src-preload/contract/checks-schemas';
import type { Platform, PlatformRoute, RouteId } from '../../src-preload/contract/providers';
import { treeIncludes } from './spf';

/** Where a DKIM selector to check came from. */
export type SelectorSource = 'platform' | 'relay' | 'user' | 'message';

export interface RouteContext {
  readonly platform: Platform;
  readonly route: PlatformRoute;
  /** Every planned `dkim:<selector>` with where it came from. */
  readonly selectorSources: ReadonlyMap<string, SelectorSource>;
  /** The provider's SPF include that covers the relay's senders (spf.protection.outlook.com). */
  readonly relayInclude?: string | undefined;
  /** Set when the SPF verdict was judged for the SMTP host's own address, no sending IP being known. */
  readonly assumed?: { readonly sendingIp?: { readonly ip: string; readonly host: string } };
}

/** The route an address takes: the one asked for, else the platform's default. An unknown route is the caller's mistake. */
export function routeOf(platform: Platform, requested?: RouteId): Result<PlatformRoute> {
  if (requested === undefined) {
    const fallback = platform.routes.find((r) => r.default) ?? platform.routes[0];
    return fallback === undefined ? fail('not-found', `${platform.name} declares no sending route.`) : ok(fallback);
  }
  const route = platform.routes.find((r) => r.id === requested);
  if (route !== undefined) return ok(route);
  const known = platform.routes.map((r) => `${r.id} (${r.label})`).join(', ');
  return fail('invalid-input', `${platform.label} has no "${requested}" sending route. Choose one of: ${known}.`);
}

const judged = (item: CheckItem) => item.status === 'pass' || item.status === 'warn';

function withRequirement(item: CheckItem, requirement: Requirement, patch: Partial<Pick<CheckItem, 'status' | 'summary' | 'needsInput'>> = {}): CheckItem {
  const status = patch.status ?? item.status;
  const { needsInput: _previous, ...rest } = item;
  const needsInput = status === 'needs-input' ? (patch.needsInput ?? item.needsInput) : undefined;
  return {
    ...rest,
    ...patch,
    status,
    requirement,
    required: requirement.level === 'required',
    ...(needsInput === undefined ? {} : { needsInput }),
    // Nothing to publish for an item the route does not need.
    ...(status === 'not-needed' ? { fix: undefined } : {}),
  };
}

function spfItem(item: CheckItem, ctx: RouteContext): CheckItem {
  const { route } = ctx;
  const level = route.spf.relay === 'required' || route.spf.includes === 'required' ? 'required' : 'optional';
  const requirement: Requirement = { level, route: route.id, why: route.spf.why };
  if (route.spf.relay !== 'required' || item.evidence.details.kind !== 'spf') return withRequirement(item, requirement);
  const details = item.evidence.details;
  // The relay's authorisation is proven by a verdict for its sending IP, or by the include its provider publishes.
  const assumed = ctx.assumed?.sendingIp;
  if (details.verdict !== null && assumed !== undefined && details.verdict.ip === assumed.ip && details.verdict.result !== 'pass' && item.status !== 'error') {
    // An assumption that fails proves nothing: many servers send from another address than the one they accept mail on.
    const broken = item.findings.some((f) => f.severity === 'fail' && !f.code.startsWith('spf-verdict'));
    if (!broken) {
      return withRequirement(item, requirement, {
        status: 'needs-input',
        summary: `SPF does not authorise ${assumed.ip}, the address of ${assumed.host} (${details.verdict.result}). If your server sends from another IP, enter it (a received message's Received header names it), or send the verification email and Relayproof reads it; if it sends from ${assumed.ip}, add it to the SPF record.`,
        needsInput: { field: 'sendingIp', label: 'Sending IP of your mail server' },
      });
    }
  }
  if (details.verdict !== null && assumed !== undefined && details.verdict.ip === assumed.ip) {
    return withRequirement(item, requirement, {
      summary: `${item.summary} (Judged for ${assumed.ip}, the address of ${assumed.host}: no sending IP is known yet, so Relayproof assumes your server sends from there; the IP of a received message replaces it.)`,
    });
  }
  if (details.verdict !== null || !judged(item)) return withRequirement(item, requirement);
  const include = ctx.relayInclude?.toLowerCase();
  if (include !== undefined && details.tree !== null && treeIncludes(details.tree, include)) {
    return withRequirement(item, requirement, { summary: `${item.summary} It includes ${include}, which covers your mail service's sending servers.` });
  }
  return withRequirement(item, requirement, {
    status: 'needs-input',
    summary: `The SPF record is valid, but whether it authorises your mail server is not known: enter the IP your server sends from (a received message's Received header names it), or send the verification email and Relayproof reads it.`,
    needsInput: { field: 'sendingIp', label: 'Sending IP of your mail server' },
  });
}

function names(selectors: readonly string[]): string {
  return selectors.length <= 1 ? (selectors[0] ?? '') : `${selectors.slice(0, -1).join(', ')} and ${selectors.at(-1) ?? ''}`;
}

/** DKIM is "any of": the platform's selectors all together, or one of the relay's. */
function dkimItems(items: readonly CheckItem[], ctx: RouteContext): Map<string, CheckItem> {
  const { route, platform } = ctx;
  const dkim = items.filter((i) => i.kind === 'dkim');
  const selectorOf = (i: CheckItem) => i.id.slice('dkim:'.length);
  const sourceOf = (i: CheckItem) => ctx.selectorSources.get(selectorOf(i)) ?? 'user';
  const platformAllowed = route.dkim.anyOf.includes('platform');
  const relayAllowed = route.dkim.anyOf.includes('relay');
  const platformItems = dkim.filter((i) => sourceOf(i) === 'platform');
  const relayItems = dkim.filter((i) => i.id !== 'dkim:*' && sourceOf(i) !== 'platform');
  const platformOk = platformAllowed && platformItems.length > 0 && platformItems.every(judged);
  const relayWinner = relayAllowed ? relayItems.find(judged) : undefined;
  const satisfied = platformOk || relayWinner !== undefined;
  const winner = relayWinner !== undefined ? `${selectorOf(relayWinner)} (your mail server's key)` : `${names(platformItems.map(selectorOf))} (${platform.shortName}'s keys)`;
  const alternatives = [
    ...(platformAllowed && platformItems.length > 0 ? [`${platform.shortName}'s ${names(platformItems.map(selectorOf))}${route.dkim.platformWhen ? `, ${route.dkim.platformWhen}` : ''}`] : []),
    ...(relayAllowed ? [relayItems.length > 0 ? `your mail server's ${names(relayItems.map(selectorOf))}` : "your mail server's own selector"] : []),
  ];
  // With alternatives, the list says it all; the route's own sentence would repeat it.
  const groupWhy = alternatives.length > 1 ? `One aligned DKIM signature that survives is enough — any one of: ${alternatives.join('; or ')}.` : route.dkim.why;
  const out = new Map<string, CheckItem>();
  for (const item of dkim) {
    if (item.id === 'dkim:*') {
      // No selector known: where the relay may sign, ask for its selector; else ask for the platform's (SES tokens).
      if (satisfied) {
        const why = `Not needed: ${winner} already gives an aligned DKIM signature on this route.`;
        out.set(item.id, withRequirement(item, { level: 'not-needed', route: route.id, why }, { status: 'not-needed', summary: why }));
        continue;
      }
      const hint = platformAllowed && platformItems.length > 0 ? ` (or ${platform.shortName}'s ${names(platformItems.map(selectorOf))}${route.dkim.platformWhen ? `, ${route.dkim.platformWhen}` : ''})` : '';
      const summary = relayAllowed ? `Enter the DKIM selector your mail server signs with${hint}, or paste the headers of a message it sent (DKIM-Signature: s=).` : item.summary;
      const label = relayAllowed ? 'DKIM selector your mail server signs with' : `DKIM selectors ${platform.shortName} shows`;
      out.set(item.id, withRequirement(item, { level: 'required', route: route.id, why: groupWhy }, { status: 'needs-input', summary, needsInput: { field: 'relaySelectors', label } }));
      continue;
    }
    const source = sourceOf(item);
    const allowed = source === 'platform' ? platformAllowed : relayAllowed || source !== 'relay';
    if (!allowed) {
      const why = source === 'platform' ? `Not used on the route "${route.label}": ${platform.shortName} does not sign the mail there.` : `Not used on the route "${route.label}": your mail server does not send there.`;
      out.set(item.id, withRequirement(item, { level: 'not-needed', route: route.id, why }, judged(item) ? {} : { status: 'not-needed', summary: `Not needed on this route. ${why}` }));
      continue;
    }
    if (satisfied && !judged(item)) {
      const why = `Not needed: ${winner} already gives an aligned DKIM signature on this route.`;
      out.set(item.id, withRequirement(item, { level: 'not-needed', route: route.id, why }, { status: 'not-needed', summary: why }));
      continue;
    }
    // The platform's and the relay's keys are the alternatives; a selector seen elsewhere counts as the relay's only where the relay may sign.
    const level = source === 'platform' || source === 'relay' ? 'required' : relayAllowed && !satisfied ? 'required' : 'optional';
    out.set(item.id, withRequirement(item, { level, route: route.id, why: groupWhy }));
  }
  return out;
}

function identityItem(item: CheckItem, ctx: RouteContext): CheckItem {
  const { route } = ctx;
  if (route.relayIdentity === 'not-needed') {
    const why = `Not needed on the route "${route.label}": your mail server does not deliver the mail there.`;
    return withRequirement(item, { level: 'not-needed', route: route.id, why }, judged(item) ? {} : { status: 'not-needed', summary: why });
  }
  // The route's level, literally when it makes them required; otherwise as important as the check is (recommended).
  const level = route.relayIdentity === 'required' ? 'required' : item.importance;
  return withRequirement(item, { level, route: route.id, why: 'Receivers judge the server that delivers the mail by its reverse DNS and HELO name: without them mail is often scored as spam, though it still authenticates.' });
}

const WHY: Readonly<Record<string, string>> = {
  dmarc: 'DMARC tells receivers what to do with mail that fails SPF and DKIM alignment; without it, mail authenticates weakly on every route.',
  mx: 'Replies and bounces to the address reach its domain through MX.',
  forwarding: 'The platform receives mail sent to the address through forwarding.',
  'mta-sts': 'Recommended: protects mail to the domain from TLS downgrade; not needed to send.',
  'tls-rpt': 'Recommended: reports TLS failures of mail to the domain; not needed to send.',
  bimi: 'Optional: a logo in some mailboxes; needs DMARC at quarantine or reject.',
};

/** Every item judged against the route, in the same order. */
export function applyRoute(items: readonly CheckItem[], ctx: RouteContext): CheckItem[] {
  const dkim = dkimItems(items, ctx);
  return items.map((item) => {
    switch (item.kind) {
      case 'spf':
        return spfItem(item, ctx);
      case 'dkim':
        return dkim.get(item.id) ?? item;
      case 'ptr':
      case 'helo':
        return identityItem(item, ctx);
      default:
        return withRequirement(item, { level: item.importance, route: ctx.route.id, why: WHY[item.kind] ?? '' });
    }
  });
}

/** Required items that fail or could not be checked: the address is not ready while any is left. */
export function blockingItems(items: readonly CheckItem[]): string[] {
  return items.filter((i) => i.required && (i.status === 'fail' || i.status === 'error')).map((i) => i.id);
}

export type StatusCounts = ChecklistReport['counts'];

export function countStatuses(items: readonly CheckItem[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, warn: 0, fail: 0, pending: 0, error: 0, 'needs-input': 0, 'not-needed': 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}
