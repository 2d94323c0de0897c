import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useRef, useState } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { useChannelQuery } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { AddressFormDialog, type AddressFormMode } from './address-form-dialog';
import { AddressesTable } from './addresses-table';
import { DeleteAddressDialog } from './delete-address-dialog';

const useStyles = makeStyles({
  empty: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalXL,
    border: `${tokens.strokeWidthThin} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    maxWidth: '64ch',
  },
});

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly mode: AddressFormMode }
  | { readonly kind: 'delete'; readonly address: AddressView };

export function AddressesView() {
  const styles = useStyles();
  const list = useChannelQuery('addresses:list', {});
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  // What the dialogs last showed, kept while they animate closed.
  const [formMode, setFormMode] = useState<AddressFormMode>({ kind: 'create' });
  const [toDelete, setToDelete] = useState<AddressView | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const addButtonRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);

  const open = (next: DialogState) => {
    openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setStatus(null);
    if (next.kind === 'form') setFormMode(next.mode);
    if (next.kind === 'delete') setToDelete(next.address);
    setDialog(next);
  };

  const close = () => {
    setDialog({ kind: 'none' });
    // Hand focus back to what opened the dialog (or, when that row is gone after a
    // delete, to the Add button).
    requestAnimationFrame(() => {
      const opener = openerRef.current;
      if (opener?.isConnected === true) opener.focus();
      else addButtonRef.current?.focus();
    });
  };

  const finish = (message: string) => {
    setStatus(message);
    close();
  };

  return (
    <>
      <ViewHeader
        title="Addresses"
        description="External addresses your platform sends as through an authenticated SMTP connector. Secrets stay in the OS keychain."
        actions={
          <Button
            appearance="primary"
            ref={(element: HTMLButtonElement | null) => {
              addButtonRef.current = element;
            }}
            onClick={() => open({ kind: 'form', mode: { kind: 'create' } })}>
            Add address
          </Button>
        }
      />
      <LiveStatus message={status} />
      {list.isPending ? <Loading label="Loading addresses…" /> : null}
      {list.error === null ? null : <ErrorBar error={list.error.appError} title="Addresses could not be loaded" />}
      {list.data === undefined ? null : list.data.length === 0 ? (
        <section className={styles.empty} aria-label="No addresses">
          <Text weight="semibold">No addresses yet</Text>
          <Text>
            Add the external address your platform should send as, with its SMTP server and username. Relayproof stores the secret in the
            OS keychain only.
          </Text>
        </section>
      ) : (
        <AddressesTable
          addresses={list.data}
          onEdit={(address) => open({ kind: 'form', mode: { kind: 'edit', address } })}
          onDelete={(address) => open({ kind: 'delete', address })}
          onTest={(address) => {
            window.location.hash = routeHref('connection-test', { address: address.id });
          }}
        />
      )}
      <AddressFormDialog open={dialog.kind === 'form'} mode={formMode} onClose={close} onSaved={finish} />
      {toDelete === null ? null : <DeleteAddressDialog open={dialog.kind === 'delete'} address={toDelete} onClose={close} onDeleted={finish} />}
    </>
  );
}
