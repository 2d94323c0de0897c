import { Button, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressBlocklists, BlocklistResult } from '../../../../src-preload/contract/blocklist-schemas';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LocalTime } from '../../ui/local-time';
import { useCardStyles } from '../connection-test/card-styles';

const useStyles = makeStyles({
  targets: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  results: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  blocking: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  caution: { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold },
});

const ROLE_LABELS: Readonly<Record<AddressBlocklists['targets'][number]['role'], string>> = {
  'sending-ip': 'Sending IP',
  'smtp-host-ip': 'SMTP server IP',
  domain: 'Domain',
};

/** The verdict of one list, in words a screen reader says as they are (no colour alone). */
function verdict(r: BlocklistResult): string {
  switch (r.status) {
    case 'listed':
      return r.severity === 'blocking' ? 'Listed: this will cost delivery' : r.severity === 'policy' ? 'Listed on a policy list' : r.severity === 'none' ? 'Listed for information' : 'Listed (meaning unknown)';
    case 'blocked-resolver':
      return 'Could not be read: the list refused your DNS server';
    case 'error':
      return 'Could not be read';
    case 'not-listed':
      return 'Not listed';
  }
}

function ResultLine({ result }: { readonly result: BlocklistResult }) {
  const styles = useStyles();
  const card = useCardStyles();
  const tone = result.status === 'listed' && result.severity === 'blocking' ? styles.blocking : result.status === 'not-listed' ? undefined : styles.caution;
  return (
    <li>
      <Text className={tone}>
        {result.list}: {verdict(result)}
      </Text>
      {result.codes.length > 0 ? <Text className={card.mono}> ({result.codes.join(', ')})</Text> : null}
      <Text as="p" className={card.paragraph}>
        {result.meaning}
      </Text>
      {result.txt === null ? null : (
        <Text as="p" size={200} className={card.secondary}>
          The list&rsquo;s reason: {result.txt}
        </Text>
      )}
      {result.delist === null ? null : (
        <Link href={result.delist} target="_blank" rel="noreferrer" inline>
          Ask {result.list} for removal
        </Link>
      )}
    </li>
  );
}

/** The address's DNS blocklists: the relay's sending IPs as the checklist knows them, and the domain. Checked on demand. */
export function BlocklistCard({ addressId, domain }: { readonly addressId: string; readonly domain: string }) {
  const styles = useStyles();
  const card = useCardStyles();
  const check = useChannelMutation('checks:check-address-blocklists');
  const value = check.data;
  return (
    <section className={card.card} aria-labelledby="blocklists-heading" data-testid="blocklists">
      <h2 id="blocklists-heading" className={card.heading}>
        Blocklists
      </h2>
      <Text as="p" className={card.paragraph}>
        Whether Spamhaus, SpamCop, Barracuda and other DNS blocklists list the IPs your relay sends from or {domain}. Receivers refuse or file as spam the mail of a listed IP. The
        lists are asked through the DNS servers from Settings; public resolvers such as 8.8.8.8 are refused by Spamhaus.
      </Text>
      <div className={card.actions}>
        <Button appearance="secondary" disabled={check.isPending} onClick={() => check.mutate({ addressId })}>
          {value === undefined ? 'Check blocklists' : 'Check again'}
        </Button>
      </div>
      <Text as="p" role="status" aria-live="polite" className={card.secondary}>
        {check.isPending ? 'Asking the blocklists…' : value === undefined ? '' : summary(value)}
      </Text>
      {check.error === null ? null : <ErrorBar error={check.error.appError} title="The blocklists could not be checked" />}
      {value === undefined ? null : (
        <>
          {value.notes.map((note) => (
            <Text as="p" key={note} className={card.paragraph}>
              {note}
            </Text>
          ))}
          <ul className={styles.targets}>
            {value.targets.map((t) => {
              const shown = t.report.results.filter((r) => r.status !== 'not-listed');
              const clean = t.report.results.filter((r) => r.status === 'not-listed');
              return (
                <li key={`${t.role}-${t.report.target}`}>
                  <h3 className={card.subheading}>
                    {ROLE_LABELS[t.role]} {t.report.target}
                  </h3>
                  <Text as="p" size={200} className={card.secondary}>
                    {t.source}
                  </Text>
                  {shown.length === 0 ? null : (
                    <ul className={styles.results}>
                      {shown.map((r) => (
                        <ResultLine key={r.zone} result={r} />
                      ))}
                    </ul>
                  )}
                  {clean.length === 0 ? null : (
                    <Text as="p" className={card.paragraph}>
                      Not listed on {clean.map((r) => r.list).join(', ')}.
                    </Text>
                  )}
                </li>
              );
            })}
          </ul>
          <Text as="p" size={200} className={card.secondary}>
            Checked <LocalTime iso={value.checkedAt} /> through {value.resolver}.
          </Text>
        </>
      )}
    </section>
  );
}

function summary(value: AddressBlocklists): string {
  const results = value.targets.flatMap((t) => t.report.results.map((r) => ({ target: t.report.target, r })));
  const blocking = results.filter(({ r }) => r.status === 'listed' && r.severity === 'blocking');
  const unread = results.filter(({ r }) => r.status === 'error' || r.status === 'blocked-resolver');
  const listed = results.filter(({ r }) => r.status === 'listed');
  if (blocking.length > 0) return `Listed where it costs delivery: ${blocking.map(({ target, r }) => `${target} on ${r.list}`).join(', ')}.`;
  const rest = unread.length > 0 ? ` ${unread.length} ${unread.length === 1 ? 'answer' : 'answers'} could not be read.` : '';
  return listed.length > 0 ? `Nothing that blocks delivery; ${listed.length} ${listed.length === 1 ? 'listing' : 'listings'} to read below.${rest}` : `Not listed anywhere.${rest}`;
}
