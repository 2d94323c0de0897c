import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
  tokens,
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

const useStyles = makeStyles({
  surface: { maxWidth: '36rem' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  paragraph: { margin: 0 },
  confirm: { whiteSpace: 'nowrap' },
});

/** Opened and closed through `open` (see AddressFormDialog for why it stays mounted). */
export function DeleteAddressDialog({ open, address, onClose, onDeleted }: DeleteAddressDialogProps) {
  const styles = useStyles();
  return (
    <Dialog
      open={open}
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) onClose();
      }}
    >
      <DialogSurface className={styles.surface}>
        <DeleteConfirmation address={address} onDeleted={onDeleted} />
      </DialogSurface>
    </Dialog>
  );
}

function DeleteConfirmation({ address, onDeleted }: Pick<DeleteAddressDialogProps, 'address' | 'onDeleted'>) {
  const styles = useStyles();
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
      <DialogContent className={styles.content}>
        {remove.error === null ? null : <ErrorBar error={remove.error.appError} title="Not deleted" />}
        <Text as="p" className={styles.paragraph}>
          This removes the address from Relayproof and also deletes its secret from the OS keychain. It cannot be undone: to use the
          address again you will need to add it and enter the secret again.
        </Text>
        <Text as="p" className={styles.paragraph}>The connector in {platformLabels[address.platform]} itself is not changed.</Text>
      </DialogContent>
      <DialogActions>
        <DialogTrigger disableButtonEnhancement>
          <Button appearance="secondary">Cancel</Button>
        </DialogTrigger>
        <Button appearance="primary" className={styles.confirm} onClick={confirm} disabledFocusable={remove.isPending}>
          {remove.isPending ? 'Deleting\u2026' : 'Delete address and secret'}
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
