/**
 * The connect wizard for an Amazon SES identity (Zuora advanced SMTP) as a pure state
 * machine. With advanced SMTP Zuora sends from its own Amazon SES account, so there is no
 * server, password or connection test to ask for: the admin names the identity (an
 * address or a domain), its Zuora environment and confirms Zuora will accept it, enters
 * the DKIM tokens Zuora shows, publishes the records and saves the identity at Finish.
 * The rules that need the saved identities (limits, mixing) are main's
 * (`ses-identities:check-new`), in Zuora's words; their answer comes back as an action.
 */
import type { Environment } from '../../../../src-preload/contract';
import {
  identityValue,
  SES_DKIM_TOKEN_COUNT,
  sesDkimTokenSchema,
  type IdentityCheck,
  type SesIdentityKind,
  type SesIdentityProblem,
} from '../../../../src-preload/contract/ses-identities';

/** The steps after the shared first one (Platform), in order. */
export const sesSteps = ['identity', 'verification', 'dns', 'summary'] as const;
export type SesStep = (typeof sesSteps)[number];

export type SesField = 'kind' | 'value' | 'environment' | 'eligibility' | 'tokens' | 'finish';
export type SesErrors = Partial<Record<SesField, string>>;

export interface SesWizardState {
  readonly step: SesStep;
  readonly kind: SesIdentityKind | null;
  /** As typed: an address (email identity) or a domain, or an address at it (domain identity). */
  readonly value: string;
  readonly environment: Environment | null;
  readonly eligibilityConfirmed: boolean;
  /** The three token fields as typed (or as a paste filled them). */
  readonly tokens: readonly string[];
  /** Main's answer for the identity as it stands; cleared by any change it depends on. */
  readonly check: IdentityCheck | null;
  readonly errors: SesErrors;
}

export const initialSesWizard: SesWizardState = {
  step: 'identity',
  kind: null,
  value: '',
  environment: null,
  eligibilityConfirmed: false,
  tokens: Array.from({ length: SES_DKIM_TOKEN_COUNT }, () => ''),
  check: null,
  errors: {},
};

export type SesWizardAction =
  | { readonly type: 'set-kind'; readonly kind: SesIdentityKind }
  | { readonly type: 'set-value'; readonly value: string }
  | { readonly type: 'set-environment'; readonly environment: Environment }
  | { readonly type: 'set-eligibility'; readonly confirmed: boolean }
  | { readonly type: 'set-tokens'; readonly tokens: readonly string[] }
  | { readonly type: 'checked'; readonly check: IdentityCheck }
  | { readonly type: 'errors'; readonly errors: SesErrors }
  /** Only after the step's rules (local and main's) passed: the view checks first. */
  | { readonly type: 'advance' }
  | { readonly type: 'back' }
  | { readonly type: 'goto'; readonly step: SesStep };

export function sesStepIndex(step: SesStep): number {
  return sesSteps.indexOf(step);
}

/** The tokens as the contract stores them (bare, lower case), or the first field's complaint. */
export function parsedTokens(state: Pick<SesWizardState, 'tokens'>): { readonly ok: true; readonly tokens: readonly string[] } | { readonly ok: false; readonly message: string } {
  const tokens: string[] = [];
  for (const [index, typed] of state.tokens.entries()) {
    if (typed.trim() === '') return { ok: false, message: `Enter all three DKIM tokens: token ${index + 1} is empty. Zuora shows them in the DKIM Settings dialog (View in the DKIM Status column).` };
    const parsed = sesDkimTokenSchema.safeParse(typed);
    if (!parsed.success) return { ok: false, message: `Token ${index + 1}: ${parsed.error.issues[0]?.message ?? 'check it.'}` };
    if (tokens.includes(parsed.data)) return { ok: false, message: `Token ${index + 1} is the same as another one: Zuora shows three different tokens.` };
    tokens.push(parsed.data);
  }
  return { ok: true, tokens };
}

