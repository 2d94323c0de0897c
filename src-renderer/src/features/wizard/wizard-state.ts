/**
 * The connect wizard as a pure state machine: what the admin typed, which step they are
 * on, and the rules each step must meet before Next. Side effects (saving the secret,
 * the connection test, the draft) happen in the view; their results come back here as
 * actions. Never holds a secret: the password field is uncontrolled and its value goes
 * from the field straight to the keychain (the view passes only whether it is empty).
 */
import {
  hostSchema,
  platformSubdomainSchema,
  proceedReasonSchema,
  VERIFY_PROCEED_PREFIX,
  usernameSchema,
  wizardSteps,
  type AddressCheck,
  type AddressView,
  type AuthKind,
  type Environment,
  type PlatformId,
  type Security,
  type WizardDraft,
  type WizardStep,
} from '../../../../src-preload/contract';
import type { Platform, PlatformRoute, ProviderEndpoint, ProviderPreset, RouteId } from '../../../../src-preload/contract/providers';
import type { CheckItem, ChecklistReport } from '../../../../src-preload/contract/checks-schemas';
import type { ConnectionReport } from '../../../../src-preload/contract/smtp-schemas';
import { forwardingAddress, GENERIC_PLATFORM_ID, sentenceStart } from '../../../../src-preload/contract/platform-vocabulary';
import { presetDefaults } from '../../../../src-preload/contract/preset-defaults';
import { platformConnection } from '../../../../src-preload/contract/platform-ses';

export type WizardField =
  | 'platform'
  | 'route'
  | 'environment'
  | 'address'
  | 'platformSubdomain'
  | 'provider'
  | 'host'
  | 'port'
  | 'security'
  | 'username'
  | 'authKind'
  | 'secret'
  | 'test'
  | 'proceedReason'
  | 'verify'
  | 'verifyReason'
  | 'recipient';

export type WizardErrors = Partial<Record<WizardField, string>>;

/** The answer of `addresses:check-new` for one address/platform/environment as typed. */
export interface CheckedAddress {
  readonly key: string;
  readonly result: AddressCheck;
}

export interface WizardState {
  readonly step: WizardStep;
  readonly platform: PlatformId | null;
  /** How the platform's mail leaves (its `routes`); null = the platform's default route. */
  readonly route: RouteId | null;
  readonly environment: Environment | null;
  readonly address: string;
  readonly platformSubdomain: string;
  readonly provider: string | null;
  readonly host: string;
  /** As typed: the draft stores it as a number once it is one. */
  readonly port: string;
  readonly security: Security | null;
  readonly username: string;
  readonly authKind: AuthKind | null;
  /** The in-progress address that owns the keychain entry; null until the secret is saved. */
  readonly addressId: string | null;
  readonly testPassed: boolean;
  /** The admin chose to continue past a failed test (then a reason is required). */
  readonly continueAnyway: boolean;
  readonly proceedReason: string;
  /** Where the verification email goes; '' = the address itself. */
  readonly recipient: string;
  /** The verification email was accepted by the server in this session. */
  readonly verifyAccepted: boolean;
  /** What the server answered when it did not accept the verification email; null before a refusal. */
  readonly verifyRefusal: string | null;
  /** The admin continues although the verification email was not accepted (then a reason is required). */
  readonly verifyContinueAnyway: boolean;
  readonly verifyReason: string;
  /** The server's own name from the connection test (EHLO reply, else the banner), for the DNS step's HELO check. */
  readonly heloHost: HeloHost | null;
  /** Failed or warned items of the DNS step's last checklist run (listed again at the summary). */
  readonly dnsProblems: readonly DnsProblem[];
  readonly check: CheckedAddress | null;
  /** The platform's prerequisites (resources/platforms `prerequisites`) the admin has ticked, by id. */
  readonly prerequisites: readonly string[];
  /** Shown after a refused Next (or a refusal from main), cleared when the field changes. */
  readonly errors: WizardErrors;
}

