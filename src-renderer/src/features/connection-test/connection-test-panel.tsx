import type { AppError } from '../../../../src-preload/contract';
import {
  Button,
  Link,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { checkLending } from '../../../../src-preload/contract/lending';
import type { AddressView, Security } from '../../../../src-preload/contract';
import { usePlatformNaming } from '../../api/use-platforms';
import type { CertificateInfo, ConnectionReport, FailureCode } from '../../../../src-preload/contract/smtp-schemas';
import { routeHref } from '../../app/routes';
import { useQueryClient } from '@tanstack/react-query';
import { channelKey, useChannelMutation, useSettings } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { PlatformBlockers } from '../../ui/platform-blockers';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { OneTimeSecret } from '../addresses/one-time-secret';
import { CertificateCard } from './certificate-card';
import { ConnectionForm } from './connection-form';
import {
  draftFromAddress,
  emptyConnectionDraft,
  issuesOf,
  pinFor,
  pinOfFingerprint,
  requestOf,
  summaryOf,
  withoutPin,
  withPin,
  type ConnectionDraft,
  type ConnectionErrors,
  type SecretSource,
} from './connection-draft';
import { announcementOf, timelineOf, verdictOf, type RunState } from './connection-run';
import { DiagnosisCard } from './diagnosis-card';
import type { SurfaceAction } from '../../../../src-preload/contract/surface-text';
import type { HeadingLevel } from './heading';
import { PhaseTimeline } from './phase-timeline';
import { phaseLabels } from './phase-labels';
import { portsToProbe } from './probe-run';
import { ProbeResults } from './probe-results';
import { TranscriptViewer } from './transcript-viewer';
import { useConnectionRun } from './use-connection-run';
import { useProbeRun } from './use-probe-run';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  verdictText: { overflowWrap: 'anywhere' },
  result: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0, ':focus': { outlineStyle: 'none' }, ':empty': { display: 'none' } },
});


const securityWords = { starttls: 'STARTTLS', tls: 'implicit TLS', none: 'no TLS' } as const satisfies Record<Security, string>;

/** Which secret a finished test signed in with: the one stored for this address id, or a typed one (null). */
export interface ReportSource {
  readonly storedSecretOf: string | null;
}

export interface ConnectionTestPanelProps {
  /** A saved address: fills in the form, and its keychain secret can be used. */
  readonly address?: AddressView | undefined;
  /** 2 in the Connection test view; a wizard step nests it deeper. */
  readonly headingLevel?: HeadingLevel;
  /** Each finished report, with where its secret came from (the wizard moves on when one passes with the stored secret). */
  readonly onReport?: (report: ConnectionReport, run: ReportSource) => void;
}

/**
 * The connection test: form, live phase timeline, verdict, diagnosis, TLS certificate
 * and transcript, plus the port probe. Reusable: mount it with `key={address.id}` so a
 * different address starts from a fresh form.
 */
