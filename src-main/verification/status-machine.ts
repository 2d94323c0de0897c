/**
 * The per-address verification status: a pure reducer over observations, ticks and
 * resets. Time comes only from the actions (`at`), so a test drives 72 hours in one
 * line. The overall status is derived (`statusView`), never stored.
 *
 * Transitions, per observation outcome (DNS = `dns:*` items):
 *
 *   from \ outcome | pass                 | fail                       | pending                          | error
 *   unverified     | verified             | failed                     | pending (DNS: deadline +72 h)    | kept, lastError
 *   pending        | verified             | failed                     | pending (deadline kept; non-DNS: | kept, lastError
 *                  |                      |                            |   a new deadline replaces it)    |
 *   verified       | verified (+drift if  | stale (drift before/after; | DNS: stale (record gone);        | kept, lastError
 *                  |   the value changed) |   DNS: deadline +72 h)     |   other: kept (a run in progress)|
 *   failed         | verified             | failed                     | DNS: failed (the window is over: | kept, lastError
 *                  |                      |                            |   reset to restart); other: pending |
 *   stale          | verified             | DNS: stale; other: failed  | stale                            | kept, lastError
 *
 * Any pending or stale item whose deadline has passed becomes failed (`deadline-expired`)
 * before an action is applied, and on `tick`.
 */
import {
  isDnsItemId,
  type AddressVerificationState,
  type Drift,
  type Evidence,
  type ItemGroup,
  type ItemId,
  type ItemState,
  type ItemStateName,
  type Observation,
  type StatusAction,
  type StatusItem,
  type StatusView,
  type Transition,
} from '../../src-preload/contract/verification-schemas';

/** The longest DNS window any platform states: Zuora/SES, up to 72 hours (resources/platforms: `propagation.maxHours`). */
export const DNS_WINDOW_MS = 72 * 60 * 60 * 1000;

const FIXED_ORDER: readonly ItemId[] = ['connection-auth', 'send-as', 'email-accepted', 'email-received', 'headers-intact', 'spf', 'dkim-aligned', 'dmarc'];

export interface InitialStatusOptions {
  readonly addressId: string;
  readonly domain: string;
  /** Checklist ids (`spf`, `dkim:zendesk1` ...): each becomes a `dns:<id>` item. More appear as they are observed. */
  readonly dnsCheckIds?: readonly string[];
  /** A forwarding mailbox is configured. */
  readonly forwarding?: boolean;
}

export function itemGroup(id: ItemId): ItemGroup {
  if (isDnsItemId(id)) return 'dns';
  switch (id) {
    case 'connection-auth':
    case 'send-as':
      return 'connection';
    case 'email-accepted':
    case 'email-received':
    case 'headers-intact':
      return 'delivery';
    case 'spf':
    case 'dkim-aligned':
    case 'dmarc':
      return 'authentication';
    case 'forwarding':
      return 'forwarding';
  }
}

const DNS_TITLES: Readonly<Record<string, string>> = {
  spf: 'SPF record',
  dmarc: 'DMARC record',
  mx: 'MX records',
  ptr: 'reverse DNS (PTR) of the sending IP',
  helo: 'HELO name',
  'mta-sts': 'MTA-STS policy',
  'tls-rpt': 'TLS-RPT record',
  bimi: 'BIMI record',
  forwarding: 'forwarding target',
};

export function itemTitle(id: ItemId, domain: string): string {
  if (isDnsItemId(id)) {
    const check = id.slice(4);
    if (check.startsWith('dkim:')) return `DNS: DKIM key ${check === 'dkim:*' ? '(selector unknown)' : check.slice(5)}`;
    return `DNS: ${DNS_TITLES[check] ?? check}`;
  }
  switch (id) {
    case 'connection-auth':
      return 'Connection, TLS and sign-in';
    case 'send-as':
      return 'Allowed to send as the address';
    case 'email-accepted':
      return 'Verification email accepted';
    case 'email-received':
      return 'Verification email received';
    case 'headers-intact':
      return 'Platform headers survive the relay';
    case 'spf':
      return 'SPF pass on the received message';
    case 'dkim-aligned':
      return `DKIM pass with d= aligned to ${domain}`;
    case 'dmarc':
      return 'DMARC pass';
    case 'forwarding':
      return 'Inbound forwarding to the platform';
  }
}