export const initialWizard: WizardState = {
  step: 'platform',
  platform: null,
  route: null,
  environment: null,
  address: '',
  platformSubdomain: '',
  provider: null,
  host: '',
  port: '',
  security: null,
  username: '',
  authKind: null,
  addressId: null,
  testPassed: false,
  continueAnyway: false,
  proceedReason: '',
  recipient: '',
  verifyAccepted: false,
  verifyRefusal: null,
  verifyContinueAnyway: false,
  verifyReason: '',
  heloHost: null,
  dnsProblems: [],
  check: null,
  prerequisites: [],
  errors: {},
};

export interface HeloHost {
  readonly name: string;
  readonly source: 'ehlo' | 'banner';
}

export interface DnsProblem {
  readonly id: string;
  readonly title: string;
  readonly status: 'fail' | 'warn' | 'error';
  readonly summary: string;
}

/** What the rules of a step need besides the state. */
export interface StepContext {
  readonly platforms: readonly Platform[];
  /** The password field is not empty (its value never enters the state). */
  readonly secretTyped: boolean;
}

type TextField = 'address' | 'platformSubdomain' | 'host' | 'port' | 'username' | 'proceedReason' | 'recipient' | 'verifyReason';

export type WizardAction =
  | { readonly type: 'restore'; readonly draft: WizardDraft }
  | { readonly type: 'start-over' }
  | { readonly type: 'set-platform'; readonly platform: PlatformId }
  | { readonly type: 'set-route'; readonly route: RouteId }
  | { readonly type: 'set-environment'; readonly environment: Environment }
  /** The admin ticks or unticks one of the platform's prerequisites. */
  | { readonly type: 'set-prerequisite'; readonly id: string; readonly done: boolean }
  | { readonly type: 'set-text'; readonly field: TextField; readonly value: string }
  | { readonly type: 'set-security'; readonly security: Security }
  | { readonly type: 'set-auth-kind'; readonly authKind: AuthKind }
  | { readonly type: 'choose-provider'; readonly preset: ProviderPreset; readonly endpoint?: ProviderEndpoint }
  | { readonly type: 'choose-endpoint'; readonly endpoint: ProviderEndpoint }
  | { readonly type: 'address-checked'; readonly key: string; readonly result: AddressCheck }
  | { readonly type: 'secret-saved'; readonly addressId: string }
  /** The in-progress address is gone (deleted elsewhere): its secret with it. */
  | { readonly type: 'secret-lost' }
  | { readonly type: 'test-finished'; readonly passed: boolean; readonly heloHost?: HeloHost | null }
  | { readonly type: 'set-continue-anyway'; readonly value: boolean }
  /** `refusal`: what the server answered when it did not take the message. */
  | { readonly type: 'verify-finished'; readonly accepted: boolean; readonly refusal?: string | null }
  | { readonly type: 'set-verify-continue-anyway'; readonly value: boolean }
  | { readonly type: 'dns-finished'; readonly problems: readonly DnsProblem[] }
  /** Back to an earlier step (the summary's links to outstanding problems). */
  | { readonly type: 'goto'; readonly step: WizardStep }
  | { readonly type: 'errors'; readonly errors: WizardErrors }
  | { readonly type: 'next'; readonly context: StepContext }
  | { readonly type: 'back' };

export function stepIndex(step: WizardStep): number {
  return wizardSteps.indexOf(step);
}

export function checkKey(state: Pick<WizardState, 'address' | 'platform' | 'environment'>): string {
  return `${state.platform ?? ''}|${state.environment ?? ''}|${state.address.trim()}`;
}

/** The check that answers the address as it is typed now, or null while one is pending. */
export function currentCheck(state: WizardState): AddressCheck | null {
  return state.check !== null && state.check.key === checkKey(state) ? state.check.result : null;
}

/** The platform connects an Amazon SES identity (no server, password or test), not SMTP credentials. */
export function connectsIdentity(platform: Platform | undefined): boolean {
  return platform !== undefined && platformConnection(platform) === 'ses-identity';
}

/** `support@{subdomain}.zendesk.com` → does this platform need its subdomain asked? */
export function needsSubdomain(platform: Platform | undefined): boolean {
  return platform?.forwarding?.addressPattern.includes('{subdomain}') === true;
}

