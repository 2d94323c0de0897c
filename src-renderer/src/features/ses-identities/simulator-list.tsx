import { Link, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { Platform } from '../../../../src-preload/contract/providers';
import { CopyButton } from '../../ui/copy-button';
import { useCardStyles } from '../connection-test/card-styles';

const useStyles = makeStyles({
  scroller: { overflowX: 'auto' },
  // Wraps rather than scrolls: it also sits in the wizard's narrower summary.
  table: { tableLayout: 'auto', minWidth: '30rem' },
  address: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  // Breaks after the @ when the column is narrow (the <wbr>), never inside a name: `break-word` keeps the column as wide as the longest part.
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'break-word' },
});

/** "success@" and "simulator.amazonses.com", with a line-break opportunity between them. */
function breakAfterAt(address: string) {
  const at = address.indexOf('@');
  if (at < 0) return address;
  return (
    <>
      {address.slice(0, at + 1)}
      <wbr />
      {address.slice(at + 1)}
    </>
  );
}

/**
 * The Amazon SES mailbox simulator as recipients of a test send where the platform sends
 * (Zuora advanced SMTP: Relayproof sends nothing): each address copyable, with what it
 * simulates and what a test to it proves. From the platform's `mailboxSimulator` data.
 */
export function SimulatorList({ platform, headingLevel = 2 }: { readonly platform: Platform; readonly headingLevel?: 2 | 3 }) {
  const styles = useStyles();
  const card = useCardStyles();
  const simulator = platform.mailboxSimulator;
  if (simulator === undefined) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={card.card} aria-labelledby="ses-simulator-heading" data-testid="ses-simulator">
      <Heading id="ses-simulator-heading" className={card.heading}>
        Send a {platform.shortName} test notification to…
      </Heading>
      <Text as="p" className={card.paragraph}>
        {simulator.note}
      </Text>
      <div className={styles.scroller}>
        <Table aria-label="Amazon SES mailbox simulator addresses" className={styles.table} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Recipient</TableHeaderCell>
              <TableHeaderCell>What Amazon SES does</TableHeaderCell>
              <TableHeaderCell>What it proves</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {simulator.addresses.map((entry) => (
              <TableRow key={entry.address} data-simulator={entry.address}>
                <TableCell>
                  <span className={styles.address}>
                    <span className={styles.mono}>{breakAfterAt(entry.address)}</span>
                    <CopyButton text={entry.address} what={entry.address} />
                  </span>
                </TableCell>
                <TableCell>{entry.scenario}</TableCell>
                <TableCell>{entry.proves}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <Text as="p" size={200} className={card.secondary}>
        Source:{' '}
        <Link href={simulator.source} target="_blank" rel="noreferrer">
          Amazon SES mailbox simulator
        </Link>{' '}
        (checked {simulator.checked}).
      </Text>
    </section>
  );
}
