/**
 * Zuora advanced SMTP (Amazon SES) identities as a service: create, list, edit, remove,
 * record the verification state Zuora shows (there is no API to ask), and look at a
 * domain identity's three DKIM CNAMEs in DNS, which is what Amazon SES checks before Zuora
 * shows Success. The rules are the contract's (ses-identities.ts), checked again inside
 * the settings lock so two processes can never together pass a limit. No secret exists
 * for an identity: nothing here touches the keychain.
 */
import { fail, ok, type Result } from '../../src-preload/contract/result';
import {
  checkIdentity,
  dkimCname,
  identityDomain,
  identityValue,
  sesRulesOf,
  SES_PLATFORM_ID,
  type DnsReadiness,
  type IdentityCheck,
  type SesIdentity,
  type SesIdentityFields,
  type SesIdentityPatch,
  type SesRules,
  type SesVerificationState,
} from '../../src-preload/contract/ses-identities';
import type { Platform } from '../../src-preload/contract/providers';
import { unreadableResource } from '../app/json-resource';
import type { DnsResolver } from '../dns/resolver';
import type { LoadPlatformsResult } from '../providers/platforms';
import type { AppStore } from '../store/store';

export interface SesIdentityServiceDeps {
  readonly store: AppStore;
  readonly clock: () => Date;
  /** Platform data from resources/platforms (zuora-ses: environments, limits). */
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** A resolver over the given DNS servers (empty: the saved ones, else the system's); errors in the admin's words. */
  readonly resolverFor: (dnsServers: readonly string[]) => { readonly resolver: DnsResolver } | { readonly errors: readonly string[] };
}

export interface SesIdentityService {
  list(): Result<SesIdentity[]>;
  check(fields: SesIdentityFields, excludeId?: string): Promise<Result<IdentityCheck>>;
  create(fields: SesIdentityFields): Promise<Result<SesIdentity>>;
  update(id: string, patch: SesIdentityPatch): Promise<Result<SesIdentity>>;
  remove(id: string): Result<{ deleted: boolean }>;
  /** What Zuora's Identities table shows now; the state's `since` moves only when the state changes. */
  recordVerification(id: string, state: SesVerificationState, linkSentAt?: string): Result<SesIdentity>;
  checkDns(id: string, dnsServers: readonly string[], signal?: AbortSignal): Promise<Result<DnsReadiness>>;
  /** The rules as the platform data gives them (for import). */
  rules(): Promise<Result<SesRules>>;
}

export function notFoundIdentity(id: string): Result<never> {
  return fail('not-found', `No SES identity with id ${id} is configured.`, { hint: 'Run `relayproof address list` for the ids.' });
}

/** The refusal of a create or an edit: every problem, in Zuora's words where it has them. */
export function identityRefusal(check: IdentityCheck): Result<never> {
  const invalid = check.problems.some((p) => p.code === 'invalid' || p.code === 'environment' || p.code === 'eligibility' || p.code === 'dkim-tokens');
  return fail(invalid ? 'invalid-input' : 'conflict', check.problems.map((p) => p.message).join(' '), {
    hint: invalid ? 'Correct the identity and add it again.' : 'Remove an identity you no longer use in this Zuora tenant first, or choose another.',
    details: { problems: check.problems.map((p) => p.code) },
  });
}

export function createSesIdentityService(deps: SesIdentityServiceDeps): SesIdentityService {
  const { store, clock } = deps;

  async function platform(): Promise<Result<Platform>> {
    const loaded = await deps.platforms();
    if (!loaded.ok) return unreadableResource('platforms', loaded.problems);
    const found = loaded.platforms.get(SES_PLATFORM_ID);
    if (found === undefined) return fail('internal', `The platform data has no ${SES_PLATFORM_ID}.json: Relayproof's resources are incomplete.`, { hint: 'Reinstall Relayproof.' });
    return ok(found);
  }

  async function rules(): Promise<Result<SesRules>> {
    const found = await platform();
    return found.ok ? ok(sesRulesOf(found.value)) : found;
  }

  const candidateOf = (fields: SesIdentityFields, excludeId?: string) => ({ ...fields, excludeId });

  return {
    list: () => ok([...store.listSesIdentities()]),

    rules,

    async check(fields, excludeId) {
      const r = await rules();
      if (!r.ok) return r;
      return ok(checkIdentity(candidateOf(fields, excludeId), store.listSesIdentities(), r.value));
    },

    async create(fields) {
      const r = await rules();
      if (!r.ok) return r;
      let checked = checkIdentity(candidateOf(fields), store.listSesIdentities(), r.value);
      if (checked.problems.length > 0 || checked.value === null) return identityRefusal(checked);
      const now = clock().toISOString();
      const entry = {
        kind: fields.kind,
        value: checked.value,
        environment: fields.environment,
        dkimTokens: [...fields.dkimTokens],
        eligibilityConfirmed: fields.eligibilityConfirmed,
        // Zuora shows Pending from the moment the identity is saved; Amazon SES sends an email identity its link then.
        verification: { state: 'pending' as const, since: now, checkedAt: null, linkSentAt: fields.kind === 'email' ? now : null },
      };
      // Checked again inside the settings lock: another process may have added an identity since.
      const [created] = store.createSesIdentities([entry], {
        admit: (_, existing) => {
          checked = checkIdentity(candidateOf(fields), existing, r.value);
          return checked.problems.length === 0;
        },
      });
      return created === undefined ? identityRefusal(checked) : ok(created);
    },

    async update(id, patch) {
      const before = store.listSesIdentities().find((i) => i.id === id);
      if (before === undefined) return notFoundIdentity(id);
      const r = await rules();
      if (!r.ok) return r;
      let checked: IdentityCheck | null = null;
      const updated = store.updateSesIdentity(id, (current, all) => {
        const fields: SesIdentityFields = {
          kind: current.kind,
          value: current.value,
          environment: patch.environment ?? current.environment,
          dkimTokens: patch.dkimTokens ?? current.dkimTokens,
          eligibilityConfirmed: patch.eligibilityConfirmed ?? current.eligibilityConfirmed,
        };
        checked = checkIdentity(candidateOf(fields, id), all, r.value);
        if (checked.problems.length > 0) return null;
        const tokensChanged = fields.dkimTokens.join(',') !== current.dkimTokens.join(',');
        const moved = fields.environment !== current.environment;
        return {
          ...current,
          environment: fields.environment,
          dkimTokens: [...fields.dkimTokens],
          eligibilityConfirmed: fields.eligibilityConfirmed,
          // New tokens or another tenant: Zuora verifies again from Pending.
          verification: tokensChanged || moved ? { state: 'pending', since: clock().toISOString(), checkedAt: null, linkSentAt: current.verification.linkSentAt } : current.verification,
        };
      });
      if (updated === undefined) return notFoundIdentity(id);
      const result = checked as IdentityCheck | null;
      if (result !== null && result.problems.length > 0) return identityRefusal(result);
      return ok(updated);
    },

    remove(id) {
      return ok({ deleted: store.deleteSesIdentity(id) });
    },

    recordVerification(id, state, linkSentAt) {
      const now = clock().toISOString();
      const updated = store.updateSesIdentity(id, (current) => ({
        ...current,
        verification: {
          state,
          since: current.verification.state === state ? current.verification.since : now,
          checkedAt: now,
          // Retry on an email identity sends a new link: the 24 hours start again.
          linkSentAt: current.kind === 'email' ? (linkSentAt ?? (state === 'pending' && current.verification.state !== 'pending' ? now : current.verification.linkSentAt)) : null,
        },
      }));
      return updated === undefined ? notFoundIdentity(id) : ok(updated);
    },

    async checkDns(id, dnsServers, signal) {
      const identity = store.listSesIdentities().find((i) => i.id === id);
      if (identity === undefined) return notFoundIdentity(id);
      const checkedAt = clock().toISOString();
      const domain = identityDomain(identity);
      if (identity.kind === 'email') {
        return ok({ identityId: id, domain, ready: false, records: [], checkedAt, notChecked: `${identity.value} is an email identity: Amazon SES verifies it by the link in its email, not by DNS.` });
      }
      if (identity.dkimTokens.length === 0) {
        return ok({ identityId: id, domain, ready: false, records: [], checkedAt, notChecked: `Enter the three DKIM tokens from Zuora's DKIM Settings dialog (View in the DKIM Status column) first.` });
      }
      const made = deps.resolverFor(dnsServers);
      if ('errors' in made) return fail('invalid-input', made.errors.join(' '));
      const readiness = await dnsReadiness(identity, made.resolver, signal);
      return ok({ ...readiness, checkedAt });
    },
  };
}

/**
 * The three CNAMEs of a domain identity against `resolver`: ready when each
 * `<token>._domainkey.<domain>` is a CNAME to `<token>.dkim.amazonses.com`, which is what
 * Amazon SES looks for. A missing record is also looked for under the doubled name a DNS
 * host makes when it appends the domain itself (`…_domainkey.example.com.example.com`).
 */
export async function dnsReadiness(identity: Pick<SesIdentity, 'id' | 'kind' | 'value' | 'dkimTokens'>, resolver: DnsResolver, signal?: AbortSignal): Promise<Omit<DnsReadiness, 'checkedAt'>> {
  const domain = identityDomain(identity);
  const options = signal === undefined ? {} : { signal };
  const records = await Promise.all(
    identity.dkimTokens.map(async (token) => {
      const { name, target } = dkimCname(domain, token);
      const lookup = await resolver.lookup(name, 'CNAME', options);
      const found = lookup.records.flatMap((r) => (r.type === 'CNAME' ? [r.target.toLowerCase().replace(/\.$/u, '')] : []));
      if (found.includes(target)) return { name, target, found, ok: true, problem: null };
      let problem: string;
      if (found.length > 0) problem = `${name} points to ${found.join(', ')}, not ${target}: change the CNAME's value to ${target}.`;
      else if (lookup.outcome === 'answer' || lookup.outcome === 'nodata' || lookup.outcome === 'nxdomain') {
        const doubled = await resolver.lookup(`${name}.${domain}`, 'CNAME', options);
        const there = doubled.records.some((r) => r.type === 'CNAME');
        problem = there
          ? `${name} is missing, but ${name}.${domain} exists: your DNS host added the domain a second time. Enter the name as ${token}._domainkey only.`
          : `${name} has no CNAME yet: add it with the value ${target} (or wait for DNS to show it).`;
      } else problem = `${name} could not be looked up: ${lookup.explanation}`;
      return { name, target, found, ok: false, problem };
    }),
  );
  return { identityId: identity.id, domain, ready: records.length === 3 && records.every((r) => r.ok), records, notChecked: null };
}

/** The stored form of a typed identity value (for the CLI's messages), or null. */
export function storedIdentityValue(kind: SesIdentity['kind'], typed: string): string | null {
  const parsed = identityValue(kind, typed);
  return parsed.ok ? parsed.value : null;
}