/** Zendesk: support@yourcompany.zendesk.com; null when the platform has no forwarding target. */
export function forwardingTarget(platform: Platform | undefined, subdomain: string): string | null {
  const pattern = platform?.forwarding?.addressPattern;
  if (pattern === undefined) return null;
  return forwardingAddress(pattern, subdomain.trim() === '' ? 'yourcompany' : subdomain);
}

/** The domain of the address as typed (after the last @), or ''. */
export function domainOf(address: string): string {
  const at = address.trim().lastIndexOf('@');
  return at < 0 ? '' : address.trim().slice(at + 1);
}

/** Which endpoint of a preset the server fields match (for the endpoint choice), or -1. */
export function endpointIndexOf(preset: ProviderPreset | undefined, state: Pick<WizardState, 'host' | 'port' | 'security'>): number {
  if (preset === undefined) return -1;
  return preset.endpoints.findIndex((e) => e.host === state.host.trim() && String(e.port) === state.port.trim() && e.security === state.security);
}

/**
 * Why a finished connection test does not prove this setup, or null when it does: it
 * must have run against the saved server (host, port, security, username), signed in
 * with the secret stored for this address (not one typed into the panel), had the
 * sign-in accepted, and passed the send-as check for the address itself. A pass with
 * other settings proves nothing about what the platform will use.
 */
export function whyTestDoesNotCount(report: ConnectionReport, storedSecretOf: string | null, address: AddressView): string | null {
  if (report.outcome === 'fail') return 'The test did not pass.';
  const { target } = report;
  const differs = [
    target.host.toLowerCase() !== address.host.toLowerCase() ? `server ${target.host}` : null,
    target.port !== address.port ? `port ${target.port}` : null,
    target.security !== address.security ? `security ${target.security}` : null,
    target.username !== address.username ? `username ${target.username ?? '(none)'}` : null,
  ].filter((d): d is string => d !== null);
  if (differs.length > 0) {
    return `This test ran with other settings (${differs.join(', ')}) than the ones saved for ${address.address} (${address.host}:${address.port}, ${address.security}, as ${address.username}). Go Back to change the saved settings, or test with them.`;
  }
  if (storedSecretOf !== address.id || address.secret.stored !== true) {
    return `This test did not use the secret stored for ${address.address}. Tick "Use the secret stored" and run it again: the platform will sign in with that one.`;
  }
  if (report.auth?.accepted !== true) return `The server did not accept the sign-in as ${address.username}.`;
  if (report.sendAs?.accepted !== true || report.sendAs.from.toLowerCase() !== address.address.toLowerCase()) {
    return `The send-as check for ${address.address} did not pass: set the From address to ${address.address} and run the test again.`;
  }
  return null;
}