/** The tokens the identity is saved with: the three for a domain identity, none for an email identity. */
export function tokensToSave(state: Pick<SesWizardState, 'kind' | 'tokens'>): readonly string[] {
  if (state.kind !== 'domain') return [];
  const parsed = parsedTokens(state);
  return parsed.ok ? parsed.tokens : [];
}

/** The rules of a step that need nothing from main: an empty object means main may check the rest. */
export function validateSesStep(state: SesWizardState): SesErrors {
  const errors: SesErrors = {};
  switch (state.step) {
    case 'identity': {
      if (state.kind === null) errors.kind = 'Choose an email identity (one address) or a domain identity (the domain and its subdomains).';
      if (state.value.trim() === '') {
        errors.value =
          state.kind === 'domain' ? 'Enter the domain, such as yourcompany.com (an address at it also works: its domain is used).' : 'Enter the one address Zuora sends from, such as billing@yourcompany.com.';
      } else if (state.kind !== null) {
        const value = identityValue(state.kind, state.value);
        if (!value.ok) errors.value = value.message;
      }
      if (state.environment === null) errors.environment = 'Choose the Zuora environment the identity is for.';
      if (!state.eligibilityConfirmed) errors.eligibility = 'Confirm that an active Zuora user has a work email on this domain: Zuora refuses the identity otherwise.';
      break;
    }
    case 'verification':
      if (state.kind === 'domain') {
        const tokens = parsedTokens(state);
        if (!tokens.ok) errors.tokens = tokens.message;
      }
      break;
    case 'dns':
    case 'summary':
      break;
  }
  return errors;
}

/** Where each of main's refusals is shown: on the field that fixes it. */
export function errorsOfProblems(problems: readonly SesIdentityProblem[]): SesErrors {
  const errors: SesErrors = {};
  for (const problem of problems) {
    const field: SesField = problem.code === 'environment' ? 'environment' : problem.code === 'eligibility' ? 'eligibility' : problem.code === 'dkim-tokens' ? 'tokens' : 'value';
    errors[field] = errors[field] === undefined ? problem.message : `${errors[field]} ${problem.message}`;
  }
  return errors;
}

/** The step a field is entered at (a refusal at Finish goes back there). */
export function stepOfField(field: SesField): SesStep {
  return field === 'tokens' ? 'verification' : field === 'finish' ? 'summary' : 'identity';
}

function without(errors: SesErrors, ...fields: readonly SesField[]): SesErrors {
  const next = { ...errors };
  for (const field of fields) delete next[field];
  return next;
}

export function sesWizardReducer(state: SesWizardState, action: SesWizardAction): SesWizardState {
  switch (action.type) {
    case 'set-kind':
      return action.kind === state.kind ? state : { ...state, kind: action.kind, check: null, errors: without(state.errors, 'kind', 'value', 'tokens') };
    case 'set-value':
      return { ...state, value: action.value, check: null, errors: without(state.errors, 'value') };
    case 'set-environment':
      // Another verification group has its own tokens: what was entered for this one would be wrong there.
      return { ...state, environment: action.environment, check: null, errors: without(state.errors, 'environment', 'value') };
    case 'set-eligibility':
      return { ...state, eligibilityConfirmed: action.confirmed, check: null, errors: without(state.errors, 'eligibility') };
    case 'set-tokens':
      return { ...state, tokens: Array.from({ length: SES_DKIM_TOKEN_COUNT }, (_, i) => action.tokens[i] ?? ''), check: null, errors: without(state.errors, 'tokens') };
    case 'checked':
      return { ...state, check: action.check };
    case 'errors':
      return { ...state, errors: action.errors };
    case 'advance': {
      const step = sesSteps[sesStepIndex(state.step) + 1];
      return step === undefined ? state : { ...state, step, errors: {} };
    }
    case 'back': {
      const step = sesSteps[sesStepIndex(state.step) - 1];
      return step === undefined ? state : { ...state, step, errors: {} };
    }
    case 'goto':
      return sesStepIndex(action.step) < sesStepIndex(state.step) ? { ...state, step: action.step } : state;
  }
}
