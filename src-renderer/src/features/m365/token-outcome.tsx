import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import type { TokenCheck, TokenOutcome } from '../../../../src-preload/contract/m365-schemas';
import { assertNever } from '../../app/assert-never';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  checks: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  muted: { color: tokens.colorNeutralForeground2 },
});

const checkWords = { pass: 'OK', warn: 'Warning', fail: 'Problem', skipped: 'Not checked' } as const satisfies Record<TokenCheck['outcome'], string>;

function glyph(outcome: TokenCheck['outcome']): string {
  switch (outcome) {
    case 'pass':
      return '✓';
    case 'warn':
      return '!';
    case 'fail':
      return '✕';
    case 'skipped':
      return '–';
    default:
      return assertNever(outcome);
  }
}

/** A token as its own claims describe it (decoded in main), or why none was issued. Never the token. */
export function TokenOutcomeView({ outcome, heading }: { readonly outcome: TokenOutcome; readonly heading: string }) {
  const styles = useStyles();
  if (outcome.status === 'refused') {
    const f = outcome.failure;
    return (
      <MessageBar intent="error" layout="multiline" data-testid="m365-token-outcome" data-status="refused">
        <MessageBarBody>
          <MessageBarTitle>
            No token: {f.title}
            {f.aadsts === null ? '' : ` (${f.aadsts})`}
          </MessageBarTitle>
          {f.explanation}
          {f.steps.length === 0 ? null : (
            <ol>
              {f.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          )}
          {f.detail === null ? null : <Text as="p">Microsoft Entra said: {f.detail}</Text>}
          {f.correlationId === null ? null : <Text as="p">Correlation ID: {f.correlationId}</Text>}
        </MessageBarBody>
      </MessageBar>
    );
  }
  const e = outcome.explanation;
  return (
    <section className={styles.card} aria-label={heading} data-testid="m365-token-outcome" data-status="acquired" data-usable={e.usable}>
      <MessageBar intent={e.usable ? 'success' : 'error'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{e.usable ? 'Token usable for SMTP AUTH (XOAUTH2)' : 'Token issued, but Exchange Online will refuse it'}</MessageBarTitle>
          {e.usable ? 'It is held in Relayproof’s memory for this address until it expires; it is never shown or saved.' : e.problems.join(' ')}
        </MessageBarBody>
      </MessageBar>
      <dl className={styles.facts}>
        <dt className={styles.term}>Kind</dt>
        <dd className={styles.value}>{e.kind === 'app-only' ? 'App-only (client credentials)' : e.kind === 'delegated' ? `Delegated${e.user === null ? '' : ` (${e.user})`}` : 'Unknown'}</dd>
        <dt className={styles.term}>Audience</dt>
        <dd className={styles.value}>{e.audience ?? 'none'}</dd>
        <dt className={styles.term}>Tenant</dt>
        <dd className={styles.value}>{e.tenantId ?? 'none'}</dd>
        <dt className={styles.term}>App</dt>
        <dd className={styles.value}>{[e.appName, e.appId].filter((v) => v !== null).join(' · ') || 'none'}</dd>
        <dt className={styles.term}>Roles</dt>
        <dd className={styles.value}>{e.roles.length === 0 ? 'none' : e.roles.join(', ')}</dd>
        <dt className={styles.term}>Scopes</dt>
        <dd className={styles.value}>{e.scopes.length === 0 ? 'none' : e.scopes.join(' ')}</dd>
        <dt className={styles.term}>Expires</dt>
        <dd className={styles.value}>{e.expiresAt ?? 'unknown'}</dd>
      </dl>
      <ul className={styles.checks} aria-label="Token checks">
        {e.checks.map((check) => (
          <li key={check.id} data-check={check.id} data-outcome={check.outcome}>
            <span aria-hidden="true">{glyph(check.outcome)} </span>
            {checkWords[check.outcome]}: {check.message}
          </li>
        ))}
      </ul>
      <Text className={styles.muted}>{e.note}</Text>
    </section>
  );
}
