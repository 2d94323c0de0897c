import {
  Button,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { KeptDialog } from '../../ui/kept-dialog';
import type { AddressView } from '../../../../src-preload/contract';
import { ErrorBar } from '../../ui/error-bar';
import { environmentLabels } from './address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { secretNoun } from './address-status';
import { useDeleteAddress } from './use-address-mutations';

export interface DisconnectAddressDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
  readonly onDisconnected: (message: string) => void;
}

const useStyles = makeStyles({
  surface: { maxWidth: '40rem' },
  // Inside the dialog's scrolling content, a message must not be squeezed to a sliver.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '> *': { flexShrink: 0 } },
  paragraph: { margin: 0 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  confirm: { whiteSpace: 'nowrap' },
});

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function DisconnectAddressDialog({ open, address, onClose, onDisconnected }: DisconnectAddressDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} modalType="alert" className={styles.surface}>
      <DisconnectConfirmation address={address} onDisconnected={onDisconnected} />
    </KeptDialog>
  );
}

function DisconnectConfirmation({ address, onDisconnected }: Pick<DisconnectAddressDialogProps, 'address' | 'onDisconnected'>) {
  const styles = useStyles();
  const remove = useDeleteAddress();
  const platforms = usePlatformNaming();
  const platform = platforms.shortName(address.platform);
  const noun = secretNoun(address.authKind);
  const confirm = () => {
    remove.mutate(address.id, {
      onSuccess: (result) => {
        onDisconnected(
          result.secretDeleted
            ? `Disconnected. Deleted ${address.address} and its ${noun} from the OS keychain; a record is kept in the history below.`
            : `Disconnected. Deleted ${address.address} (there was no ${noun} in the OS keychain to delete); a record is kept in the history below.`,
        );
      },
    });
  };
  return (
    <DialogBody>
      <DialogTitle>Disconnect and delete {address.address}?</DialogTitle>
      <DialogContent className={styles.content}>
        {remove.error === null ? null : <ErrorBar error={remove.error.appError} title="Not disconnected" />}
        <Text as="p" className={styles.paragraph}>
          This removes {address.address} ({platforms.label(address.platform)}, {environmentLabels[address.environment]}) from Relayproof and deletes its secret from the OS keychain. A
          record without any secret stays in the history. It cannot be undone: to use the address again you connect it again and enter the {noun}.
        </Text>
        <Text as="p" className={styles.paragraph} weight="semibold">
          Before you disconnect, in {platform}:
        </Text>
        <ul className={styles.list}>
          <li>Do it at a low-traffic time: disconnecting takes a few minutes.</li>
          <li>
            Ask your {platform} team to pause ticket updates until the address is disconnected there and, if you keep the branded address, re-added, so
            replies do not go out half-configured.
          </li>
          <li>
            Remove or switch the address in {platform} first: this computer&apos;s copy of the credentials is not what {platform} uses, so deleting it here
            changes nothing on the platform.
          </li>
        </ul>
      </DialogContent>
      <DialogActions>
        <DialogTrigger disableButtonEnhancement>
          <Button appearance="secondary">Cancel</Button>
        </DialogTrigger>
        <Button appearance="primary" className={styles.confirm} onClick={confirm} disabledFocusable={remove.isPending}>
          {remove.isPending ? 'Disconnecting\u2026' : 'Disconnect: delete address and secret'}
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
