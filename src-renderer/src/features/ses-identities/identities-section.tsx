import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { environmentLabel } from '../../../../src-preload/contract/platform-ses';
import { identityVerificationAdvice, SES_PLATFORM_ID, type SesIdentity } from '../../../../src-preload/contract/ses-identities';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { kindLabels } from './ses-words';
import { ZuoraStateChip } from './zuora-state-chip';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
  scroller: { overflowX: 'auto' },
  table: { tableLayout: 'auto', minWidth: '48rem' },
  value: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  // Fluent's Text is inline even as a <p>: without display block the kind ran into the name.
  secondary: { display: 'block', margin: 0, color: tokens.colorNeutralForeground2 },
});

/** `#/status?identity=<id>`. */
export function identityStatusHref(id: string): string {
  return routeHref('status', { identity: id });
}

/**
 * The Zuora advanced SMTP identities beside the addresses: kind, environment, what Zuora
 * shows and the next step, each linking to its status. `removable`: with a Remove action
 * (the Addresses view); nothing is shown while there is no identity.
 */
export function IdentitiesSection({ removable = false, onStatus }: { readonly removable?: boolean; readonly onStatus?: (message: string) => void }) {
  const styles = useStyles();
  const list = useChannelQuery('ses-identities:list', {});
  const platforms = useChannelQuery('platforms:list', {});
  const platform = platforms.data?.find((p) => p.id === SES_PLATFORM_ID);
  const [removing, setRemoving] = useState<SesIdentity | null>(null);
  const remove = useChannelMutation('ses-identities:delete', { invalidates: ['ses-identities:list'] });
  const now = new Date();
  if (list.error !== null) return <ErrorBar error={list.error.appError} title="The Zuora advanced SMTP identities could not be loaded" />;
  if (list.data === undefined || list.data.length === 0) return null;
  const windows = { pendingMaxHours: platform?.ses?.pendingMaxHours ?? 72, emailLinkHours: platform?.ses?.emailLinkHours ?? 24 };
  return (
    <section className={styles.section} aria-labelledby="ses-identities-heading">
      <h2 id="ses-identities-heading" className={styles.heading}>
        Zuora advanced SMTP identities
      </h2>
      <Text as="p" className={styles.secondary}>
        Zuora sends for these from its own Amazon SES account: no server or password, so no connection test. Verification is what Zuora shows.
      </Text>
      <div className={styles.scroller}>
        <Table aria-label="Zuora advanced SMTP identities" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Identity</TableHeaderCell>
              <TableHeaderCell>Environment</TableHeaderCell>
              <TableHeaderCell>Zuora shows</TableHeaderCell>
              <TableHeaderCell>Next step</TableHeaderCell>
              {removable ? <TableHeaderCell>Actions</TableHeaderCell> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.map((identity) => {
              const advice = identityVerificationAdvice(identity, now, windows);
              return (
                <TableRow key={identity.id} data-identity-id={identity.id}>
                  <TableCell>
                    {/* One block: a table cell lays its children out in a row. */}
                    <div>
                      <Link href={identityStatusHref(identity.id)} className={styles.value}>
                        {identity.value}
                      </Link>
                      <Text as="p" size={200} className={styles.secondary}>
                        {kindLabels[identity.kind]}
                        {identity.kind === 'domain' ? ` · ${identity.dkimTokens.length === 0 ? 'no DKIM tokens yet' : `${identity.dkimTokens.length} DKIM CNAMEs`}` : ''}
                      </Text>
                    </div>
                  </TableCell>
                  <TableCell>{environmentLabel(platform, identity.environment)}</TableCell>
                  <TableCell>
                    <ZuoraStateChip state={identity.verification.state} overdue={advice.overdue} />
                  </TableCell>
                  <TableCell>{advice.message}</TableCell>
                  {removable ? (
                    <TableCell>
                      <Button size="small" onClick={() => setRemoving(identity)}>
                        Remove
                      </Button>
                    </TableCell>
                  ) : null}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <Dialog open={removing !== null} onOpenChange={(_e, d) => (d.open ? undefined : setRemoving(null))}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Remove {removing?.value}?</DialogTitle>
            <DialogContent>
              Relayproof forgets this identity and what you recorded about it. It stays in Zuora until you delete it there (Identities table, Advanced SMTP): while
              it does, Zuora may still send from it.
              {remove.error === null ? null : <ErrorBar error={remove.error.appError} title="The identity was not removed" />}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setRemoving(null)}>Keep it</Button>
              <Button
                appearance="primary"
                disabledFocusable={remove.isPending}
                onClick={() => {
                  if (removing === null) return;
                  const value = removing.value;
                  remove.mutate({ id: removing.id }, { onSuccess: () => { setRemoving(null); onStatus?.(`Removed the identity ${value}.`); } });
                }}
              >
                Remove
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </section>
  );
}
