import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Text,
} from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import { ErrorBar } from '../../ui/error-bar';
import { platformLabels } from './address-labels';
import { useDeleteAddress } from './use-address-mutations';

export interface DeleteAddressDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
  readonly onDeleted: (message: string) => void;
}

/** Opened and closed through `open` (see AddressFormDialog for why it stays mounted). */
export function DeleteAddressDialog({ open, address, onClose, onDeleted }: DeleteAddressDialogProps) {
  return (
    <Dialog
      open={open}
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) onClose();
      }}
    >
      <DialogSurface>
        <DeleteConfirmation address={address} onDeleted={onDeleted} />
      </DialogSurface>
    </Dialog>
  );
}

function DeleteConfirmation({ address, onDeleted }: Pick<DeleteAddressDialogProps, 'address' | 'onDeleted'>) {
  const remove = useDeleteAddress();
  const confirm = () => {
    remove.mutate(address.id, {
      onSuccess: (result) => {
        onDeleted(
          result.secretDeleted
            ? `Deleted ${address.address} and removed its secret from the OS keychain.`
            : `Deleted ${address.address}. There was no secret in the OS keychain to remove.`,
        );
      },
    });
  };
  return (
    <DialogBody>
      <DialogTitle>Delete {address.address}?</DialogTitle>
      <DialogContent>
        {remove.error === null ? null : <ErrorBar error={remove.error.appError} title="Not deleted" />}
        <Text as="p">
          This removes the address from Relayproof and also deletes its secret from the OS keychain. It cannot be undone: to use the
          address again you will need to add it and enter the secret again.
        </Text>
        <Text as="p">The connector in {platformLabels[address.platform]} itself is not changed.</Text>
      </DialogContent>
      <DialogActions>
        <DialogTrigger disableButtonEnhancement>
          <Button appearance="secondary">Cancel</Button>
        </DialogTrigger>
        <Button appearance="primary" onClick={confirm} disabledFocusable={remove.isPending}>
          {remove.isPending ? 'Deleting\u2026' : 'Delete address and secret'}
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