/** The rules of one step: an empty object means Next may go on. */
export function validateStep(state: WizardState, context: StepContext): WizardErrors {
  const errors: WizardErrors = {};
  const platform = context.platforms.find((p) => p.id === state.platform);
  const platformWord = sentenceStart(platform?.shortName ?? 'the platform');
  switch (state.step) {
    case 'platform':
      if (state.platform === null) errors.platform = 'Choose the platform you are connecting the address to.';
      // An SES identity (Zuora advanced SMTP) takes its environment at its own next step, among the platform's four.
      if (state.environment === null && !connectsIdentity(platform)) errors.environment = 'Choose sandbox or production: the same address must not be in both.';
      break;
    case 'address': {
      const address = state.address.trim();
      if (address === '') errors.address = 'Enter the address the platform will send as, such as support@example.com.';
      else {
        const check = currentCheck(state);
        if (check === null) errors.address = 'Wait a moment: the address is still being checked.';
        else if (check.errors.length > 0) errors.address = check.errors.map((e) => e.message).join(' ');
      }
      if (needsSubdomain(platform)) {
        const subdomain = state.platformSubdomain.trim().toLowerCase();
        if (subdomain === '') errors.platformSubdomain = `Enter your ${platformWord} subdomain, such as yourcompany in yourcompany.${platform?.forwarding?.domainSuffix ?? ''}.`;
        else {
          const parsed = platformSubdomainSchema.safeParse(subdomain);
          if (!parsed.success) errors.platformSubdomain = parsed.error.issues[0]?.message ?? 'Check the subdomain.';
        }
      }
      break;
    }
    case 'provider': {
      if (state.provider === null) errors.provider = 'Choose your mail service, or Custom for any other SMTP server.';
      const host = hostSchema.safeParse(state.host.trim());
      if (state.host.trim() === '') errors.host = 'Enter the SMTP server, such as smtp.office365.com.';
      else if (!host.success) errors.host = host.error.issues[0]?.message ?? 'Check the server name.';
      const port = state.port.trim();
      if (!/^\d{1,5}$/u.test(port) || Number(port) < 1 || Number(port) > 65535) errors.port = 'Enter the port as a number from 1 to 65535, such as 587 or 465.';
      // Security and sign-in method come with the mail service; only a chosen one can be wrong.
      if (state.security === null) {
        if (state.provider !== null) errors.security = 'Choose STARTTLS or implicit TLS.';
      } else if (state.security === 'none') {
        errors.security = `${platformWord} sends the password only over TLS: choose STARTTLS (usually port 587) or implicit TLS (port 465).`;
      }
      const username = usernameSchema.safeParse(state.username.trim());
      if (state.username.trim() === '') errors.username = 'Enter the username the platform signs in with (often the full address).';
      else if (!username.success) errors.username = username.error.issues[0]?.message ?? 'Check the username.';
      if (state.authKind === null && state.provider !== null) errors.authKind = 'Choose how the platform signs in.';
      if (state.addressId === null && !context.secretTyped) {
        errors.secret = 'Type the password (or app password, or API key): it goes straight to the OS keychain.';
      }
      break;
    }
    case 'test':
      if (!state.testPassed) {
        if (!state.continueAnyway) errors.test = 'Run the connection test until it passes, or choose "Continue anyway" and say why.';
        else {
          const reason = proceedReasonSchema.safeParse(state.proceedReason);
          if (!reason.success) errors.proceedReason = reason.error.issues[0]?.message ?? 'Say why you continue.';
        }
      }
      break;
    case 'forwarding':
    case 'dns':
      break;
    case 'verify': {
      const recipient = state.recipient.trim();
      if (recipient !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(recipient)) errors.recipient = 'Enter the recipient as an address such as you@example.com, or leave it empty to use the connected address.';
      else if (!state.verifyAccepted && !continuedPastFailure(state)) {
        if (state.verifyContinueAnyway) {
          const reason = proceedReasonSchema.safeParse(state.verifyReason);
          if (!reason.success) errors.verifyReason = 'Say in a few words (up to 500 characters) why you continue although the verification email was not accepted.';
        } else if (state.verifyRefusal !== null) {
          errors.verify = `The server did not accept the verification email: ${state.verifyRefusal} Fix that and send it again, or choose "Continue anyway" and say why.`;
        } else {
          errors.verify = 'Send the verification email first: the platform does the same before it accepts the address.';
        }
      }
      break;
    }
    case 'summary':
      break;
  }
  return errors;
}

/** Continuing past a refused verification email, with a valid reason. */
export function continuedPastVerify(state: Pick<WizardState, 'verifyAccepted' | 'verifyContinueAnyway' | 'verifyReason'>): boolean {
  return !state.verifyAccepted && state.verifyContinueAnyway && state.verifyReason.trim() !== '';
}

/** What still blocks the address: only items required on its route that fail or could not be checked (report.blocking). */
export function blockingProblems(report: { readonly items: readonly Pick<CheckItem, 'id' | 'title' | 'status' | 'summary'>[]; readonly blocking: ChecklistReport['blocking'] }): DnsProblem[] {
  const byId = new Map(report.items.map((item) => [item.id, item] as const));
  return report.blocking.flatMap((id) => {
    const item = byId.get(id);
    if (item === undefined || (item.status !== 'fail' && item.status !== 'error')) return [];
    return [{ id: item.id, title: item.title, status: item.status, summary: item.summary }];
  });
}

/** What is still wrong before Finish, each with the step that fixes it (one entry per step, so one link back). */
export interface OutstandingProblem {
  readonly step: WizardStep;
  readonly text: string;
  /** The entry's parts, listed under it (the DNS items that still fail). */
  readonly items: readonly string[];
}

