import { Field, Link, makeStyles, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import type { Environment, PlatformId } from '../../../../src-preload/contract';
import type { Platform, PlatformDkimSelector, PlatformRoute, RouteId } from '../../../../src-preload/contract/providers';
import type { StepProps } from './wizard-labels';
import { chosenRoute, connectsIdentity } from './wizard-state';
import { PlatformPrerequisites } from './platform-prerequisites';
import { platformEnvironments } from '../../../../src-preload/contract/platform-ses';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72ch' },
  facts: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, margin: 0, color: tokens.colorNeutralForeground2 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  // Terms wrap at 14rem; values keep at least 24 characters and wrap long names anywhere.
  terms: { display: 'grid', gridTemplateColumns: 'fit-content(14rem) minmax(24ch, 1fr)', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground1 },
  detail: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  lines: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  routes: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  // Under the radio's label, past its circle.
  routeSummary: { display: 'block', paddingLeft: `calc(${tokens.spacingHorizontalS} + 16px + ${tokens.spacingHorizontalS})`, color: tokens.colorNeutralForeground2 },
});

/** `zendesk1._domainkey.<your domain>` CNAME → the full target, or where it comes from; SES-style tokens: "3 token CNAMEs". */
function dkimText(platform: Platform): string | null {
  const { dkim } = platform;
  if (dkim.mode === 'none') return null;
  if (dkim.mode === 'token-cname') return `${dkim.tokenCount ?? 3} token CNAMEs the platform shows you (per tenant)`;
  return dkim.selectors.map(selectorText).join('\n');
}

function selectorText(s: PlatformDkimSelector): string {
  const name = s.selector === undefined ? 'a per-tenant selector' : `${s.selector}._domainkey.<your domain>`;
  const target =
    s.target?.replaceAll('{token}', s.selector ?? '<token>').replaceAll('{domain}', '<your domain>') ??
    (s.targetSuffix === undefined ? null : `the name the platform shows you, ending in .${s.targetSuffix}`);
  return `${name} ${s.type}${target === null ? '' : ` → ${target}`}`;
}

