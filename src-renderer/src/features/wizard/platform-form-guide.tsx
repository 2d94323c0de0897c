import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import type { ConnectorFormGuide, FormRow, SendingLimitNotice } from '../../../../src-preload/contract/connector-form';
import type { Platform } from '../../../../src-preload/contract/providers';
import { CopyButton } from '../../ui/copy-button';
import { DetailsList } from '../../ui/details-list';
import { CopySecretButton } from '../addresses/copy-secret-button';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  value: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  quiet: { color: tokens.colorNeutralForeground2 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  heading: { fontWeight: tokens.fontWeightSemibold },
});

/**
 * The platform's own SMTP form, field by field as the platform labels it (Zuora's External
 * SMTP): what to type, what to choose, what to leave empty; the secret copied from the
 * keychain, never shown. Then where the form is, the switch that turns it on, and the
 * error each wrong choice produces. Everything comes from the platform's data.
 */
export function PlatformFormGuide({ guide, platformName, address }: { readonly guide: ConnectorFormGuide; readonly platformName: string; readonly address: AddressView }) {
  const styles = useStyles();
  const item = (row: FormRow) => ({
    term: row.field,
    value:
      row.kind === 'secret' ? (
        row.role === 'password' ? (
          <span className={styles.value}>
            <span>Stored in the OS keychain, never shown.</span>
            <CopySecretButton address={address} />
          </span>
        ) : (
          <span className={styles.quiet}>{row.value}</span>
        )
      ) : row.kind === 'leave-empty' ? (
        <span className={styles.quiet}>{row.value}</span>
      ) : (
        <span className={styles.value}>
          <span className={styles.mono}>{row.value}</span>
          {row.kind === 'type' ? <CopyButton text={row.value} what={row.field} /> : null}
        </span>
      ),
  });
  return (
    <section className={styles.root} data-testid="platform-form-guide" aria-label={`${platformName} ${guide.formName} form`}>
      <Text>
        In {platformName}: {guide.consolePath.join(' > ')}. Fill in the {guide.formName} form exactly like this, then click {guide.submit}.
      </Text>
      <DetailsList items={guide.rows.map(item)} />
      <Text className={styles.quiet}>{guide.securityWhy}</Text>
      {guide.oauth === null ? null : (
        <div data-testid="platform-form-oauth">
          <Text as="p" className={styles.heading}>
            First create the OAuth 2.0 provider: {guide.oauth.consolePath.join(' > ')}
          </Text>
          <DetailsList items={guide.oauth.rows.map(item)} />
          {guide.oauth.note === null ? null : <Text className={styles.quiet}>{guide.oauth.note}</Text>}
        </div>
      )}
      <div data-testid="platform-form-switch">
        <Text as="p" className={styles.heading}>
          Then send through it ({guide.deliverySwitch.field}: {guide.deliverySwitch.value})
        </Text>
        <ol className={styles.list}>
          {guide.deliverySwitch.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </div>
      {guide.wrongChoices.length === 0 ? null : (
        <div data-testid="platform-form-wrong-choices">
          <Text as="p" className={styles.heading}>
            If {platformName} shows an error after {guide.submit}
          </Text>
          <ul className={styles.list}>
            {guide.wrongChoices.map((wrong) => (
              <li key={wrong.id} data-wrong-choice={wrong.id}>
                &ldquo;{wrong.phrase}&rdquo;: {wrong.choice}. {wrong.why}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The platform's warning that a mailbox service's sending limits break bulk runs, with the provider's numbers. */
export function SendingLimitWarning({ notice }: { readonly notice: SendingLimitNotice }) {
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="sending-limit-warning">
      <MessageBarBody>
        <MessageBarTitle>Sending limits</MessageBarTitle> {notice.limits} {notice.text} {notice.advice}
      </MessageBarBody>
    </MessageBar>
  );
}

/** The platform's own mail-service presets (ClientTether), each with what Relayproof can and cannot test. */
export function PlatformPresetNotes({ platform, providerId }: { readonly platform: Platform; readonly providerId: string }) {
  const styles = useStyles();
  const presets = platform.providerPresets;
  if (presets === undefined) return null;
  return (
    <section className={styles.root} data-testid="platform-preset-notes" aria-label={`${platform.shortName}'s mail-service presets`}>
      <Text as="p" className={styles.heading}>
        {platform.shortName}&rsquo;s presets: what Relayproof can and cannot test
      </Text>
      <ul className={styles.list}>
        {presets.presets.map((preset) => (
          <li key={preset.label} data-preset={preset.label} aria-current={preset.providerId === providerId ? 'true' : undefined}>
            <strong>{preset.label}</strong>
            {preset.providerId === providerId ? ' (this address)' : ''}: {preset.signIn === 'oauth-login' ? `you log in to the service inside ${platform.shortName}. ` : ''}
            Relayproof can test: {preset.canTest} Only {platform.shortName}&rsquo;s {presets.test} shows: {preset.cannotTest}
          </li>
        ))}
      </ul>
    </section>
  );
}
