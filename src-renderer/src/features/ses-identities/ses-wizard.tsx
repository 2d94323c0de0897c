import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import type { AppError } from '../../../../src-preload/contract';
import type { Platform } from '../../../../src-preload/contract/providers';
import { sesIdentityProblemCodes, sesRulesOf, type SesIdentityFieldsInput, type SesIdentityProblem } from '../../../../src-preload/contract/ses-identities';
import { useApiClient } from '../../api/api-context';
import { toChannelError } from '../../api/channel-error';
import { callChannel, channelKey, useChannelQuery } from '../../api/hooks';
import { openRoute } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { StepPills, type StepPill } from '../wizard/step-list';
import { IdentityStep } from './identity-step';
import { SesDnsStep } from './ses-dns-step';
import { SesSummaryStep } from './ses-summary-step';
import {
  errorsOfProblems,
  initialSesWizard,
  sesStepIndex,
  sesSteps,
  sesWizardReducer,
  stepOfField,
  tokensToSave,
  validateSesStep,
  type SesErrors,
  type SesField,
  type SesStep,
  type SesWizardState,
} from './ses-wizard-state';
import { VerificationStep } from './verification-step';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72rem' },
  step: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalXL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
  },
  heading: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
    ':focus': { outlineStyle: 'none' },
  },
  eyebrow: { display: 'block', fontSize: tokens.fontSizeBase200, fontWeight: tokens.fontWeightRegular, color: tokens.colorNeutralForeground2 },
  nav: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  spacer: { flexGrow: 1 },
});

export function sesStepTitle(step: SesStep, state: Pick<SesWizardState, 'kind'>): string {
  switch (step) {
    case 'identity':
      return 'Identity';
    case 'verification':
      return state.kind === 'email' ? 'Verification link' : 'DKIM tokens';
    case 'dns':
      return 'DNS records';
    case 'summary':
      return 'Summary: what Zuora will send from';
  }
}

/** The platform step came before (step 1 of the connect wizard). */
const STEP_OFFSET = 1;
export const SES_STEP_COUNT = sesSteps.length + STEP_OFFSET;
const STEP_COUNT = SES_STEP_COUNT;

/** The pills of the identity flow, Platform first; `at` counts Platform as 0. */
export function sesStepPills(at: number, state: Pick<SesWizardState, 'kind'>): StepPill[] {
  const titles = ['Platform', ...sesSteps.map((step) => sesStepTitle(step, state).replace(/:.*$/u, ''))];
  return titles.map((title, i) => ({
    key: title,
    title,
    mark: i < at ? ({ kind: 'done' } as const) : i === at ? ({ kind: 'current' } as const) : ({ kind: 'todo' } as const),
  }));
}

/** Main's refusal at Finish (`details.problems`: the codes of the rules broken; the message says them all), on the field that fixes the first. */
function problemsOf(error: AppError): readonly SesIdentityProblem[] {
  const problems = error.details?.['problems'];
  if (!Array.isArray(problems)) return [];
  const code = sesIdentityProblemCodes.find((c) => (problems as unknown[]).some((p) => p === c || (typeof p === 'object' && p !== null && (p as { code?: unknown }).code === c)));
  return code === undefined ? [] : [{ code, message: error.message }];
}

/**
 * The connect wizard after "Zuora advanced SMTP (Amazon SES)" was chosen: an identity
 * instead of SMTP credentials. Saves nothing before Finish (no identity counts against
 * Zuora's limits until the admin means it); the rules are main's, asked at each Next.
 */
