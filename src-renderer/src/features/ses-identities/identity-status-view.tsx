import { Button, Link, makeStyles, Radio, RadioGroup, Field, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { Platform } from '../../../../src-preload/contract/providers';
import {
  identityDomain,
  identityVerificationAdvice,
  SES_PLATFORM_ID,
  sesVerificationStates,
  sesRulesOf,
  type SesIdentity,
  type SesVerificationState,
  type VerificationAdvice,
} from '../../../../src-preload/contract/ses-identities';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { Loading } from '../../ui/loading';
import { LocalTime } from '../../ui/local-time';
import { ViewHeader } from '../../ui/view-header';
import { useCardStyles } from '../connection-test/card-styles';
import { formatDuration } from '../status/status-format';
import { useFocusTitleWhen, useNow, type MoveFocus } from '../status/use-verification';
import { WindowTimeline } from '../status/window-timeline';
import { IdentityRecords } from './identity-records';
import { coverageSentence, groupOf, kindLabels, listWords, zuoraStateLabels } from './ses-words';
import { SimulatorList } from './simulator-list';
import { TokenFields } from './token-fields';
import { ZuoraStateChip } from './zuora-state-chip';

const useStyles = makeStyles({
  summary: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  records: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  ok: { color: tokens.colorPaletteGreenForeground1, fontWeight: tokens.fontWeightSemibold },
  bad: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

/** `#/status?identity=<id>`: one Zuora advanced SMTP identity. */
export function IdentityStatusView({ identityId, moveFocus }: { readonly identityId: string; readonly moveFocus: MoveFocus }) {
  const list = useChannelQuery('ses-identities:list', {});
  const platforms = useChannelQuery('platforms:list', {});
  const identity = list.data?.find((i) => i.id === identityId);
  const platform = platforms.data?.find((p) => p.id === SES_PLATFORM_ID);
  useFocusTitleWhen(identity !== undefined && platform !== undefined, moveFocus);
  if (identity === undefined || platform === undefined) {
    const gone = list.data !== undefined && identity === undefined;
    return (
      <>
        <ViewHeader title="Status" description={<Link href={routeHref('status')}>All addresses</Link>} />
        {list.error !== null ? (
          <ErrorBar error={list.error.appError} title="The identities could not be read" />
        ) : gone ? (
          <Text>This identity is not saved here (it may have been removed). Connect it again from Connect an address.</Text>
        ) : (
          <Loading label="Reading the identity…" />
        )}
      </>
    );
  }
  return <IdentityStatusBody identity={identity} platform={platform} />;
}

/** The advice with its deadline shown as every time on the page is (local, UTC on hover), not in the CLI's UTC words. */
function AdviceText({ advice }: { readonly advice: VerificationAdvice }) {
  const at = advice.deadlineText === null || advice.deadline === null ? -1 : advice.message.indexOf(advice.deadlineText);
  if (at < 0 || advice.deadlineText === null || advice.deadline === null) return <>{advice.message}</>;
  return (
    <>
      {advice.message.slice(0, at)}
      <LocalTime iso={advice.deadline} />
      {advice.message.slice(at + advice.deadlineText.length)}
    </>
  );
}

function IdentityStatusBody({ identity, platform }: { readonly identity: SesIdentity; readonly platform: Platform }) {
  const styles = useStyles();
  const card = useCardStyles();
  const now = useNow(15_000);
  const rules = sesRulesOf(platform);
  const windows = { pendingMaxHours: platform.ses?.pendingMaxHours ?? 72, emailLinkHours: platform.ses?.emailLinkHours ?? 24 };
  const advice = identityVerificationAdvice(identity, now, windows);
  const group = groupOf(rules.environments, identity.environment);
  const environment = group[0];
  const shared = group.slice(1);
  const domain = identityDomain(identity);
  const [status, setStatus] = useState<string | null>(null);

  const record = useChannelMutation('ses-identities:record-verification', { invalidates: ['ses-identities:list'] });
  const [chosen, setChosen] = useState<SesVerificationState>(identity.verification.state);
  const update = useChannelMutation('ses-identities:update', { invalidates: ['ses-identities:list'] });
  const [tokens, setTokens] = useState<readonly string[]>(['', '', '']);
  const [tokenError, setTokenError] = useState<string | undefined>(undefined);

  const dns = useChannelMutation('ses-identities:check-dns');
  const checkDns = dns.mutate;
  const hasTokens = identity.kind === 'domain' && identity.dkimTokens.length > 0;
  // What DNS shows, once on opening (and again after the tokens change): Amazon SES looks for the same.
  const checkedFor = useRef<string | null>(null);
  const tokenKey = identity.dkimTokens.join(',');
  useEffect(() => {
    if (!hasTokens || checkedFor.current === tokenKey) return;
    checkedFor.current = tokenKey;
    checkDns({ id: identity.id, dnsServers: [] });
  }, [hasTokens, tokenKey, identity.id, checkDns]);

  const saveState = () =>
    record.mutate(
      { id: identity.id, state: chosen },
      { onSuccess: (saved) => setStatus(`Recorded: Zuora shows ${zuoraStateLabels[saved.verification.state]} for ${saved.value}.`) },
    );
  const linkResent = () =>
    record.mutate(
      { id: identity.id, state: 'pending', linkSentAt: new Date().toISOString() },
      { onSuccess: () => setStatus(`Recorded: a new verification link went to ${identity.value}; it is valid for ${windows.emailLinkHours} hours from now.`) },
    );
  const saveTokens = () => {
    setTokenError(undefined);
    update.mutate({ id: identity.id, patch: { dkimTokens: [...tokens] } }, { onSuccess: () => setStatus('The three DKIM tokens are saved.') });
  };

  const windowStart = identity.kind === 'email' ? (identity.verification.linkSentAt ?? identity.verification.since) : identity.verification.since;
  const left = advice.deadline === null ? null : Date.parse(advice.deadline) - now.getTime();
  const readiness = dns.data;

  return (
    <>
      <ViewHeader
        title={`Status of ${identity.value}`}
        description={
          <span className={styles.summary}>
            <span>
              {platform.name} · {kindLabels[identity.kind]} · {environment?.label ?? identity.environment}
              {shared.length === 0 ? '' : ` (shares its verification with ${listWords(shared.map((e) => e.label))})`} · added <LocalTime iso={identity.createdAt} />
            </span>
            <Link href={routeHref('status')}>All addresses</Link>
          </span>
        }
      />
      <LiveStatus message={status} />

      <section className={card.card} aria-labelledby="zuora-state-heading" data-testid="ses-verdict" data-zuora-state={identity.verification.state} data-action={advice.action}>
        {/* Zuora's word is said once, by the chip; the heading around it says whose word it is. */}
        <h2 id="zuora-state-heading" className={card.heading}>
          What Zuora shows: <ZuoraStateChip state={identity.verification.state} overdue={advice.overdue} />
        </h2>
        <Text as="p" className={card.paragraph} data-testid="ses-advice">
          <AdviceText advice={advice} />
        </Text>
        <Text as="p" size={200} className={card.secondary}>
          Since <LocalTime iso={identity.verification.since} />
          {identity.verification.checkedAt === null ? ' · never recorded from Zuora' : <> · last recorded <LocalTime iso={identity.verification.checkedAt} /></>}.
        </Text>
        {advice.deadline === null || left === null ? null : (
          <div data-testid="ses-window">
            <Text as="p" className={card.paragraph}>
              {identity.kind === 'email'
                ? left > 0
                  ? `The verification link expires in ${formatDuration(left)}.`
                  : 'The verification link has expired.'
                : left > 0
                  ? `Zuora's ${windows.pendingMaxHours}-hour window: ${formatDuration(left)} left.`
                  : `Zuora's ${windows.pendingMaxHours}-hour window is over.`}
            </Text>
            <WindowTimeline startAt={windowStart} deadlineAt={advice.deadline} now={now} />
          </div>
        )}
      </section>

      <section className={card.card} aria-labelledby="record-state-heading">
        <h2 id="record-state-heading" className={card.heading}>
          Record what Zuora shows
        </h2>
        <Text as="p" className={card.paragraph}>
          Relayproof cannot ask Zuora. Look at the Verification Status column of the Identities table (Platform &gt; Events &amp; Notifications &gt; Settings &gt; Email
          Settings &gt; Advanced SMTP) and record it here: the advice and the window above follow it.
        </Text>
        <Field label="Zuora's Verification Status">
          <RadioGroup value={chosen} onChange={(_e, d) => setChosen(d.value as SesVerificationState)} layout="horizontal">
            {sesVerificationStates.map((state) => (
              <Radio key={state} value={state} label={zuoraStateLabels[state]} />
            ))}
          </RadioGroup>
        </Field>
        <div className={card.actions}>
          <Button appearance="primary" onClick={saveState} disabledFocusable={record.isPending}>
            Save the state
          </Button>
          {identity.kind === 'email' ? (
            <Button onClick={linkResent} disabledFocusable={record.isPending}>
              Zuora sent a new verification link
            </Button>
          ) : null}
        </div>
        {record.error === null ? null : <ErrorBar error={record.error.appError} title="The state was not recorded" />}
      </section>

      {identity.kind === 'domain' ? (
        <section className={card.card} aria-labelledby="dns-ready-heading" data-testid="ses-dns-readiness" data-ready={readiness === undefined ? 'unknown' : String(readiness.ready)}>
          <h2 id="dns-ready-heading" className={card.heading}>
            DNS: the three CNAMEs Amazon SES looks for
          </h2>
          {!hasTokens ? (
            <>
              <Text as="p" className={card.paragraph}>
                No DKIM tokens are saved for {identity.value} yet. Enter the three Zuora shows under View in the DKIM Status column.
              </Text>
              <TokenFields values={tokens} domain={domain} targetPattern={platform.ses?.dkimCname.target ?? '{token}'} error={tokenError ?? update.error?.appError.message} onChange={setTokens} onRefused={setTokenError} disabled={update.isPending} />
              <div className={card.actions}>
                <Button appearance="primary" onClick={saveTokens} disabledFocusable={update.isPending}>
                  Save the tokens
                </Button>
              </div>
            </>
          ) : (
            <>
              <Text as="p" className={card.paragraph} role="status" aria-live="polite" data-testid="ses-dns-verdict">
                {dns.isPending ? (
                  'Looking up the three CNAMEs…'
                ) : readiness === undefined ? (
                  ''
                ) : readiness.ready ? (
                  <>
                    <span className={styles.ok}>DNS ready:</span> all three CNAMEs resolve to Amazon SES, which is what it checks.
                    {identity.verification.state === 'pending' ? ' Zuora should show Success soon: record it above when it does.' : ''}
                  </>
                ) : (
                  <>
                    <span className={styles.bad}>Not ready:</span> {readiness.notChecked ?? `${readiness.records.filter((r) => !r.ok).length} of ${readiness.records.length} CNAMEs do not resolve to their targets yet.`}
                  </>
                )}
              </Text>
              {readiness === undefined ? null : (
                <ul className={styles.records}>
                  {readiness.records.map((r) => (
                    <li key={r.name} data-cname-ok={String(r.ok)}>
                      {r.ok || r.problem === null ? (
                        <>
                          {r.ok ? '✓' : '✕'} <span className={styles.mono}>{r.name}</span> → <span className={styles.mono}>{r.target}</span>
                          {r.ok ? '' : ': not found'}
                        </>
                      ) : (
                        <>✕ {r.problem}</>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {readiness === undefined ? null : (
                <Text as="p" size={200} className={card.secondary}>
                  Looked up <LocalTime iso={readiness.checkedAt} />.
                </Text>
              )}
              <div className={card.actions}>
                <Button onClick={() => checkDns({ id: identity.id, dnsServers: [] })} disabledFocusable={dns.isPending}>
                  Check DNS again
                </Button>
              </div>
              {dns.error === null ? null : <ErrorBar error={dns.error.appError} title="DNS could not be checked" />}
            </>
          )}
        </section>
      ) : null}

      <section className={card.card} aria-labelledby="records-heading">
        <h2 id="records-heading" className={card.heading}>
          Records to publish
        </h2>
        <IdentityRecords
          platform={platform}
          kind={identity.kind}
          domain={domain}
          dkimTokens={identity.dkimTokens}
          servesLabel={listWords(group.map((e) => e.label))}
        />
      </section>

      <section className={card.card} aria-labelledby="covered-heading">
        <h2 id="covered-heading" className={card.heading}>
          Which From addresses this covers
        </h2>
        <Text as="p" className={card.paragraph} data-testid="ses-covered">
          {coverageSentence(identity.kind, identity.value)}
          {identity.verification.state === 'success' ? '' : ' Only once Zuora shows Success: Zuora sends only from verified identities.'}
        </Text>
      </section>

      <SimulatorList platform={platform} />
    </>
  );
}