/** What the platform asks of the admin's domain and mail server, from resources/platforms. */
function PlatformFacts({ platform, route }: { readonly platform: Platform; readonly route: PlatformRoute | null }) {
  const styles = useStyles();
  const dkim = dkimText(platform);
  const name = platform.name;
  // On a route where the relay sends, the platform's include is beside the point: say so rather than list it as a must.
  const includesNeeded = route === null || route.spf.includes === 'required';
  return (
    <dl className={styles.terms} aria-label={`What ${name} needs`}>
      <dt className={styles.term}>SPF include</dt>
      <dd className={styles.detail}>
        {platform.spf.requiredIncludes.length === 0 ? (
          'None required by the platform; your own server must be in your SPF record.'
        ) : (
          <span className={styles.lines}>
            <span className={styles.mono}>{platform.spf.requiredIncludes.map((i) => `include:${i}`).join(' ')}</span>
            {includesNeeded ? null : <span>Not needed on this route. {route.spf.why}</span>}
          </span>
        )}
      </dd>
      <dt className={styles.term}>DKIM</dt>
      <dd className={styles.detail}>
        {dkim === null || dkim === '' ? (
          'The platform does not sign; your own server should (d=your domain).'
        ) : (
          <span className={styles.lines}>
            {dkim.split('\n').map((line) => (
              <span key={line} className={styles.mono}>
                {line}
              </span>
            ))}
            {platform.dkim.note === undefined ? null : <span>{platform.dkim.note}</span>}
            {route === null ? null : <span>{route.dkim.why}</span>}
          </span>
        )}
      </dd>
      <dt className={styles.term}>Forwarding</dt>
      <dd className={styles.detail}>
        {platform.forwarding === null ? (
          'Outbound only: nothing to forward.'
        ) : (
          <>
            <span className={styles.mono}>{platform.forwarding.addressPattern}</span>
            {platform.forwarding.singleHopOnly ? ' (forward once, directly)' : ''}
          </>
        )}
      </dd>
      {platform.headersToPersist === null ? null : (
        <>
          <dt className={styles.term}>Headers your server must keep</dt>
          <dd className={styles.detail}>
            <span className={styles.mono}>{platform.headersToPersist.headers.join(', ')}</span>
            {platform.headersToPersist.note === undefined ? null : <> — {platform.headersToPersist.note}</>}
          </dd>
        </>
      )}
      {platform.docs.length === 0 ? null : (
        <>
          <dt className={styles.term}>Documentation</dt>
          <dd className={styles.detail}>
            <ul className={styles.list}>
              {platform.docs.map((doc) => (
                <li key={doc.url}>
                  <Link href={doc.url} target="_blank" rel="noreferrer">
                    {doc.title}
                  </Link>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}

function fieldState(message: string | undefined) {
  return message === undefined ? {} : { validationState: 'error' as const, validationMessage: message };
}

/** Step 1: which connector, and sandbox or production. */
export function PlatformStep({ state, dispatch, platform, platforms }: StepProps) {
  const styles = useStyles();
  const route = chosenRoute(state, platform);
  return (
    <div className={styles.root}>
      <Field label="Platform" required {...fieldState(state.errors.platform)}>
        <RadioGroup value={state.platform ?? ''} onChange={(_e, d) => dispatch({ type: 'set-platform', platform: d.value as PlatformId })}>
          {platforms.map((p) => (
            <Radio key={p.id} value={p.id} label={p.name} />
          ))}
        </RadioGroup>
      </Field>
      {platform === undefined ? null : (
        <div className={styles.facts}>
          <Text>{platform.summary}</Text>
          {platform.limits.length === 0 ? null : (
            <ul className={styles.list} aria-label={`${platform.name} limits`}>
              {platform.limits.map((limit) => (
                <li key={limit.key}>
                  {limit.description}: {limit.value}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {platform === undefined || platform.routes.length < 2 || route === null ? null : (
        <RouteChoice platform={platform} route={route} onChange={(id) => dispatch({ type: 'set-route', route: id })} error={state.errors.route} />
      )}
      {connectsIdentity(platform) ? (
        <Text as="p" className={styles.facts} data-testid="ses-no-credentials">
          No SMTP server, password or connection test: {platform?.shortName ?? 'the platform'} sends from its own Amazon SES account. Next asks for the identity it may send
          as (an address or a domain) and its {platform?.shortName ?? ''} environment.
        </Text>
      ) : (
        <Field
          label="Environment"
          required
          hint="Test in a sandbox first, then delete the address there before adding it to production: the same address must never be in both."
          {...fieldState(state.errors.environment)}
        >
          <RadioGroup value={state.environment ?? ''} onChange={(_e, d) => dispatch({ type: 'set-environment', environment: d.value as Environment })}>
            {/* As the platform names them (Zuora: four, each sandbox by its own name); absent from the data: sandbox and production. */}
            {(platform === undefined ? DEFAULT_CHOICES : [...platformEnvironments(platform)].sort(sandboxesFirst)).map((environment) => (
              <Radio key={environment.id} value={environment.id} label={environment.label} />
            ))}
          </RadioGroup>
        </Field>
      )}
      {platform === undefined ? null : (
        <PlatformPrerequisites
          platform={platform}
          route={route}
          ticked={state.prerequisites}
          onTick={(id, done) => dispatch({ type: 'set-prerequisite', id, done })}
          subdomain={state.platformSubdomain}
        />
      )}
      {/* The platform's facts and documentation links come after the choices, so Tab goes from one choice to the next. */}
      {platform === undefined ? null : (
        <div className={styles.facts}>
          <PlatformFacts platform={platform} route={route} />
        </div>
      )}
    </div>
  );
}

/** "How does Zendesk send?": the platform's sending routes, each with who does the final sending; the default comes chosen. */
function RouteChoice({ platform, route, onChange, error }: { readonly platform: Platform; readonly route: PlatformRoute; readonly onChange: (route: RouteId) => void; readonly error: string | undefined }) {
  const styles = useStyles();
  const baseId = useId();
  return (
    <Field
      label={`How does ${platform.shortName} send your mail?`}
      required
      hint="This decides which DNS records the checks require: the server that does the final sending must be authorised."
      {...fieldState(error)}
    >
      <RadioGroup value={route.id} onChange={(_e, d) => onChange(d.value as RouteId)} className={styles.routes}>
        {platform.routes.map((r) => (
          <div key={r.id}>
            <Radio value={r.id} label={`${r.label}${r.default ? ' (usual)' : ''}`} input={{ 'aria-describedby': `${baseId}-${r.id}` }} />
            <Text size={200} id={`${baseId}-${r.id}`} className={styles.routeSummary}>
              {r.summary}
            </Text>
          </div>
        ))}
      </RadioGroup>
    </Field>
  );
}

const DEFAULT_CHOICES: readonly { readonly id: Environment; readonly label: string }[] = [
  { id: 'sandbox', label: 'Sandbox' },
  { id: 'production', label: 'Production' },
];

/** Sandboxes before production, as the advice above says to test there first; otherwise the platform's order. */
function sandboxesFirst(a: { readonly id: Environment }, b: { readonly id: Environment }): number {
  return Number(a.id === 'production') - Number(b.id === 'production');
}