export function SesWizard({ platform, onExit, onSaved }: { readonly platform: Platform; readonly onExit: () => void; readonly onSaved: () => Promise<void> }) {
  const styles = useStyles();
  const { api } = useApiClient();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(sesWizardReducer, initialSesWizard);
  const [busy, setBusy] = useState(false);
  const [notes, setNotes] = useState<readonly string[]>([]);
  const [actionError, setActionError] = useState<{ readonly title: string; readonly error: AppError } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const saved = useChannelQuery('ses-identities:list', {});
  const rules = sesRulesOf(platform);

  // Focus follows the step (the first one too: the admin arrived here by Next).
  useEffect(() => {
    headingRef.current?.focus();
  }, [state.step]);

  // After a refused Next the first refused field takes focus, once the render that marks it is in the page.
  const focusRefused = useRef(false);
  useEffect(() => {
    if (!focusRefused.current) return;
    focusRefused.current = false;
    focusFirstInvalid(document.querySelector<HTMLElement>('[data-ses-step]'));
  }, [state.errors]);

  const refuse = (errors: SesErrors) => {
    const first = (Object.keys(errors) as SesField[])[0];
    const step = first === undefined ? state.step : stepOfField(first);
    if (step !== state.step) dispatch({ type: 'goto', step });
    focusRefused.current = true;
    dispatch({ type: 'errors', errors });
  };

  const fields = (): SesIdentityFieldsInput => ({
    kind: state.kind ?? 'email',
    value: state.value.trim(),
    environment: state.environment ?? 'production',
    dkimTokens: [...tokensToSave(state)],
    eligibilityConfirmed: state.eligibilityConfirmed,
  });

  const next = async () => {
    setActionError(null);
    const local = validateSesStep(state);
    if (Object.keys(local).length > 0) {
      refuse(local);
      return;
    }
    if (state.step === 'identity' || state.step === 'verification') {
      setBusy(true);
      try {
        // Zuora's limits and the mixing rule need the saved identities: main's answer, in Zuora's words.
        const check = await callChannel(api, 'ses-identities:check-new', { fields: fields() });
        dispatch({ type: 'checked', check });
        if (check.problems.length > 0) {
          refuse(errorsOfProblems(check.problems));
          return;
        }
        setNotes(check.notes);
      } catch (error) {
        setActionError({ title: 'The identity could not be checked', error: toChannelError(error).appError });
        return;
      } finally {
        setBusy(false);
      }
    }
    dispatch({ type: 'advance' });
  };

  const finish = async () => {
    setActionError(null);
    setBusy(true);
    try {
      const identity = await callChannel(api, 'ses-identities:create', { fields: fields() });
      await queryClient.invalidateQueries({ queryKey: channelKey('ses-identities:list') });
      // The connect wizard's draft (the platform chosen) is done with.
      await onSaved();
      openRoute('status', { identity: identity.id });
    } catch (error) {
      const appError = toChannelError(error).appError;
      const problems = problemsOf(appError);
      if (problems.length > 0) refuse(errorsOfProblems(problems));
      else setActionError({ title: 'The identity was not saved', error: appError });
    } finally {
      setBusy(false);
    }
  };

  const back = () => {
    setActionError(null);
    if (state.step === 'identity') onExit();
    else dispatch({ type: 'back' });
  };

  const index = sesStepIndex(state.step);
  const pills = sesStepPills(index + STEP_OFFSET, state);
  const last = state.step === 'summary';

  return (
    <div className={styles.view}>
      <StepPills pills={pills} />
      <section
        className={styles.step}
        aria-labelledby="wizard-step-title"
        data-wizard-step={`ses-${state.step}`}
        data-ses-step={state.step}
        onKeyDown={(event) => {
          if (!busy && submitsStep(event)) {
            event.preventDefault();
            if (last) void finish();
            else void next();
          }
        }}
      >
        <h2 className={styles.heading} id="wizard-step-title" tabIndex={-1} ref={headingRef}>
          <span className={styles.eyebrow}>
            Step {index + 1 + STEP_OFFSET} of {STEP_COUNT}
          </span>
          {sesStepTitle(state.step, state)}
        </h2>
        {state.step === 'identity' ? <IdentityStep state={state} dispatch={dispatch} platform={platform} rules={rules} /> : null}
        {state.step === 'verification' ? <VerificationStep state={state} dispatch={dispatch} platform={platform} /> : null}
        {state.step === 'dns' ? <SesDnsStep state={state} platform={platform} rules={rules} saved={saved.data ?? []} /> : null}
        {state.step === 'summary' ? <SesSummaryStep state={state} platform={platform} rules={rules} notes={notes} /> : null}
        {actionError === null ? null : <ErrorBar error={actionError.error} title={actionError.title} />}
        <div className={styles.nav}>
          <Button onClick={back} disabledFocusable={busy}>
            Back
          </Button>
          <span className={styles.spacer} />
          {last ? (
            <Button appearance="primary" onClick={() => void finish()} disabledFocusable={busy}>
              {busy ? 'Saving…' : 'Finish'}
            </Button>
          ) : (
            <Button appearance="primary" onClick={() => void next()} disabledFocusable={busy}>
              {busy ? 'Checking…' : 'Next'}
            </Button>
          )}
        </div>
      </section>
    </div>
  );
}

/** Enter in a one-line text field presses Next (Finish on the last step), as in the connect wizard. */
function submitsStep(event: KeyboardEvent<HTMLElement>): boolean {
  if (event.key !== 'Enter' || event.nativeEvent.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return false;
  const target = event.target;
  return target instanceof HTMLInputElement && ['text', 'email', ''].includes(target.getAttribute('type')?.toLowerCase() ?? '') && target.form === null && target.closest('[data-own-enter]') === null;
}

/** The first field marked invalid (a radio group: its checked or first radio; a checkbox: itself). */
function focusFirstInvalid(root: HTMLElement | null): void {
  const marked = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (marked === null || marked === undefined) return;
  const focusable = marked.matches('input, select, textarea, button')
    ? marked
    : (marked.querySelector<HTMLElement>('input:checked') ?? marked.querySelector<HTMLElement>('input, select, textarea, button') ?? marked);
  focusable.focus();
  focusable.scrollIntoView({ block: 'center' });
}
