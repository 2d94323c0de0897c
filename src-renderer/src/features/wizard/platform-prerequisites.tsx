import { Checkbox, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import { Fragment, useId } from 'react';
import type { Platform, PlatformRoute } from '../../../../src-preload/contract/providers';

const useStyles = makeStyles({
  root: { maxWidth: '72ch' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalS },
  summary: { cursor: 'pointer', width: 'fit-content', fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  fieldset: { border: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  legend: { padding: 0, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, marginBottom: tokens.spacingVerticalXS },
  intro: { margin: 0, color: tokens.colorNeutralForeground2 },
  // Under the checkbox's label, past its box.
  detail: { display: 'block', paddingLeft: `calc(${tokens.spacingHorizontalS} + 16px + ${tokens.spacingHorizontalS})`, color: tokens.colorNeutralForeground2 },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  heading: { margin: 0, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  terms: { display: 'grid', gridTemplateColumns: 'fit-content(14rem) minmax(24ch, 1fr)', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, minWidth: 0, overflowWrap: 'anywhere', color: tokens.colorNeutralForeground2 },
  rule: { margin: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

export interface PlatformPrerequisitesProps {
  readonly platform: Platform;
  readonly route: PlatformRoute | null;
  /** Ids of the prerequisites ticked so far (stored in the wizard's draft). */
  readonly ticked: readonly string[];
  readonly onTick: (id: string, done: boolean) => void;
  /** The account's subdomain when known: fills in the platform's IP list address. */
  readonly subdomain: string;
}

/**
 * What to have in place before connecting an address to the platform, all from its data
 * (resources/platforms): the prerequisites to tick, the relay modes and their rule, the
 * network allowlist and, on a route where the platform hands mail to the relay, where
 * the relay may need to skip SPF. Renders nothing for a platform that declares none.
 */
export function PlatformPrerequisites({ platform, route, ticked, onTick, subdomain }: PlatformPrerequisitesProps) {
  const styles = useStyles();
  const baseId = useId();
  const items = platform.prerequisites ?? [];
  const spfSkip = platform.relaySpfSkip !== undefined && route !== null && platform.relaySpfSkip.routes.includes(route.id) ? platform.relaySpfSkip : undefined;
  if (items.length === 0 && platform.relayModes === undefined && platform.networkAllowlist === undefined && spfSkip === undefined) return null;
  const done = items.filter((i) => ticked.includes(i.id)).length;
  const listUrl = platform.networkAllowlist?.listUrl.replaceAll('{subdomain}', subdomain.trim() === '' ? 'yoursubdomain' : subdomain.trim());
  return (
    // One line until opened: the platform step stays short; the count says what is left to confirm.
    <details className={styles.root} data-testid="platform-prerequisites">
      <summary className={styles.summary}>
        Before you start with {platform.shortName}
        {items.length === 0 ? '' : `: ${done} of ${items.length} confirmed`}
      </summary>
      <div className={styles.body}>
        {items.length === 0 ? null : (
          <fieldset className={styles.fieldset} aria-describedby={`${baseId}-count`}>
            <legend className={styles.legend}>Before you start with {platform.shortName}</legend>
            <Text as="p" className={styles.intro} id={`${baseId}-count`}>
              Confirm each one: {done} of {items.length} confirmed.
            </Text>
            {items.map((item) => (
              <div key={item.id}>
                <Checkbox
                  checked={ticked.includes(item.id)}
                  onChange={(_e, d) => onTick(item.id, d.checked === true)}
                  label={item.label}
                  input={{ 'aria-describedby': `${baseId}-${item.id}` }}
                  data-prerequisite={item.id}
                />
                <Text size={200} id={`${baseId}-${item.id}`} className={styles.detail}>
                  {item.detail}
                </Text>
              </div>
            ))}
          </fieldset>
        )}
        {platform.relayModes === undefined ? null : (
          <section className={styles.section} aria-labelledby={`${baseId}-modes`} data-testid="relay-modes">
            <h3 id={`${baseId}-modes`} className={styles.heading}>
              Outbound-only or two-way relay
            </h3>
            <dl className={styles.terms}>
              {platform.relayModes.modes.map((mode) => (
                <Fragment key={mode.id}>
                  <dt className={styles.term}>{mode.label}</dt>
                  <dd className={styles.value}>{mode.summary}</dd>
                </Fragment>
              ))}
            </dl>
            <Text as="p" className={styles.rule}>
              {platform.relayModes.rule}
            </Text>
          </section>
        )}
        {platform.networkAllowlist === undefined ? null : (
          <section className={styles.section} aria-labelledby={`${baseId}-allowlist`} data-testid="network-allowlist">
            <h3 id={`${baseId}-allowlist`} className={styles.heading}>
              Network allowlist
            </h3>
            <Text as="p" className={styles.rule}>
              {platform.networkAllowlist.note} {platform.shortName} lists its IP addresses for your account at <span className={styles.mono}>{listUrl}</span>.{' '}
              <Link href={platform.networkAllowlist.docsUrl} target="_blank" rel="noreferrer">
                How to use {platform.shortName}&apos;s IP list
              </Link>
            </Text>
          </section>
        )}
        {spfSkip === undefined ? null : (
          <section className={styles.section} aria-labelledby={`${baseId}-spf`} data-testid="relay-spf-skip">
            <h3 id={`${baseId}-spf`} className={styles.heading}>
              SPF on your mail server for the hop from {platform.shortName}
            </h3>
            <Text as="p" className={styles.rule}>
              {spfSkip.note}
            </Text>
          </section>
        )}
      </div>
    </details>
  );
}