function newItem(id: ItemId, domain: string): StatusItem {
  return { id, group: itemGroup(id), title: itemTitle(id, domain), status: { state: 'unverified', since: null }, checkedAt: null, changedAt: null, lastError: null };
}

export function initialStatus(options: InitialStatusOptions): AddressVerificationState {
  const ids: ItemId[] = [...FIXED_ORDER, ...(options.dnsCheckIds ?? []).map((c) => `dns:${c}` as const)];
  if (options.forwarding === true) ids.push('forwarding');
  const unique = [...new Set(ids)].filter((id) => FIXED_ORDER.includes(id) || id === 'forwarding' || isDnsItemId(id));
  return { schemaVersion: 1, addressId: options.addressId, domain: options.domain, items: unique.map((id) => newItem(id, options.domain)) };
}

const ms = (iso: string) => Date.parse(iso);
const plus = (iso: string, delta: number) => new Date(ms(iso) + delta).toISOString();

function deadlineOf(status: ItemState): string | null {
  return status.state === 'pending' || status.state === 'stale' ? status.deadlineAt : null;
}

function expiryExplanation(item: StatusItem): string {
  const status = item.status;
  if (status.state === 'stale') {
    return `Changed since it was verified (${describeValue(status.drift.before)} → ${describeValue(status.drift.after)}) and not verified again within ${windowText(item)}: ${status.explanation}`;
  }
  if (isDnsItemId(item.id)) {
    const since = status.state === 'pending' ? status.since : null;
    return `Still not verified 72 hours after the first check${since === null ? '' : ` (${since})`}: this is where the platforms stop waiting (SES and Zuora show "Failed"). Fix the record at your DNS host, then press “Restart the 72-hour window” on the address’s status (or run relayproof status ADDRESS_ID --reset).`;
  }
  return `Not verified before the deadline: ${status.state === 'pending' ? status.explanation : ''}`.trim();
}

function windowText(item: StatusItem): string {
  return isDnsItemId(item.id) ? '72 hours' : 'the deadline';
}

function describeValue(value: string | null): string {
  return value === null ? 'nothing' : JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
}

/** Fail every pending or stale item whose deadline is at or before `at`. */
function expire(state: AddressVerificationState, at: string): AddressVerificationState {
  let changed = false;
  const items = state.items.map((item) => {
    const deadline = deadlineOf(item.status);
    if (deadline === null || ms(deadline) > ms(at)) return item;
    changed = true;
    const evidence = item.status.state === 'pending' || item.status.state === 'stale' ? item.status.evidence : null;
    const failed: ItemState = { state: 'failed', since: deadline, reason: 'deadline-expired', explanation: expiryExplanation(item), evidence };
    return { ...item, status: failed, changedAt: deadline };
  });
  return changed ? { ...state, items } : state;
}

function drift(before: Evidence, after: Evidence, explanation: string): Drift {
  return { before: before.value, after: after.value, beforeAt: before.observedAt, afterAt: after.observedAt, explanation };
}