function dnsVerdict(status: DnsProblem['status']): string {
  return status === 'warn' ? 'warning' : status === 'error' ? 'could not be checked' : 'failed';
}

export function outstandingProblems(state: WizardState): readonly OutstandingProblem[] {
  const problems: OutstandingProblem[] = [];
  if (continuedPastFailure(state)) {
    problems.push({ step: 'test', text: `The connection test did not pass; you continued anyway: ${state.proceedReason.trim()}`, items: [] });
  }
  // Every failing DNS item is fixed at the same step: one entry lists them all under one link back.
  const dns = state.dnsProblems;
  if (dns.length === 1 && dns[0] !== undefined) {
    problems.push({ step: 'dns', text: `DNS: ${dns[0].title} (${dnsVerdict(dns[0].status)}).`, items: [] });
  } else if (dns.length > 1) {
    problems.push({ step: 'dns', text: `DNS: ${dns.length} required checks fail or could not be checked:`, items: dns.map((item) => `${item.title} (${dnsVerdict(item.status)})`) });
  }
  if (!state.verifyAccepted && !continuedPastFailure(state)) {
    const why = state.verifyRefusal === null ? 'it was not sent' : `the server answered: ${state.verifyRefusal}`;
    const reason = state.verifyContinueAnyway && state.verifyReason.trim() !== '' ? ` You continued anyway: ${state.verifyReason.trim()}` : '';
    problems.push({ step: 'verify', text: `The verification email was not accepted (${why}).${reason}`, items: [] });
  }
  return problems;
}

/**
 * How the step list marks a step: a step behind the admin is "done" only when it left
 * nothing open (a test passed, no required DNS item failing, the email accepted);
 * otherwise it is "open" with what is left, so a pill never says done over a failure.
 */
export type StepMark =
  | { readonly kind: 'todo' }
  | { readonly kind: 'current' }
  | { readonly kind: 'done' }
  | { readonly kind: 'open'; readonly note: string };

export function stepMarkOf(state: WizardState, step: WizardStep): StepMark {
  const at = stepIndex(state.step);
  const index = stepIndex(step);
  if (index > at) return { kind: 'todo' };
  if (index === at) return { kind: 'current' };
  switch (step) {
    case 'test':
      return state.testPassed ? { kind: 'done' } : { kind: 'open', note: 'not passed' };
    case 'dns':
      return state.dnsProblems.length === 0 ? { kind: 'done' } : { kind: 'open', note: state.dnsProblems.length === 1 ? '1 required check fails' : `${state.dnsProblems.length} required checks fail` };
    case 'verify':
      return state.verifyAccepted ? { kind: 'done' } : { kind: 'open', note: 'not accepted' };
    case 'platform':
    case 'address':
    case 'provider':
    case 'forwarding':
    case 'summary':
      return { kind: 'done' };
  }
}

/** The reasons recorded with the address at Finish (connection test, verification email), or null. */
export function proceedReasonsOf(state: WizardState): string | null {
  const reasons = [
    continuedPastFailure(state) ? state.proceedReason.trim() : '',
    continuedPastVerify(state) && !continuedPastFailure(state) ? `${VERIFY_PROCEED_PREFIX}${state.verifyReason.trim()}` : '',
  ].filter((r) => r !== '');
  return reasons.length === 0 ? null : reasons.join(' — ').slice(0, 500);
}

/** The address goes on although its connection test failed (the reason is recorded at Finish). */
export function continuedPastFailure(state: Pick<WizardState, 'testPassed' | 'continueAnyway'>): boolean {
  return !state.testPassed && state.continueAnyway;
}

function withoutError(errors: WizardErrors, ...fields: readonly WizardField[]): WizardErrors {
  const next = { ...errors };
  for (const field of fields) delete next[field];
  return next;
}

