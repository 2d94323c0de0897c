import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { Platform } from '../../../../src-preload/contract/providers';
import { dkimCname, type SesIdentityKind } from '../../../../src-preload/contract/ses-identities';
import { CopyButton } from '../../ui/copy-button';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  scroller: { overflowX: 'auto' },
  table: { tableLayout: 'auto', minWidth: '40rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  cell: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  paragraph: { margin: 0 },
  secondary: { margin: 0, color: tokens.colorNeutralForeground2 },
});

export interface IdentityRecordsProps {
  readonly platform: Platform;
  readonly kind: SesIdentityKind;
  /** The domain the records are published on (the identity's domain). */
  readonly domain: string;
  /** Bare tokens; empty until entered. */
  readonly dkimTokens: readonly string[];
  /** Who the set serves: "Production and API Sandbox". */
  readonly servesLabel: string;
  /** Prefix of the table's accessible name, to tell two sets apart on one page. */
  readonly label?: string;
  /** Only the table: a second set on the same page, whose notes the first one already gave. */
  readonly tableOnly?: boolean;
}

/**
 * Exactly what to publish for one identity in one verification group: the SPF include,
 * the three DKIM CNAMEs (domain identity), and what not to publish (the SES verification
 * TXT record Zuora also shows). Facts from the platform's `ses` data.
 */
export function IdentityRecords({ platform, kind, domain, dkimTokens, servesLabel, label = 'Records to publish', tableOnly = false }: IdentityRecordsProps) {
  const styles = useStyles();
  const includes = platform.spf.requiredIncludes;
  const spfExample = platform.spf.example ?? `v=spf1 mx ${includes.map((i) => `include:${i}`).join(' ')} ~all`;
  const cnames = kind === 'domain' ? dkimTokens.map((token) => dkimCname(domain, token)) : [];
  const { ses } = platform;
  return (
    <div className={styles.root}>
      <div className={styles.scroller}>
        <Table aria-label={`${label} for ${domain} (${servesLabel})`} className={styles.table} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Type</TableHeaderCell>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Value</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            <TableRow data-record="spf">
              <TableCell>TXT (SPF)</TableCell>
              <TableCell>
                <span className={styles.mono}>{domain}</span>
              </TableCell>
              <TableCell>
                <span className={styles.cell}>
                  <span className={styles.mono}>{includes.map((i) => `include:${i}`).join(' ')}</span>
                  <CopyButton text={includes.map((i) => `include:${i}`).join(' ')} what={`SPF include for ${domain}`} />
                </span>
                <Text size={200} className={styles.secondary}>
                  Add it to your one SPF record, such as <span className={styles.mono}>{spfExample}</span>
                </Text>
              </TableCell>
            </TableRow>
            {cnames.map((record) => (
              <TableRow key={record.name} data-record="dkim-cname">
                <TableCell>CNAME</TableCell>
                <TableCell>
                  <span className={styles.cell}>
                    <span className={styles.mono} data-cname-name>
                      {record.name}
                    </span>
                    <CopyButton text={record.name} what={`name ${record.name}`} />
                  </span>
                </TableCell>
                <TableCell>
                  <span className={styles.cell}>
                    <span className={styles.mono} data-cname-target>
                      {record.target}
                    </span>
                    <CopyButton text={record.target} what={`target of ${record.name}`} />
                  </span>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {tableOnly ? null : (
        <>
          {kind === 'domain' && cnames.length === 0 ? (
            <Text as="p" className={styles.paragraph}>
              The three DKIM CNAMEs appear here once their tokens are entered (Zuora shows them under View in the DKIM Status column).
            </Text>
          ) : null}
          {kind === 'domain' ? (
            <Text as="p" className={styles.secondary}>
              These three CNAMEs serve {servesLabel}. If your DNS host adds the domain to every name itself, enter only the part before .{domain}: otherwise the name
              becomes …{domain}.{domain} and never verifies.
            </Text>
          ) : null}
          {ses === undefined || ses.verificationTxt.needed ? null : (
            <Text as="p" className={styles.paragraph} data-testid="ses-txt-not-needed">
              <strong>Not needed:</strong> {ses.verificationTxt.note}
            </Text>
          )}
          {ses === undefined ? null : (
            <Text as="p" className={styles.secondary}>
              {ses.dmarc.note}
            </Text>
          )}
        </>
      )}
    </div>
  );
}