/** The next state of one item for one observation (deadlines already applied). */
export function nextItemState(item: StatusItem, obs: Observation): ItemState {
  const current = item.status;
  const dns = isDnsItemId(item.id);
  const at = obs.at;
  const pendingDeadline = obs.deadlineAt ?? (dns ? plus(at, DNS_WINDOW_MS) : null);
  switch (obs.outcome) {
    case 'error':
      return current;
    case 'pass': {
      if (current.state === 'verified') {
        const changed = current.evidence.value !== obs.evidence.value;
        return { ...current, explanation: obs.explanation, evidence: obs.evidence, drift: changed ? drift(current.evidence, obs.evidence, obs.explanation) : current.drift };
      }
      if (current.state === 'stale') {
        const changed = current.drift.before !== obs.evidence.value;
        const recovered = changed ? { ...current.drift, after: obs.evidence.value, afterAt: obs.evidence.observedAt, explanation: obs.explanation } : null;
        return { state: 'verified', since: at, explanation: obs.explanation, evidence: obs.evidence, drift: recovered };
      }
      return { state: 'verified', since: at, explanation: obs.explanation, evidence: obs.evidence, drift: null };
    }
    case 'fail':
      switch (current.state) {
        case 'verified':
          return {
            state: 'stale',
            since: at,
            verifiedSince: current.since,
            deadlineAt: dns ? plus(at, DNS_WINDOW_MS) : null,
            explanation: obs.explanation,
            drift: drift(current.evidence, obs.evidence, obs.explanation),
            evidence: obs.evidence,
          };
        case 'stale':
          return dns
            ? { ...current, explanation: obs.explanation, evidence: obs.evidence, drift: { ...current.drift, after: obs.evidence.value, afterAt: at, explanation: obs.explanation } }
            : { state: 'failed', since: at, reason: 'check-failed', explanation: obs.explanation, evidence: obs.evidence };
        case 'failed':
          return { ...current, reason: 'check-failed', explanation: obs.explanation, evidence: obs.evidence };
        case 'unverified':
        case 'pending':
          return { state: 'failed', since: at, reason: 'check-failed', explanation: obs.explanation, evidence: obs.evidence };
      }
      break;
    case 'pending':
      switch (current.state) {
        case 'unverified':
          return { state: 'pending', since: at, deadlineAt: pendingDeadline, explanation: obs.explanation, evidence: obs.evidence };
        case 'pending':
          return {
            ...current,
            // A DNS window runs from the first pending check; a new email run brings its own deadline.
            deadlineAt: dns ? current.deadlineAt : (obs.deadlineAt ?? current.deadlineAt),
            explanation: obs.explanation,
            evidence: obs.evidence,
          };
        case 'verified':
          return dns
            ? {
                state: 'stale',
                since: at,
                verifiedSince: current.since,
                deadlineAt: plus(at, DNS_WINDOW_MS),
                explanation: obs.explanation,
                drift: drift(current.evidence, obs.evidence, obs.explanation),
                evidence: obs.evidence,
              }
            : current;
        case 'failed':
          return dns ? current : { state: 'pending', since: at, deadlineAt: obs.deadlineAt ?? null, explanation: obs.explanation, evidence: obs.evidence };
        case 'stale':
          return { ...current, explanation: obs.explanation, evidence: obs.evidence };
      }
  }
}

function observe(state: AddressVerificationState, obs: Observation): AddressVerificationState {
  let items = state.items;
  if (!items.some((i) => i.id === obs.itemId)) {
    const added = newItem(obs.itemId, state.domain);
    // DNS items go before forwarding, after the other DNS items.
    const forwardingAt = items.findIndex((i) => i.id === 'forwarding');
    items = forwardingAt === -1 || obs.itemId === 'forwarding' ? [...items, added] : [...items.slice(0, forwardingAt), added, ...items.slice(forwardingAt)];
  }
  return {
    ...state,
    items: items.map((item) => {
      if (item.id !== obs.itemId) return item;
      const status = nextItemState(item, obs);
      const lastError = obs.outcome === 'error' ? { at: obs.at, message: obs.explanation, ...(obs.needsInput === undefined ? {} : { needsInput: obs.needsInput }) } : item.lastError;
      return { ...item, status, checkedAt: obs.at, changedAt: status.state !== item.status.state ? obs.at : item.changedAt, lastError };
    }),
  };
}

