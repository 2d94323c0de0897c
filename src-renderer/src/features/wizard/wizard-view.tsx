import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useReducer, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { wizardSteps, type AddressView, type AppError, type WizardDraft } from '../../../../src-preload/contract';
import { useApiClient } from '../../api/api-context';
import { ChannelError, toChannelError } from '../../api/channel-error';
import { callChannel, channelKey, useChannelQuery } from '../../api/hooks';
import { openRoute } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { OneTimeSecret } from '../addresses/one-time-secret';
import { SES_STEP_COUNT, SesWizard, sesStepPills } from '../ses-identities/ses-wizard';
import { AddressStep } from './address-step';
import { DnsStep } from './dns-step';
import { ForwardingStep } from './forwarding-step';
import { PlatformStep } from './platform-step';
import { ProviderStep } from './provider-step';
import { SummaryStep } from './summary-step';
import { TestStep } from './test-step';
import { VerifyStep } from './verify-step';
import { stepTitles, type StepProps } from './wizard-labels';
import { StepList, StepPills } from './step-list';
import {
  addressFieldsOf,
  checkKey,
  connectsIdentity,
  currentCheck,
  draftOf,
  initialWizard,
  proceedReasonsOf,
  stepIndex,
  validateStep,
  wizardReducer,
  type WizardAction,
  type WizardErrors,
  type WizardField,
  type WizardState,
} from './wizard-state';

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

type Phase =
  | { readonly kind: 'loading' }
  /** A draft was found: resume it or start over. */
  | { readonly kind: 'offer'; readonly draft: WizardDraft }
  | { readonly kind: 'running' }
  | { readonly kind: 'load-failed'; readonly error: AppError };

/** Where main's refusal of a field lands in the wizard (`fields.host` → host). */
function errorsOfIssues(error: AppError): WizardErrors {
  const errors: WizardErrors = {};
  const issues = error.details?.['issues'];
  if (error.code !== 'invalid-input' || !Array.isArray(issues)) return errors;
  const known: readonly WizardField[] = ['address', 'platform', 'route', 'environment', 'platformSubdomain', 'provider', 'host', 'port', 'security', 'username', 'authKind', 'secret'];
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const name = path.replace(/^(fields|patch)\./u, '').split('.')[0] ?? '';
    const field = known.find((f) => f === name);
    if (field !== undefined) errors[field] ??= message;
  }
  return errors;
}

/**
 * `#/connect`: the connect-external-address wizard. The reducer (wizard-state.ts) owns
 * the steps and their rules; this view runs what the steps need from main, saves the
 * draft (never a secret) on every step change, and moves focus to each step's heading.
 */
