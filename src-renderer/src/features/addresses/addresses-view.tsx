import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useMemo, useRef, useState } from 'react';
import type { AddressView, LifecycleEvent } from '../../../../src-preload/contract';
import { useChannelQuery, useSettings } from '../../api/hooks';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import type { AddressFormMode } from './address-form-dialog';
import { lastSecretWrite } from './address-status';
import {
  AddressFormDialog,
  Deferred,
  DisconnectAddressDialog,
  ExportImportSection,
  FleetDashboard,
  HistoryDialog,
  IdentitiesSection,
  MoveToProductionDialog,
  OnceOpened,
  preloadAddressDialogs,
  preloadAddressForm,
  ReminderDialog,
  RotateSecretDialog,
  usePreloadWhenIdle,
} from './addresses-lazy';
import { AddressesTable } from './addresses-table';
import { DisconnectedHistory } from './disconnected-history';

const useStyles = makeStyles({
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
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

type AddressDialog = 'delete' | 'rotate' | 'move' | 'history' | 'reminder';

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly mode: AddressFormMode }
  | { readonly kind: AddressDialog; readonly address: AddressView };

export function AddressesView() {
  const styles = useStyles();
  const list = useChannelQuery('addresses:list', {});
  const providers = useChannelQuery('providers:list', {});
  // Whether each stored secret was rotated or only saved (the same query the disconnected history reads).
  const events = useChannelQuery('addresses:events', {});
  const settings = useSettings();
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  // What the dialogs last showed, kept while they animate closed.
  const [formMode, setFormMode] = useState<AddressFormMode>({ kind: 'create' });
  const [subject, setSubject] = useState<AddressView | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  usePreloadWhenIdle(preloadAddressDialogs);
  const addButtonRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const secretWrites = useMemo(() => {
    if (events.data === undefined) return undefined;
    const byAddress = new Map<string, LifecycleEvent[]>();
    for (const e of events.data) byAddress.set(e.addressId, [...(byAddress.get(e.addressId) ?? []), e]);
    return new Map([...byAddress].map(([id, list]) => [id, lastSecretWrite(list)] as const));
  }, [events.data]);
  const providerNames = useMemo(() => new Map((providers.data ?? []).map((p) => [p.id, p.name] as const)), [providers.data]);

  const open = (next: DialogState) => {
    openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setStatus(null);
    if (next.kind === 'form') setFormMode(next.mode);
    else if (next.kind !== 'none') setSubject(next.address);
    setDialog(next);
  };

  const close = () => {
    setDialog({ kind: 'none' });
    // Hand focus back to what opened the dialog (or, when that row is gone after a
    // disconnect, to the Add button).
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
          <span className={styles.actions}>
            <Button as="a" appearance="primary" href={routeHref('connect')}>
              Connect an address
            </Button>
            <Button
              ref={(element: HTMLButtonElement | null) => {
                addButtonRef.current = element;
              }}
              onPointerEnter={preloadAddressForm}
              onFocus={preloadAddressForm}
              onClick={() => open({ kind: 'form', mode: { kind: 'create' } })}>
              Add an address manually
            </Button>
          </span>
        }
      />
      <LiveStatus message={status} />
      {list.isPending ? <Loading label="Loading addresses…" /> : null}
      {list.error === null ? null : <ErrorBar error={list.error.appError} title="Addresses could not be loaded" />}
      {list.data === undefined ? null : list.data.length === 0 ? (
        <section className={styles.empty} aria-label="No addresses">
          <Text weight="semibold">No addresses yet</Text>
          <Text>
            Connect the external address your platform should send as: the guide picks the platform and mail provider, tests the credentials and
            stores the secret in the OS keychain only. Add an address manually enters the server details directly, for experts.
          </Text>
        </section>
      ) : (
        <>
          <Deferred>
            <FleetDashboard addresses={list.data} />
          </Deferred>
          <AddressesTable
          addresses={list.data}
          providerNames={providerNames}
          settingsReminderDays={settings.data?.rotationReminderDays ?? null}
          settings={settings.data}
          now={new Date()}
          secretWrites={secretWrites}
          onEdit={(address) => open({ kind: 'form', mode: { kind: 'edit', address } })}
          onDisconnect={(address) => open({ kind: 'delete', address })}
          onRotate={(address) => open({ kind: 'rotate', address })}
          onMove={(address) => open({ kind: 'move', address })}
          onHistory={(address) => open({ kind: 'history', address })}
          onReminder={(address) => open({ kind: 'reminder', address })}
          onTest={(address) => {
            window.location.hash = routeHref('connection-test', { address: address.id });
          }}
          />
        </>
      )}
      <Deferred>
        <IdentitiesSection removable onStatus={setStatus} />
        <ExportImportSection onStatus={setStatus} onEnterSecret={(address) => open({ kind: 'rotate', address })} current={list.data ?? []} />
      </Deferred>
      {list.data === undefined ? null : <DisconnectedHistory current={list.data} />}

      <OnceOpened open={dialog.kind === 'form'} label="Opening the address form…">
        <AddressFormDialog open={dialog.kind === 'form'} mode={formMode} onClose={close} onSaved={finish} />
      </OnceOpened>
      {subject === null ? null : (
        <>
          <OnceOpened open={dialog.kind === 'delete'} label="Opening Disconnect…">
            <DisconnectAddressDialog open={dialog.kind === 'delete'} address={subject} onClose={close} onDisconnected={finish} />
          </OnceOpened>
          <OnceOpened open={dialog.kind === 'rotate'} label="Opening the new secret form…">
            <RotateSecretDialog open={dialog.kind === 'rotate'} address={subject} onClose={close} onRotated={setStatus} />
          </OnceOpened>
          <OnceOpened open={dialog.kind === 'move'} label="Opening Move to production…">
            <MoveToProductionDialog open={dialog.kind === 'move'} address={subject} onClose={close} onMoved={setStatus} />
          </OnceOpened>
          <OnceOpened open={dialog.kind === 'history'} label="Opening the history…">
            <HistoryDialog open={dialog.kind === 'history'} address={subject} onClose={close} />
          </OnceOpened>
          <OnceOpened open={dialog.kind === 'reminder'} label="Opening the reminder…">
            <ReminderDialog open={dialog.kind === 'reminder'} address={subject} onClose={close} onSaved={finish} />
          </OnceOpened>
        </>
      )}
    </>
  );
}