export function reduceStatus(state: AddressVerificationState, action: StatusAction): AddressVerificationState {
  switch (action.type) {
    case 'observed':
      return observe(expire(state, action.observation.at), action.observation);
    case 'tick':
      return expire(state, action.at);
    case 'reset': {
      const expired = expire(state, action.at);
      const ids = action.itemIds;
      return {
        ...expired,
        items: expired.items.map((item) =>
          ids === null || ids.includes(item.id) ? { ...item, status: { state: 'unverified', since: action.at }, changedAt: action.at, lastError: null } : item,
        ),
      };
    }
  }
}

/** State changes between two states of the same address (for the run record). */
export function transitionsBetween(before: AddressVerificationState, after: AddressVerificationState, at: string): Transition[] {
  const out: Transition[] = [];
  for (const item of after.items) {
    const previous = before.items.find((i) => i.id === item.id)?.status.state ?? 'unverified';
    if (previous !== item.status.state) out.push({ itemId: item.id, from: previous, to: item.status.state, at });
  }
  return out;
}

const RANK: Readonly<Record<ItemStateName, number>> = { verified: 0, unverified: 1, pending: 2, stale: 3, failed: 4 };

/** Worst state wins: failed > stale > pending > unverified > verified. */
export function overallState(items: readonly Pick<StatusItem, 'status'>[]): ItemStateName {
  if (items.length === 0) return 'unverified';
  return items.reduce<ItemStateName>((worst, i) => (RANK[i.status.state] > RANK[worst] ? i.status.state : worst), 'verified');
}

/** Remaining time before a pending/stale item fails; null when it has no deadline. */
export function countdownMs(status: ItemState, now: Date): number | null {
  const deadline = deadlineOf(status);
  return deadline === null ? null : Math.max(0, ms(deadline) - now.getTime());
}

/**
 * DNS checks every address needs whatever its platform (SPF, RFC 7208; DMARC, RFC 9989): until the first
 * re-check records them, the view shows them as not checked yet, so an address whose
 * DNS was never read is never "verified" (a verification email alone proves the
 * message, not the records the platform checks).
 */
export const BASELINE_DNS_CHECKS: readonly string[] = ['spf', 'dmarc'];

/** The state with the baseline DNS items added (unverified) where no such item exists yet. */
export function withBaselineDns(state: AddressVerificationState): AddressVerificationState {
  const missing = BASELINE_DNS_CHECKS.map((c) => `dns:${c}` as const).filter((id) => !state.items.some((i) => i.id === id));
  if (missing.length === 0) return state;
  const forwardingAt = state.items.findIndex((i) => i.id === 'forwarding');
  const added = missing.map((id) => newItem(id, state.domain));
  const items = forwardingAt === -1 ? [...state.items, ...added] : [...state.items.slice(0, forwardingAt), ...added, ...state.items.slice(forwardingAt)];
  return { ...state, items };
}

/** The derived view: deadlines applied at `now`, overall status, worst item, countdowns. */
export function statusView(state: AddressVerificationState, now: Date): StatusView {
  const current = withBaselineDns(expire(state, now.toISOString()));
  const overall = overallState(current.items);
  const worstItem = overall === 'verified' ? undefined : current.items.find((i) => i.status.state === overall);
  const counts = { unverified: 0, pending: 0, verified: 0, failed: 0, stale: 0 };
  for (const item of current.items) counts[item.status.state] += 1;
  const checked = current.items.map((i) => i.checkedAt).filter((t): t is string => t !== null);
  return {
    addressId: current.addressId,
    domain: current.domain,
    now: now.toISOString(),
    overall,
    worst: worstItem === undefined ? null : { id: worstItem.id, title: worstItem.title, state: worstItem.status.state },
    items: current.items.map((item) => ({ ...item, countdownMs: countdownMs(item.status, now) })),
    counts,
    lastCheckedAt: checked.length === 0 ? null : checked.reduce((a, b) => (ms(a) > ms(b) ? a : b)),
  };
}

/** Items the scheduler should re-check: anything not settled. */
export function needsRecheck(state: AddressVerificationState, now: Date): boolean {
  return statusView(state, now).items.some((i) => i.status.state === 'pending' || i.status.state === 'stale');
}