/** Anything that changes what the test proved: the server, the sign-in or the sender. */
function untested<S extends WizardState>(state: S): S {
  return { ...state, testPassed: false, verifyAccepted: false, verifyRefusal: null };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'restore':
      return { ...initialWizard, ...fromDraft(action.draft) };
    case 'start-over':
      return initialWizard;
    case 'set-platform':
      if (action.platform === state.platform) return state;
      // Routes belong to a platform: another platform starts from its own default.
      // Prerequisites belong to a platform too: ticks for another platform say nothing about this one.
      return untested({ ...state, platform: action.platform, route: null, prerequisites: [], errors: withoutError(state.errors, 'platform', 'route') });
    case 'set-prerequisite':
      return { ...state, prerequisites: action.done ? [...new Set([...state.prerequisites, action.id])] : state.prerequisites.filter((id) => id !== action.id) };
    case 'set-route':
      return { ...state, route: action.route, errors: withoutError(state.errors, 'route') };
    case 'set-environment':
      return { ...state, environment: action.environment, errors: withoutError(state.errors, 'environment') };
    case 'set-text': {
      const next = { ...state, [action.field]: action.value, errors: withoutError(state.errors, action.field) };
      if (action.field === 'address' || action.field === 'host' || action.field === 'port' || action.field === 'username') return untested(next);
      if (action.field === 'recipient') return { ...next, verifyAccepted: false, verifyRefusal: null, errors: withoutError(next.errors, 'verify') };
      return next;
    }
    case 'set-security':
      return untested({ ...state, security: action.security, errors: withoutError(state.errors, 'security') });
    case 'set-auth-kind':
      return untested({ ...state, authKind: action.authKind, errors: withoutError(state.errors, 'authKind') });
    case 'choose-provider': {
      const { preset } = action;
      // The CLI's rule too (`relayproof address add`): one function for both.
      const { endpoint, username, authKind } = presetDefaults(preset, { address: state.address, endpoint: action.endpoint, currentUsername: state.username, currentAuthKind: state.authKind });
      return untested({
        ...state,
        provider: preset.id,
        // Custom: the admin types the server; start from submission with STARTTLS (RFC 6409).
        ...(endpoint === undefined
          ? { security: state.security ?? 'starttls', port: state.port === '' ? '587' : state.port }
          : { host: endpoint.host, port: String(endpoint.port), security: endpoint.security }),
        username: username ?? '',
        authKind,
        errors: withoutError(state.errors, 'provider', 'host', 'port', 'security', 'username', 'authKind'),
      });
    }
    case 'choose-endpoint':
      return untested({
        ...state,
        host: action.endpoint.host,
        port: String(action.endpoint.port),
        security: action.endpoint.security,
        errors: withoutError(state.errors, 'host', 'port', 'security'),
      });
    case 'address-checked':
      return { ...state, check: { key: action.key, result: action.result } };
    case 'secret-saved':
      return untested({ ...state, addressId: action.addressId, errors: withoutError(state.errors, 'secret') });
    case 'secret-lost': {
      if (state.addressId === null) return state;
      // Steps after the credentials need the saved address: go back to where it is made.
      const past = stepIndex(state.step) > stepIndex('provider');
      return untested({
        ...state,
        addressId: null,
        step: past ? 'provider' : state.step,
        continueAnyway: false,
        proceedReason: '',
        errors: {
          ...(past ? {} : state.errors),
          secret: 'This setup was removed in another window (its address and stored secret are gone). Type the secret again and press Next to save it anew.',
        },
      });
    }
    case 'test-finished':
      return {
        ...state,
        testPassed: action.passed,
        // A pass makes the reason moot; a failure keeps what the admin chose.
        continueAnyway: action.passed ? false : state.continueAnyway,
        verifyAccepted: false,
        verifyRefusal: null,
        heloHost: action.heloHost === undefined ? state.heloHost : action.heloHost,
        errors: action.passed ? withoutError(state.errors, 'test', 'proceedReason') : state.errors,
      };
    case 'set-continue-anyway':
      return { ...state, continueAnyway: action.value, errors: withoutError(state.errors, 'test', 'proceedReason') };
    case 'verify-finished':
      return {
        ...state,
        verifyAccepted: action.accepted,
        verifyRefusal: action.accepted ? null : (action.refusal ?? 'no answer'),
        verifyContinueAnyway: action.accepted ? false : state.verifyContinueAnyway,
        errors: withoutError(state.errors, 'verify', ...(action.accepted ? (['verifyReason'] as const) : [])),
      };
    case 'set-verify-continue-anyway':
      return { ...state, verifyContinueAnyway: action.value, errors: withoutError(state.errors, 'verify', 'verifyReason') };
    case 'dns-finished':
      return { ...state, dnsProblems: action.problems };
    case 'goto':
      return stepIndex(action.step) < stepIndex(state.step) ? { ...state, step: action.step, errors: {} } : state;
    case 'errors':
      return { ...state, errors: action.errors };
    case 'next': {
      const errors = validateStep(state, action.context);
      if (Object.keys(errors).length > 0) return { ...state, errors };
      const index = stepIndex(state.step);
      const step = wizardSteps[index + 1];
      if (step === undefined) return { ...state, errors: {} };
      return { ...state, step, errors: {} };
    }
    case 'back': {
      const step = wizardSteps[stepIndex(state.step) - 1];
      // Everything typed is kept; only the step's complaints go.
      return step === undefined ? state : { ...state, step, errors: {} };
    }
  }
}

