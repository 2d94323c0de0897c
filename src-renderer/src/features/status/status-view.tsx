import { Button, Text } from '@fluentui/react-components';
import { useCallback, useState } from 'react';
import { useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { useRouteParam } from '../../app/use-hash-route';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { useCardStyles } from '../connection-test/card-styles';
import { IdentitiesSection } from '../ses-identities/identities-section';
import { IdentityStatusView } from '../ses-identities/identity-status-view';
import { DmarcReportsView } from '../reports/dmarc-reports-view';
import { AddressStatusView } from './address-status-view';
import { ExportReport } from './export-report';
import { StatusDashboard } from './status-dashboard';
import { useFocusTitleWhen, useVerificationStatus, type MoveFocus } from './use-verification';

/** `#/status`: every address; `#/status?address=<id>`: one address; `#/status?identity=<id>`: one Zuora advanced SMTP identity. */
export function StatusView() {
  const addressId = useRouteParam('address');
  const identityId = useRouteParam('identity');
  const reports = useRouteParam('reports');
  const shown = identityId !== null ? `identity:${identityId}` : reports !== null && addressId !== null ? `reports:${addressId}` : addressId;
  // Same route, another address (or back to all): the new heading gets focus once it is drawn.
  const [focus, setFocus] = useState<{ readonly of: string | null; readonly pending: boolean }>({ of: shown, pending: false });
  if (focus.of !== shown) setFocus({ of: shown, pending: true });
  const focused = useCallback(() => setFocus((f) => ({ ...f, pending: false })), []);
  const moveFocus = { pending: focus.pending, done: focused };
  if (identityId !== null) return <IdentityStatusView key={identityId} identityId={identityId} moveFocus={moveFocus} />;
  if (addressId !== null && reports !== null) return <DmarcReportsView key={`reports:${addressId}`} addressId={addressId} moveFocus={moveFocus} />;
  return addressId === null ? <DashboardView moveFocus={moveFocus} /> : <AddressStatusView key={addressId} addressId={addressId} moveFocus={moveFocus} />;
}

function DashboardView({ moveFocus }: { readonly moveFocus: MoveFocus }) {
  const card = useCardStyles();
  const statuses = useVerificationStatus();
  // Zuora advanced SMTP identities have no SMTP status: they are listed below, and "no address yet" must not deny them.
  const identities = useChannelQuery('ses-identities:list', {});
  const hasIdentities = (identities.data?.length ?? 0) > 0;
  useFocusTitleWhen(statuses.data !== undefined, moveFocus);
  return (
    <>
      <ViewHeader
        title="Status"
        description="Where each address stands in verification: connection, the verification email and its SPF, DKIM and DMARC results, and the DNS records within the platforms' 72-hour window. Pending items are re-checked in the background while Relayproof runs."
      />
      {statuses.error !== null ? <ErrorBar error={statuses.error.appError} title="The status could not be read" /> : null}
      {statuses.data === undefined ? (
        statuses.isPending ? <Loading label="Reading the status…" /> : null
      ) : statuses.data.length === 0 ? (
        <section className={card.card} aria-labelledby="no-addresses">
          <h2 id="no-addresses" className={card.heading}>
            {hasIdentities ? 'No SMTP address yet' : 'No address yet'}
          </h2>
          <Text as="p" className={card.paragraph}>
            {hasIdentities
              ? 'Your Zuora advanced SMTP identities are below. An address connected through an SMTP server shows its verification status here.'
              : 'Connect an address first; its verification status then appears here.'}
          </Text>
          <div className={card.actions}>
            <Button as="a" appearance="primary" href={routeHref('connect')}>
              Connect an address
            </Button>
          </div>
        </section>
      ) : (
        <>
          <StatusDashboard statuses={statuses.data} />
          <ExportReport subject="all addresses" />
        </>
      )}
      <IdentitiesSection />
    </>
  );
}
