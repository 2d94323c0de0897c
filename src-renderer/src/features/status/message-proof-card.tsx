import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { AuthResultName, MessageProof } from '../../../../src-preload/contract/verification-schemas';
import { DetailsList } from '../../ui/details-list';
import { DnsText } from '../checklist/dns-text';
import { useCardStyles } from '../connection-test/card-styles';
import { Chip } from '../checklist/status-chip';
import { formatDelay } from './status-format';
import { LocalTime } from '../../ui/local-time';

const useStyles = makeStyles({
  results: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))', gap: tokens.spacingHorizontalL },
  result: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, minWidth: 0 },
  name: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  broken: { margin: 0, color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  scroller: { overflowX: 'auto' },
  more: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  summary: { cursor: 'pointer', width: 'fit-content' },
});

function ResultChip({ result }: { readonly result: AuthResultName }) {
  const tone = result === 'pass' ? 'pass' : result === 'temperror' ? 'error' : result === 'none' || result === 'neutral' || result === 'skipped' ? 'warn' : 'fail';
  return <Chip tone={tone} label={result} glyph={result === 'pass' ? '✓' : '✕'} small />;
}

/** What the received verification email proves: SPF, DKIM (the selector really used), DMARC, sender, delay, headers. */
export function MessageProofCard({ proof, receivedAt }: { readonly proof: MessageProof; readonly receivedAt: string | null }) {
  const styles = useStyles();
  const card = useCardStyles();
  const headers = Object.entries(proof.headers);
  return (
    <section className={card.card} aria-labelledby="proof-heading" data-testid="message-proof" data-pass={String(proof.pass)}>
      <div className={card.header}>
        <h2 id="proof-heading" className={card.heading}>
          Latest verification email
        </h2>
        <Chip tone={proof.pass ? 'pass' : 'fail'} label={proof.pass ? 'SPF, DKIM and DMARC pass' : 'Authentication does not pass'} glyph={proof.pass ? '✓' : '✕'} small={false} />
      </div>
      {receivedAt === null ? null : (
        <Text as="p" size={200} className={card.secondary}>
          Checked <LocalTime iso={receivedAt} />; {proof.sizeBytes} bytes.
        </Text>
      )}
      <div className={styles.results}>
        <div className={styles.result} data-testid="proof-spf">
          <h3 className={card.subheading}>
            <span className={styles.name}>
              SPF <ResultChip result={proof.spf.result} />
            </span>
          </h3>
          <Text as="p" className={card.paragraph}>
            {proof.spf.explanation}
          </Text>
          <DetailsList
            items={[
              { term: 'Sending IP', value: proof.spf.ip ?? 'unknown' },
              { term: 'Checked for', value: proof.spf.domain ?? 'unknown' },
              { term: 'Record', value: proof.spf.record === null ? 'none' : <DnsText text={proof.spf.record} mono /> },
            ]}
          />
        </div>
        <div className={styles.result} data-testid="proof-dkim">
          <h3 className={card.subheading}>
            <span className={styles.name}>
              DKIM <ResultChip result={proof.dkim.find((d) => d.aligned)?.result ?? proof.dkim[0]?.result ?? 'none'} />
            </span>
          </h3>
          {proof.dkim.length === 0 ? (
            <Text as="p" className={card.paragraph}>
              The message carries no DKIM signature.
            </Text>
          ) : (
            proof.dkim.map((d, i) => (
              <div key={i} className={styles.result}>
                <Text as="p" className={card.paragraph}>
                  {d.explanation}
                </Text>
                <DetailsList
                  items={[
                    { term: 'Signed by (d=)', value: d.domain ?? 'unknown' },
                    { term: 'Selector used (s=)', value: d.selector ?? 'unknown' },
                    { term: 'Aligned', value: d.aligned ? 'Yes' : 'No' },
                    { term: 'Key', value: `${d.algorithm ?? '?'}${d.keyBits === null ? '' : `, ${d.keyBits} bits`}` },
                    { term: 'Body unchanged', value: d.bodyHashMatches === null ? 'not computed' : d.bodyHashMatches ? 'Yes' : 'No: the body changed after signing' },
                    { term: 'Signed headers', value: d.signedHeaders.join(', ') },
                  ]}
                />
              </div>
            ))
          )}
        </div>
        <div className={styles.result} data-testid="proof-dmarc">
          <h3 className={card.subheading}>
            <span className={styles.name}>
              DMARC <ResultChip result={proof.dmarc.result} />
            </span>
          </h3>
          <Text as="p" className={card.paragraph}>
            {proof.dmarc.explanation}
          </Text>
          <DetailsList
            items={[
              { term: 'From domain', value: proof.dmarc.domain ?? 'unknown' },
              { term: 'Policy', value: proof.dmarc.policy ?? 'none' },
              { term: 'Aligned SPF', value: proof.dmarc.spfAligned ?? 'no' },
              { term: 'Aligned DKIM', value: proof.dmarc.dkimAligned ?? 'no' },
              { term: 'Record', value: proof.dmarc.record === null ? 'none' : <DnsText text={proof.dmarc.record} mono /> },
            ]}
          />
        </div>
      </div>
      {/* Passing, the path and headers are detail: closed by default (open when something fails). */}
      <details className={styles.more} open={!proof.pass}>
      <summary className={styles.summary}>Path, timing and headers</summary>
      <h3 className={card.subheading}>Path and timing</h3>
      <DetailsList
        items={[
          { term: 'Sent by (IP)', value: proof.sender.ip ?? 'unknown' },
          { term: 'HELO', value: proof.sender.helo ?? 'unknown' },
          { term: 'Delivery delay', value: proof.delayMs === null ? 'unknown (no Date or Received time)' : formatDelay(proof.delayMs) },
          { term: 'ARC', value: `${proof.arc.result}: ${proof.arc.explanation}` },
          { term: 'Envelope sender', value: proof.envelopeFrom ?? 'unknown' },
          { term: 'Token', value: proof.token.matches === null ? (proof.token.found ?? 'none') : proof.token.matches ? `${proof.token.found ?? ''} (matches the one sent)` : `${proof.token.found ?? 'missing'} (not the one sent)` },
        ]}
      />
      {proof.received.length === 0 ? null : (
        <ol className={styles.list} aria-label="Received chain, newest first">
          {proof.received.map((hop, i) => (
            <li key={i}>
              {hop.from ?? '?'} [{hop.ip ?? '?'}] → {hop.by ?? '?'} with {hop.with ?? '?'}
              {hop.at === null ? null : (
                <>
                  , <LocalTime iso={hop.at} />
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {proof.brokenSignatures.length === 0 ? (
        <Text as="p" className={card.paragraph}>
          No signature was broken on the way.
        </Text>
      ) : (
        proof.brokenSignatures.map((b, i) => (
          <Text as="p" key={i} className={styles.broken}>
            Broken signature d={b.domain ?? '?'} s={b.selector ?? '?'}: {b.reason}
          </Text>
        ))
      )}
      {headers.length === 0 ? null : (
        <div className={styles.scroller}>
          <Table aria-label="Headers the platform relies on" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Header</TableHeaderCell>
                <TableHeaderCell>Arrived</TableHeaderCell>
                <TableHeaderCell>Value</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {headers.map(([name, h]) => (
                <TableRow key={name} data-header={name}>
                  <TableCell>{name}</TableCell>
                  <TableCell>{!h.present ? 'Removed on the way' : h.unchanged === false ? `Changed (sent "${h.expected ?? ''}")` : h.unchanged === true ? 'Intact' : 'Present'}</TableCell>
                  <TableCell>{h.value === null ? '—' : <DnsText text={h.value} mono />}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      </details>
    </section>
  );
}