export function WizardView() {
  const styles = useStyles();
  const { api } = useApiClient();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(wizardReducer, initialWizard);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<{ readonly title: string; readonly error: AppError } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const [secretTyped, setSecretTyped] = useState(false);
  /** Zuora advanced SMTP: after step 1 the identity flow (ses-wizard.tsx) replaces the credential steps. */
  const [identityFlow, setIdentityFlow] = useState(false);

  const platforms = useChannelQuery('platforms:list', {});
  const addresses = useChannelQuery('addresses:list', {});
  const platform = platforms.data?.find((p) => p.id === state.platform);
  const inProgress: AddressView | undefined = state.addressId === null ? undefined : addresses.data?.find((a) => a.id === state.addressId);
  const context = { platforms: platforms.data ?? [], secretTyped };

  // The draft, once: offer to resume it.
  useEffect(() => {
    let live = true;
    callChannel(api, 'wizard:get-draft', {}).then(
      (draft) => {
        if (live) setPhase(draft === null ? { kind: 'running' } : { kind: 'offer', draft });
      },
      (error: unknown) => {
        if (live) setPhase({ kind: 'load-failed', error: toChannelError(error).appError });
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  /** After Finish or Start over nothing may save a draft again (a late debounced save would bring it back). */
  const draftClosed = useRef(false);
  const saveDraft = useCallback(
    (draftState: WizardState) => {
      if (draftClosed.current) return;
      void callChannel(api, 'wizard:save-draft', { draft: draftOf(draftState, new Date().toISOString()) }).catch((error: unknown) =>
        setActionError({ title: 'Your progress was not saved', error: toChannelError(error).appError }),
      );
    },
    [api],
  );

  // What was typed is saved too, shortly after the typing stops (the draft never holds a
  // secret: the password field is not part of the state). Nothing is saved before the
  // admin changed anything, so opening the wizard alone leaves no draft to resume.
  const draftKey = JSON.stringify(draftOf(state, ''));
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  const saveDraftTimer = useDebounced(() => saveDraft(latest.current), 600);
  const savedKey = useRef<string | null>(null);
  useEffect(() => {
    if (phase.kind !== 'running') return;
    if (savedKey.current === null) {
      // The state the wizard started or resumed with is already what is stored.
      savedKey.current = draftKey;
      return;
    }
    if (savedKey.current === draftKey) return;
    savedKey.current = draftKey;
    saveDraftTimer.schedule();
  }, [draftKey, phase.kind, saveDraftTimer]);

  /** Every step change goes through here: the draft (never a secret) is saved at once, so closing the app resumes at this step. */
  const go = (action: WizardAction, base: WizardState = state) => {
    const nextState = wizardReducer(base, action);
    dispatch(action);
    if (nextState.step === base.step) return;
    saveDraftTimer.cancel();
    saveDraft(nextState);
  };

  // Focus follows the step, so keyboard and screen-reader users start at its heading.
  // Not on arriving at the view (the shell focuses its h1), but after Resume or Start over.
  const firstRender = useRef(true);
  const focusOnRun = useRef(false);
  useEffect(() => {
    if (phase.kind !== 'running') return;
    const skip = firstRender.current && !focusOnRun.current;
    firstRender.current = false;
    focusOnRun.current = false;
    if (!skip) headingRef.current?.focus();
  }, [state.step, phase.kind]);

  // The address check runs as the admin types (errors block Next; warnings are shown).
  const key = checkKey(state);
  const { address, platform: platformId, environment, addressId } = state;
  useEffect(() => {
    if (phase.kind !== 'running' || address.trim() === '' || platformId === null || environment === null) return;
    let live = true;
    const timer = setTimeout(() => {
      callChannel(api, 'addresses:check-new', { address: address.trim(), platform: platformId, environment, ...(addressId === null ? {} : { excludeId: addressId }) }).then(
        (result) => {
          if (live) dispatch({ type: 'address-checked', key, result });
        },
        (error: unknown) => {
          if (live) setActionError({ title: 'The address could not be checked', error: toChannelError(error).appError });
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, key, address, platformId, environment, addressId, phase.kind]);

  const refreshAddresses = useCallback(() => queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') }), [queryClient]);

  // The in-progress address may be deleted elsewhere (the Addresses view, another window):
  // its secret went with it, so the wizard goes back to where the secret is typed.
  const listed = addresses.data !== undefined && !addresses.isFetching;
  useEffect(() => {
    if (phase.kind !== 'running' || busy || !listed || state.addressId === null || inProgress !== undefined) return;
    const lost = wizardReducer(state, { type: 'secret-lost' });
    dispatch({ type: 'secret-lost' });
    saveDraft(lost);
  }, [phase.kind, busy, listed, state, inProgress, saveDraft]);

  // A draft of an identity platform past step 1 (saved before it had its own flow): its flow starts at step 1.
  const identityPlatform = connectsIdentity(platform);
  useEffect(() => {
    if (phase.kind === 'running' && identityPlatform && state.step !== 'platform') dispatch({ type: 'goto', step: 'platform' });
  }, [phase.kind, identityPlatform, state.step]);

  const resume = (draft: WizardDraft) => {
    savedKey.current = null;
    dispatch({ type: 'restore', draft });
    focusOnRun.current = true;
    setPhase({ kind: 'running' });
  };

  const startOver = async () => {
    setBusy(true);
    try {
      saveDraftTimer.cancel();
      await callChannel(api, 'wizard:discard-draft', {});
      await refreshAddresses();
      savedKey.current = null;
      dispatch({ type: 'start-over' });
      setActionError(null);
      focusOnRun.current = true;
      setPhase({ kind: 'running' });
    } catch (error) {
      setActionError({ title: 'The unfinished setup was not discarded', error: toChannelError(error).appError });
    } finally {
      setBusy(false);
    }
  };

  const refuse = (errors: WizardErrors) => {
    dispatch({ type: 'errors', errors });
    // After the render that marks them: the first refused field, in the order the step shows them.
    requestAnimationFrame(() => focusFirstInvalid(document.querySelector<HTMLElement>('[data-wizard-step]')));
  };

  /** After an SES identity was saved: its draft (the platform step) is not offered again. */
  const closeDraft = async () => {
    draftClosed.current = true;
    saveDraftTimer.cancel();
    await callChannel(api, 'wizard:discard-draft', {});
  };

  /** Next: Zuora advanced SMTP goes on with its identity flow after step 1; everything else with the next step. */
  const proceed = () => {
    if (state.step === 'platform' && connectsIdentity(platform) && Object.keys(validateStep(state, context)).length === 0) {
      setActionError(null);
      setIdentityFlow(true);
    } else void next();
  };

  /** Saves what this step changed on the in-progress address, then moves on. */
  const next = async () => {
    setActionError(null);
    const errors = validateStep(state, context);
    if (Object.keys(errors).length > 0) {
      refuse(errors);
      return;
    }
    const fields = addressFieldsOf(state, currentCheck(state), platform);
    try {
      setBusy(true);
      if ((state.step === 'platform' || state.step === 'address') && state.addressId !== null) {
        const { address: a, platform: p, route, environment: e, platformSubdomain } = fields;
        await callChannel(api, 'addresses:update', { id: state.addressId, patch: { address: a, platform: p, route, environment: e, platformSubdomain } });
        await refreshAddresses();
      }
      if (state.step === 'provider') {
        const input = secretRef.current;
        const secret = input !== null && input.value !== '' ? new OneTimeSecret(input.value) : undefined;
        // The field is emptied now: the secret is never in React state nor, after this, in the page.
        if (input !== null) input.value = '';
        setSecretTyped(false);
        const saved = await saveServer(fields, secret);
        await refreshAddresses();
        const savedAction: WizardAction = { type: 'secret-saved', addressId: saved.id };
        dispatch(savedAction);
        if (saved.secret.stored !== true) {
          refuse({ secret: 'The server changed, so the stored secret was removed (it belonged to the old server). Type it again.' });
          return;
        }
        // The draft saved with the next step must already point at the address holding the secret.
        go({ type: 'next', context: { ...context, secretTyped: true } }, wizardReducer(state, savedAction));
        return;
      }
      go({ type: 'next', context });
    } catch (error) {
      const appError = toChannelError(error).appError;
      if (appError.code === 'not-found' && state.addressId !== null) {
        // The in-progress address was removed elsewhere: forget it. Steps 1 and 2 go on
        // (the address is made again with the secret at step 3); step 3 asks for the secret.
        const lost = wizardReducer(state, { type: 'secret-lost' });
        dispatch({ type: 'secret-lost' });
        if (state.step === 'platform' || state.step === 'address') go({ type: 'next', context }, lost);
        else refuse(lost.errors);
        return;
      }
      const byField = errorsOfIssues(appError);
      if (Object.keys(byField).length > 0) refuse(byField);
      else setActionError({ title: 'This step was not saved', error: appError });
    } finally {
      setBusy(false);
    }
  };

  /** Creates the in-progress address with its secret (straight to the keychain), or updates it. */
  const saveServer = async (fields: ReturnType<typeof addressFieldsOf>, secret: OneTimeSecret | undefined): Promise<AddressView> => {
    // The in-progress address may have been deleted from the Addresses view meanwhile.
    const id = addresses.data !== undefined && inProgress === undefined ? null : state.addressId;
    if (id === null) {
      const value = secret?.take();
      if (value === undefined) throw new ChannelError({ code: 'invalid-input', message: 'Type the secret.', details: { issues: [{ path: 'secret', message: 'Type the password: it goes straight to the OS keychain.' }] } });
      return callChannel(api, 'addresses:create', { fields, secret: value, setup: 'in-progress' });
    }
    const { host, port, security, username, authKind, provider } = fields;
    let view = await callChannel(api, 'addresses:update', { id, patch: { host, port, security, username, authKind, provider } });
    const value = secret?.take();
    if (value !== undefined) {
      const secretState = await callChannel(api, 'vault:set-secret', { addressId: id, secret: value });
      view = { ...view, secret: secretState };
    }
    return view;
  };

  const finish = async () => {
    if (state.addressId === null) return;
    setActionError(null);
    setBusy(true);
    saveDraftTimer.cancel();
    try {
      await callChannel(api, 'addresses:complete-setup', {
        id: state.addressId,
        proceedReason: proceedReasonsOf(state),
      });
      // The first status check starts now, in the background, so the Status view does not
      // say "Never checked"; a "too soon" (or any) refusal is left to the Status view's schedule.
      void callChannel(api, 'verification:recheck', { operationId: `wizard-${crypto.randomUUID()}`, addressId: state.addressId }).catch(() => undefined);
      // The draft is done with; discarding it never removes a finished address.
      draftClosed.current = true;
      await callChannel(api, 'wizard:discard-draft', {});
      await refreshAddresses();
      openRoute('addresses');
    } catch (error) {
      setActionError({ title: 'The address was not saved', error: toChannelError(error).appError });
    } finally {
      setBusy(false);
    }
  };

  const header = (
    <ViewHeader
      title="Connect an address"
      description="Connect a company address to your platform's authenticated SMTP connector, proving each step before you paste anything into the platform. Secrets go straight to the OS keychain."
    />
  );

  if (phase.kind === 'loading') {
    return (
      <>
        {header}
        <Loading label="Looking for an unfinished setup…" />
      </>
    );
  }
  if (phase.kind === 'load-failed') {
    return (
      <>
        {header}
        <ErrorBar error={phase.error} title="Your unfinished setup could not be read" />
      </>
    );
  }
  if (phase.kind === 'offer') {
    const who = phase.draft.address.trim();
    return (
      <>
        {header}
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{who === '' ? 'Resume your unfinished setup' : `Resume your unfinished setup of ${who}`}</MessageBarTitle>
            You stopped at step {stepIndex(phase.draft.step) + 1} of {wizardSteps.length}, {stepTitles[phase.draft.step]}. Start over forgets it
            {phase.draft.addressId === null ? '.' : ' and removes the secret it stored in the OS keychain.'}
          </MessageBarBody>
          <MessageBarActions>
            <Button appearance="primary" onClick={() => resume(phase.draft)}>
              Resume
            </Button>
            <Button onClick={() => void startOver()} disabledFocusable={busy}>
              Start over
            </Button>
          </MessageBarActions>
        </MessageBar>
        {actionError === null ? null : <ErrorBar error={actionError.error} title={actionError.title} />}
      </>
    );
  }

  const index = stepIndex(state.step);
  const stepProps: StepProps = {
    state,
    dispatch,
    platform,
    platforms: platforms.data ?? [],
    address: inProgress,
    headingLevel: 3,
  };
  const last = state.step === 'summary';

  return (
    <>
      {header}
      {identityFlow && platform !== undefined && connectsIdentity(platform) ? (
        <SesWizard platform={platform} onExit={() => setIdentityFlow(false)} onSaved={closeDraft} />
      ) : (
      <div className={styles.view}>
        {/* Zuora advanced SMTP has its own steps after this one: its pills, not the credential steps. */}
        {connectsIdentity(platform) ? <StepPills pills={sesStepPills(0, { kind: null })} /> : <StepList state={state} />}
        {platforms.error === null ? null : <ErrorBar error={platforms.error.appError} title="The platform list could not be loaded" />}
        <section className={styles.step} aria-labelledby="wizard-step-title" data-wizard-step={state.step} onKeyDown={(event) => {
            if (!busy && submitsStep(event)) {
              event.preventDefault();
              if (last) void finish();
              else proceed();
            }
          }}>
          <h2 className={styles.heading} id="wizard-step-title" tabIndex={-1} ref={headingRef}>
            <span className={styles.eyebrow}>
              Step {index + 1} of {connectsIdentity(platform) ? SES_STEP_COUNT : wizardSteps.length}
            </span>
            {stepTitles[state.step]}
          </h2>
          <StepBody {...stepProps} secretRef={secretRef} onSecretPresence={setSecretTyped} />
          {actionError === null ? null : <ErrorBar error={actionError.error} title={actionError.title} />}
          <div className={styles.nav}>
            {/* On step 1 there is nothing to go back to: disabled and out of the tab order. While saving it stays focusable, so focus does not drop. */}
            <Button onClick={() => go({ type: 'back' })} disabled={index === 0} disabledFocusable={index > 0 && busy}>
              Back
            </Button>
            <span className={styles.spacer} />
            {last ? (
              <Button appearance="primary" onClick={() => void finish()} disabledFocusable={busy || state.addressId === null}>
                {busy ? 'Saving…' : 'Finish'}
              </Button>
            ) : (
              <Button appearance="primary" onClick={proceed} disabledFocusable={busy}>
                {busy ? 'Saving…' : 'Next'}
              </Button>
            )}
          </div>
        </section>
      </div>
      )}
    </>
  );
}

/** Text-like inputs where Enter means "done with this dialog", as in an OS dialog. */
const submittingTypes = new Set(['text', 'email', 'password', 'number', 'search', 'tel', 'url', '']);

/**
 * Enter in a text field of the step presses Next (Finish on the last step). Not in a
 * textarea (Enter is a new line), not while an input method composes, not with a
 * modifier, and not in a field of a form of its own inside the step (the verification
 * email's recipient, the connection test): Enter there submits that form.
 */
function submitsStep(event: KeyboardEvent<HTMLElement>): boolean {
  if (event.key !== 'Enter' || event.nativeEvent.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return false;
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return false;
  if (!submittingTypes.has(target.getAttribute('type')?.toLowerCase() ?? '')) return false;
  return target.form === null && target.closest('[data-own-enter]') === null;
}

/**
 * Focus the first field marked invalid in `root`, else the first error the step shows
 * without a field (`data-wizard-error`). A radio group is marked on its group: focus its
 * checked (or first) radio, as Tab would.
 */
function focusFirstInvalid(root: HTMLElement | null): void {
  const marked = root?.querySelector<HTMLElement>('[aria-invalid="true"], [data-wizard-error]');
  if (marked === null || marked === undefined) return;
  const focusable = marked.matches('input, select, textarea, button')
    ? marked
    : (marked.querySelector<HTMLElement>('input:checked') ?? marked.querySelector<HTMLElement>('input, select, textarea, button') ?? marked);
  if (focusable === marked && !marked.matches('input, select, textarea, button') && !marked.hasAttribute('tabindex')) marked.setAttribute('tabindex', '-1');
  focusable.focus();
  focusable.scrollIntoView({ block: 'center' });
}

/** Runs `run` once, `ms` after the last `schedule()`; `cancel()` drops a pending run. Stable across renders. */
function useDebounced(run: () => void, ms: number): { readonly schedule: () => void; readonly cancel: () => void } {
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  }, [run]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [handle] = useState(() => ({
    schedule: () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        runRef.current();
      }, ms);
    },
    cancel: () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    },
  }));
  // Leaving the view saves what was typed rather than dropping it.
  useEffect(
    () => () => {
      if (timer.current !== null) {
        clearTimeout(timer.current);
        timer.current = null;
        runRef.current();
      }
    },
    [],
  );
  return handle;
}

interface StepBodyProps extends StepProps {
  readonly secretRef: RefObject<HTMLInputElement | null>;
  readonly onSecretPresence: (present: boolean) => void;
}

function StepBody({ secretRef, onSecretPresence, ...props }: StepBodyProps) {
  switch (props.state.step) {
    case 'platform':
      return <PlatformStep {...props} />;
    case 'address':
      return <AddressStep {...props} />;
    case 'provider':
      return <ProviderStep {...props} secretRef={secretRef} onSecretPresence={onSecretPresence} />;
    case 'test':
      return <TestStep {...props} />;
    case 'forwarding':
      return <ForwardingStep {...props} />;
    case 'dns':
      return <DnsStep {...props} />;
    case 'verify':
      return <VerifyStep {...props} />;
    case 'summary':
      return <SummaryStep {...props} />;
  }
}