/** What is saved so closing the app loses nothing: never a secret (the schema is strict). */
export function draftOf(state: WizardState, now: string): WizardDraft {
  const port = state.port.trim();
  const portNumber = /^\d{1,5}$/u.test(port) && Number(port) >= 1 && Number(port) <= 65535 ? Number(port) : null;
  return {
    step: state.step,
    platform: state.platform,
    route: state.route,
    environment: state.environment,
    address: state.address.slice(0, 320),
    platformSubdomain: state.platformSubdomain.slice(0, 63),
    provider: state.provider,
    host: state.host.slice(0, 253),
    port: portNumber,
    security: state.security,
    username: state.username.slice(0, 320),
    authKind: state.authKind,
    addressId: state.addressId,
    testPassed: state.testPassed,
    proceedReason: state.continueAnyway ? state.proceedReason.slice(0, 500) : '',
    prerequisites: state.prerequisites.slice(0, 16),
    updatedAt: now,
  };
}

function fromDraft(draft: WizardDraft): Partial<WizardState> {
  return {
    step: draft.step,
    platform: draft.platform,
    route: draft.route,
    environment: draft.environment,
    address: draft.address,
    platformSubdomain: draft.platformSubdomain,
    provider: draft.provider,
    host: draft.host,
    port: draft.port === null ? '' : String(draft.port),
    security: draft.security,
    username: draft.username,
    authKind: draft.authKind,
    addressId: draft.addressId,
    testPassed: draft.testPassed,
    continueAnyway: !draft.testPassed && draft.proceedReason !== '',
    proceedReason: draft.proceedReason,
    prerequisites: draft.prerequisites,
  };
}

/** The platform's route the admin chose, else its default (null when the platform declares none). */
export function chosenRoute(state: Pick<WizardState, 'route'>, platform: Platform | undefined): PlatformRoute | null {
  if (platform === undefined) return null;
  return platform.routes.find((r) => r.id === state.route) ?? platform.routes.find((r) => r.default) ?? platform.routes[0] ?? null;
}

/** The route saved on the address: only one the platform declares (a stale choice falls back to its default, null). */
function routeFor(state: Pick<WizardState, 'route'>, platform: Platform | undefined): RouteId | null {
  return platform?.routes.some((r) => r.id === state.route) === true ? state.route : null;
}

/** The fields of the address as the wizard would save them (after the address and provider steps). */
export function addressFieldsOf(state: WizardState, check: AddressCheck | null, platform: Platform | undefined) {
  const subdomain = needsSubdomain(platform) ? state.platformSubdomain.trim().toLowerCase() : '';
  return {
    address: check?.ascii ?? state.address.trim(),
    platform: state.platform ?? GENERIC_PLATFORM_ID,
    route: routeFor(state, platform),
    environment: state.environment ?? 'sandbox',
    provider: state.provider ?? 'custom',
    host: state.host.trim(),
    port: Number(state.port.trim()),
    security: state.security ?? 'starttls',
    username: state.username.trim(),
    authKind: state.authKind ?? 'password',
    platformSubdomain: subdomain === '' ? null : subdomain,
  } as const;
}