export function ConnectionTestPanel({ address, headingLevel = 2, onReport }: ConnectionTestPanelProps) {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const hidden = useVisuallyHiddenStyles();
  const [draft, setDraft] = useState<ConnectionDraft>(() => (address === undefined ? emptyConnectionDraft : draftFromAddress(address)));
  const storedFor = address !== undefined && address.secret.stored === true ? address : null;
  const [useStored, setUseStored] = useState(storedFor !== null);
  const [localErrors, setLocalErrors] = useState<ConnectionErrors>({});
  const [secretWasCleared, setSecretWasCleared] = useState(false);
  const [pinStatus, setPinStatus] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const run = useConnectionRun();
  const probe = useProbeRun();
  const settings = useSettings();
  const saveSettings = useChannelMutation('settings:update', { invalidates: ['settings:get'] });
  const { state } = run;

  const serverError = state.phase === 'failed' ? state.error : null;
  // A stored secret held back (the certificate pin changed since it was last tested): say so
  // before the test, and offer the field to type it again.
  const held = storedFor !== null && settings.data !== undefined ? checkLending(storedFor, 'smtp', settings.data).hold : null;
  const serverIssues = serverError === null ? null : issuesOf(serverError);
  const errors: ConnectionErrors = serverIssues === null ? localErrors : { ...localErrors, ...serverIssues.byField };
  const report = state.phase === 'done' ? state.report : null;

  // Put focus on the first field that was refused, so the keyboard user lands on it.
  useEffect(() => {
    if (serverError === null && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverError, localErrors]);

  // Once per report, whatever the identity of the callback the embedding view passes.
  const onReportRef = useRef(onReport);
  useEffect(() => {
    onReportRef.current = onReport;
  }, [onReport]);
  const sourceRef = useRef<ReportSource>({ storedSecretOf: null });
  useEffect(() => {
    if (report !== null) onReportRef.current?.(report, sourceRef.current);
  }, [report]);
  // A test of a saved address may have recorded its last test and re-bound its stored secret.
  const queryClient = useQueryClient();
  const savedAddress = address !== undefined;
  useEffect(() => {
    if (report !== null && savedAddress) void queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') });
  }, [report, savedAddress, queryClient]);

  /** Starts the test from the form; false when the form was refused (focus then goes to the field). */
  const startTest = (): boolean => {
    const secretInput = secretRef.current;
    const source: SecretSource =
      storedFor !== null && useStored
        ? { kind: 'stored', addressId: storedFor.id }
        : { kind: 'typed', present: (secretInput?.value ?? '') !== '', ...(address !== undefined ? { addressId: address.id } : {}) };
    const parsed = requestOf(draft, source);
    if (!parsed.ok) {
      setLocalErrors(parsed.errors);
      return false;
    }
    setLocalErrors({});
    setPinStatus(null);
    sourceRef.current = { storedSecretOf: source.kind === 'stored' ? source.addressId : null };
    // A secret that is sent goes from the field into a one-call holder and the field is
    // emptied now: it is never in React state, and after this line not in the page either.
    // One Relayproof refuses to send (no TLS on this port) stays for the retry over TLS.
    let secret: OneTimeSecret | undefined;
    if (secretInput !== null && source.kind === 'typed' && parsed.request.credentials !== null) {
      secret = new OneTimeSecret(secretInput.value);
      setSecretWasCleared(secretInput.value !== '');
      secretInput.value = '';
    } else {
      setSecretWasCleared(false);
    }
    run.start(parsed.request, parsed.send, secret);
    return true;
  };

  // "Test again" sits in the certificate card, which the new run replaces: focus goes to
  // where the new result appears (not to the page's body), and again once it is there.
  const resultRef = useRef<HTMLDivElement>(null);
  const focusResult = useRef(false);
  const showResult = () => {
    resultRef.current?.focus({ preventScroll: true });
    resultRef.current?.scrollIntoView({ block: 'start' });
  };
  const retest = () => {
    if (!startTest()) return;
    focusResult.current = true;
    requestAnimationFrame(showResult);
  };
  const finished = state.phase === 'done' || state.phase === 'failed' || state.phase === 'cancelled';
  useEffect(() => {
    if (!finished || !focusResult.current) return;
    focusResult.current = false;
    requestAnimationFrame(showResult);
  }, [finished]);

  const startProbe = () => {
    const host = draft.host.trim();
    if (host === '') {
      setLocalErrors({ host: 'Enter the SMTP server to probe.' });
      return;
    }
    const ports = portsToProbe(draft.port, draft.probePorts);
    if (!ports.ok) {
      setLocalErrors({ probePorts: ports.error });
      return;
    }
    setLocalErrors({});
    const ehlo = draft.ehloName.trim();
    probe.start(host, ports.ports, ehlo === '' ? undefined : ehlo);
  };

  const target = state.phase === 'idle' ? null : state.target;
  const pins = settings.data?.pinnedCertificates;
  // Who will refuse what Relayproof merely accepts (a pinned certificate).
  const platformName = address === undefined ? 'the SaaS platform' : platforms.shortName(address.platform);

  const trust = (certificate: CertificateInfo) => {
    if (target === null || pins === undefined) return;
    const host = target.host;
    saveSettings.mutate(
      { patch: { pinnedCertificates: withPin(pins, host, pinOfFingerprint(certificate.fingerprint256), new Date().toISOString()) } },
      {
        onSuccess: () =>
          setPinStatus(
            `Pinned: Relayproof now accepts exactly this certificate for ${host}. ${sentence(platformName)} will still not trust it. ` +
              // A new pin is a server change for a stored secret: it is held back until typed once (see the banner above).
              (address !== undefined && address.secretChangedAt !== null && address.host.toLowerCase() === host.toLowerCase()
                ? `The secret stored for ${address.address} is held back until you type it once and test against this certificate.`
                : 'Test again to continue.'),
          ),
      },
    );
  };

  const forget = () => {
    if (target === null || pins === undefined) return;
    const host = target.host;
    saveSettings.mutate(
      { patch: { pinnedCertificates: withoutPin(pins, host) } },
      { onSuccess: () => setPinStatus(`Relayproof no longer accepts that certificate for ${host}.`) },
    );
  };

  const applySecurity = (security: Security, port?: number) => {
    setDraft((d) => ({ ...d, security, ...(port === undefined ? {} : { port: String(port) }) }));
  };

  return (
    <div className={styles.panel}>
      {held === null || !useStored ? null : (
        <MessageBar intent="warning" data-lending-hold={held.reason}>
          <MessageBarBody>
            <MessageBarTitle>The stored secret is held back</MessageBarTitle>
            {held.message} {held.hint}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setUseStored(false)}>Type it again</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <ConnectionForm
        draft={draft}
        errors={errors}
        onChange={setDraft}
        storedFor={storedFor}
        useStored={useStored}
        onUseStoredChange={setUseStored}
        secretRef={secretRef}
        onSecretPresence={(present) => {
          if (present && localErrors.secret !== undefined) setLocalErrors(({ secret: _secret, ...rest }) => rest);
        }}
        running={state.phase === 'running'}
        cancelling={state.phase === 'running' && state.cancelling}
        probing={probe.state.phase === 'running'}
        onRun={() => void startTest()}
        onCancel={run.cancel}
        onProbe={startProbe}
        ehloFallback={settings.data?.ehloName ?? 'a name derived from this computer (never localhost)'}
        formRef={formRef}
      />

      {probe.state.phase === 'idle' ? null : (
        <ProbeResults state={probe.state} onCancel={probe.cancel} onUse={(port, security) => applySecurity(security, port)} headingLevel={headingLevel} />
      )}

      {/* Announces each phase result as it arrives, then the verdict. */}
      <div role="status" aria-live="polite" className={hidden.hidden} data-testid="connection-test-announcer">
        {announcementOf(state)}
      </div>

      {/* The result of the latest run: where "Test again" takes focus. */}
      <div ref={resultRef} tabIndex={-1} className={styles.result} aria-label="Connection test result" role="group" data-testid="connection-result">
        {serverError === null || serverIssues === null ? null : (
          <ErrorBar
            error={summaryOf(serverError, serverIssues)}
            title={errorTitleOf(serverError, Object.keys(serverIssues.byField).length > 0)}
            {...(secretWasCleared ? { extra: 'For safety the secret field was cleared: type the secret again.' } : {})}
          />
        )}
        {state.phase === 'cancelled' ? (
          <MessageBar intent="info">
            <MessageBarBody>The test was cancelled. Nothing was sent after that point.</MessageBarBody>
          </MessageBar>
        ) : null}
        {report === null ? null : <Verdict report={report} onSwitch={applySecurity} m365AddressId={m365GuideFor(address, report)} />}

        {state.phase === 'idle' || state.phase === 'failed' ? null : (
          <PhaseTimeline rows={timelineOf(state)} caption={captionOf(state)} headingLevel={headingLevel} />
        )}

      </div>
      {report?.diagnosis == null ? null : (
        <DiagnosisCard
          diagnosis={report.diagnosis}
          headingLevel={headingLevel}
          eyebrow="Diagnosis"
          showsFor={address?.platform}
          host={report.target.host}
          controls={new Set<SurfaceAction>(report.tls === null ? ['probe'] : ['probe', 'pin'])}
        />
      )}

      {/* What the pin actions did, for screen readers; the certificate card shows it. */}
      <div role="status" className={hidden.hidden}>
        {pinStatus ?? ''}
      </div>
      {saveSettings.error === null ? null : <ErrorBar error={saveSettings.error.appError} title="The certificate setting was not saved" />}

      {report?.tls == null || target === null ? null : (
        <CertificateCard
          tls={report.tls}
          host={target.host}
          platformName={platformName}
          pin={pins === undefined ? undefined : pinFor(pins, target.host)}
          pinning={saveSettings.isPending || pins === undefined}
          onTrust={trust}
          onForget={forget}
          onRetest={retest}
          headingLevel={headingLevel}
        />
      )}

      {report === null || report.transcript.length === 0 ? null : (
        <TranscriptViewer lines={report.transcript} host={report.target.host} startedAt={report.startedAt} headingLevel={headingLevel} />
      )}
    </div>
  );
}

function captionOf(state: Exclude<RunState, { phase: 'idle' }>): string {
  const t = state.target;
  const where = `${t.host} port ${t.port}, ${securityWords[t.security]}${t.send ? ', with a test message' : ''}`;
  return state.phase === 'done' ? `${where} · ${Math.round(state.report.ms)} ms in all` : where;
}

/** A saved address on Microsoft 365 (its preset, its host, or a Microsoft reply): the guide for it helps after a failure. */
function m365GuideFor(address: AddressView | undefined, report: ConnectionReport): string | null {
  if (address === undefined) return null;
  const microsoft = address.provider === 'microsoft-365' || /(^|\.)(office365|outlook)\.com$/iu.test(address.host) || (report.diagnosis?.m365Item ?? null) !== null;
  return microsoft ? address.id : null;
}

/** The one-sentence answer, with the switch that fixes a wrong security mode (and, for Microsoft 365, the guide for the address). */
function Verdict({ report, onSwitch, m365AddressId = null }: { readonly report: ConnectionReport; readonly onSwitch: (security: Security) => void; readonly m365AddressId?: string | null }) {
  const styles = useStyles();
  const fix = switchFor(report.failure?.code);
  // A pass the platform will not repeat (a loopback host, a pinned certificate) is never green.
  const intent = report.outcome === 'fail' ? 'error' : report.outcome === 'pass' && report.platformReady ? 'success' : 'warning';
  const title =
    report.outcome === 'fail'
      ? `Failed at ${report.failure === null ? 'an unknown phase' : phaseLabels[report.failure.phase]}`
      : report.outcome === 'warn'
        ? 'Passed with warnings'
        : report.platformReady
          ? 'Every phase passed'
          : 'Every phase passed on this computer';
  const body = report.outcome === 'fail' ? (report.failure?.message ?? verdictOf(report)) : passSentence(report);
  return (
    <>
      <PlatformBlockers blockers={report.blockers} testId="test-blockers" />
      <MessageBar intent={intent} layout="multiline" data-verdict={report.outcome}>
        <MessageBarBody className={styles.verdictText}>
          <MessageBarTitle>{title}</MessageBarTitle>
          {body}
          {report.testSend?.accepted === true ? ` Test message token: ${report.testSend.token}.` : ''}
          {report.outcome === 'fail' && m365AddressId !== null ? (
            <>
              {' '}
              <Link href={routeHref('m365', { address: m365AddressId })} data-testid="m365-guide-link">
                Open the Microsoft 365 guide for this address
              </Link>
            </>
          ) : null}
        </MessageBarBody>
        {fix === null ? null : (
          <MessageBarActions>
            <Button size="small" onClick={() => onSwitch(fix.security)}>
              {fix.label}
            </Button>
          </MessageBarActions>
        )}
      </MessageBar>
    </>
  );
}

/** What a passing test proved, in one sentence; warnings named after it. */
function passSentence(report: ConnectionReport): string {
  const { host, username, from } = report.target;
  const seconds = `${Math.round(report.ms)} ms`;
  const proved =
    report.auth?.accepted === true && username !== null
      ? `${host} accepted the sign-in as ${username}${report.sendAs?.accepted === true && from !== null ? ` and sending as ${from}` : ''}`
      : `${host} answered every phase (no sign-in was tested)`;
  const warned = report.phases.filter((p) => p.outcome === 'warn').map((p) => phaseLabels[p.name]);
  const warnings = warned.length === 0 ? '' : ` Read the warning${warned.length === 1 ? '' : 's'} at ${warned.join(', ')} in the phases below.`;
  return `${proved}, in ${seconds}.${warnings}`;
}

function switchFor(code: FailureCode | undefined): { readonly security: Security; readonly label: string } | null {
  switch (code) {
    case 'port-expects-starttls':
      return { security: 'starttls', label: 'Switch to STARTTLS' };
    case 'port-expects-implicit-tls':
      return { security: 'tls', label: 'Switch to implicit TLS' };
    default:
      return null;
  }
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The heading over a test that did not run. A stored secret held back (a pin or the server
 * changed since it was saved) is not a failure of the test: the heading says what Relayproof
 * withheld, and the message and hint below say why and what to type.
 */
export function errorTitleOf(error: AppError, fieldsFlagged: boolean): string {
  if (fieldsFlagged) return 'Check the highlighted fields';
  if (error.code === 'conflict' && typeof error.details?.['lending'] === 'string') {
    return error.details['purpose'] === 'oauth' ? 'The held OAuth 2.0 token was not sent' : 'The stored secret was not sent';
  }
  return 'The test could not run';
}
