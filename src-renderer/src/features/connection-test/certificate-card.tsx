import {
  Badge,
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { formatLocalTime } from '../../ui/time-format';
import { useEffect, useId, useRef } from 'react';
import type { CertificateInfo, TlsResult } from '../../../../src-preload/contract/smtp-schemas';
import { CopyButton } from '../../ui/copy-button';
import { DetailsList, type DetailsItem } from '../../ui/details-list';
import { formatDate } from '../addresses/address-labels';
import { useCardStyles } from './card-styles';
import { pinOfFingerprint, type CertificatePin } from './connection-draft';
import { Heading, type HeadingLevel } from './heading';

const useStyles = makeStyles({
  fingerprint: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  names: { margin: 0, paddingLeft: 0, listStyleType: 'none' },
  good: { color: tokens.colorStatusSuccessForeground3, fontWeight: tokens.fontWeightSemibold },
  bad: { color: tokens.colorStatusDangerForeground3, fontWeight: tokens.fontWeightSemibold },
  warn: { color: tokens.colorStatusWarningForeground3, fontWeight: tokens.fontWeightSemibold },
});

export interface CertificateCardProps {
  readonly tls: TlsResult;
  /** The host as the admin typed it: what a pin is stored under. */
  readonly host: string;
  /** Who will refuse the certificate that Relayproof accepts ("Zendesk", "the SaaS platform"). */
  readonly platformName: string;
  readonly pin: CertificatePin | undefined;
  readonly pinning: boolean;
  readonly onTrust: (certificate: CertificateInfo) => void;
  readonly onForget: () => void;
  /** Runs the test again (the pin applies from the next test on). */
  readonly onRetest: () => void;
  readonly headingLevel: HeadingLevel;
}

/** What the server presented over TLS, whether it is trusted, and the pin action. */
export function CertificateCard({ tls, host, platformName, pin, pinning, onTrust, onForget, onRetest, headingLevel }: CertificateCardProps) {
  const card = useCardStyles();
  const styles = useStyles();
  const headingId = useId();
  const cert = tls.certificate;
  // The settings' pin for this host is this very certificate (pinned after this report).
  const pinnedNow = cert !== null && pin !== undefined && pin.sha256 === pinOfFingerprint(cert.fingerprint256);
  // The Trust button goes away once the pin is saved: hand focus to the next step.
  const retestRef = useRef<HTMLButtonElement>(null);
  const wasPinned = useRef(pinnedNow);
  useEffect(() => {
    if (pinnedNow && !wasPinned.current) retestRef.current?.focus();
    wasPinned.current = pinnedNow;
  }, [pinnedNow]);
  const verdictBadge =
    tls.verdict === 'trusted' ? (
      <Badge appearance="tint" color="success">
        Trusted
      </Badge>
    ) : tls.verdict === 'pinned' ? (
      <Badge appearance="tint" color="warning">
        Pinned: accepted by Relayproof only
      </Badge>
    ) : (
      <Badge appearance="tint" color="danger">
        Not trusted
      </Badge>
    );

  const items: DetailsItem[] = [
    {
      term: 'Protocol',
      value: (
        <span className={tls.legacyVersion ? styles.warn : undefined}>
          {tls.protocol ?? 'unknown'}
          {tls.legacyVersion ? ' — below TLS 1.2: connector platforms and Microsoft 365 refuse it' : ''}
        </span>
      ),
    },
    { term: 'Cipher', value: <span className={card.mono}>{tls.cipher ?? 'unknown'}</span> },
  ];
  if (cert !== null) {
    items.push(
      { term: 'Subject', value: <span className={card.mono}>{cert.subject}</span> },
      {
        term: 'Subject alternative names',
        value:
          cert.subjectAltNames.length === 0 ? (
            'none'
          ) : (
            <ul className={styles.names}>
              {cert.subjectAltNames.map((name) => (
                <li key={name} className={card.mono}>
                  {name}
                </li>
              ))}
            </ul>
          ),
      },
      { term: 'Issuer', value: <span className={card.mono}>{cert.issuer}{cert.selfSigned ? ' (self-signed)' : ''}</span> },
      { term: 'Valid from', value: <time dateTime={cert.validFrom}>{formatLocalTime(cert.validFrom)}</time> },
      { term: 'Valid until', value: <time dateTime={cert.validTo}>{formatLocalTime(cert.validTo)}</time> },
    );
  }
  items.push(
    {
      term: 'Chain trust',
      value: tls.chainTrusted ? (
        <span className={styles.good}>Chains to a certificate authority this machine trusts</span>
      ) : (
        <span className={styles.bad}>
          Not trusted{tls.verifyError === null ? '' : ` (${tls.verifyError})`}
        </span>
      ),
    },
    {
      term: 'Host name',
      value: tls.hostnameMatch ? (
        <span className={styles.good}>Matches {host}</span>
      ) : (
        <span className={styles.bad}>Does not match {host}</span>
      ),
    },
  );
  if (cert !== null) {
    items.push({
      term: 'SHA-256 fingerprint',
      value: (
        <span className={styles.fingerprint}>
          <span className={card.mono} data-fingerprint="">
            {cert.fingerprint256}
          </span>
          <CopyButton text={cert.fingerprint256} what="SHA-256 fingerprint" />
        </span>
      ),
    });
  }
  if (tls.chain.length > 0) {
    items.push({ term: 'Chain sent', value: <span className={card.mono}>{tls.chain.map((c) => c.subject).join(' ← ')}</span> });
  }

  return (
    <section className={card.card} aria-labelledby={headingId}>
      <div className={card.header}>
        <Heading level={headingLevel} id={headingId} className={card.heading}>
          TLS certificate
        </Heading>
        {verdictBadge}
      </div>
      <DetailsList items={items} />
      {tls.verdict === 'rejected' && cert !== null && !pinnedNow ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{sentenceCase(platformName)} will NOT trust this certificate</MessageBarTitle>
            For a test you can tell Relayproof to accept exactly this certificate (SHA-256 fingerprint above) for {host}, for example while a
            private CA is replaced. This changes nothing for {platformName}: it will still refuse the connection until the server presents a
            certificate from a public certificate authority that matches its name.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" disabledFocusable={pinning} onClick={() => onTrust(cert)} data-surface-target="pin">
              {pinning ? 'Saving…' : `Trust this certificate for ${host}`}
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {tls.verdict === 'rejected' && pinnedNow ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Pinned</MessageBarTitle>
            Relayproof now accepts exactly this certificate for {host}, from the next test on. {sentenceCase(platformName)} will still NOT
            trust it.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" appearance="primary" onClick={onRetest}
              ref={(element: HTMLButtonElement | null) => {
                retestRef.current = element;
              }}
            >
              Test again
            </Button>
            <Button size="small" disabledFocusable={pinning} onClick={onForget}>
              Undo
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {tls.verdict === 'pinned' ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Accepted only because you pinned it</MessageBarTitle>
            {pin === undefined ? (
              <>You stopped trusting this certificate: the next test for {host} will stop at TLS.</>
            ) : (
              <>
                Relayproof accepts this exact certificate for {host} (pinned {formatDate(pin.pinnedAt)}). {sentenceCase(platformName)} will NOT
                trust it: fix the certificate before connecting the platform.
              </>
            )}
          </MessageBarBody>
          {pin === undefined ? null : (
            <MessageBarActions>
              <Button size="small" disabledFocusable={pinning} onClick={onForget}>
                Stop trusting it
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      ) : null}
    </section>
  );
}


function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
