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
import { useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { LifecycleEventList } from './lifecycle-events';

const useStyles = makeStyles({
  surface: { maxWidth: '48rem', width: 'calc(100vw - 2rem)' },
  // Inside the dialog's scrolling content, a message must not be squeezed to a sliver.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '> *': { flexShrink: 0 } },
  paragraph: { margin: 0, color: tokens.colorNeutralForeground2 },
});

export interface HistoryDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
}

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function HistoryDialog({ open, address, onClose }: HistoryDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} className={styles.surface}>
      <History address={address} />
    </KeptDialog>
  );
}

function History({ address }: { readonly address: AddressView }) {
  const styles = useStyles();
  const events = useChannelQuery('addresses:events', { addressId: address.id });
  return (
    <DialogBody>
      <DialogTitle>History of {address.address}</DialogTitle>
      <DialogContent className={styles.content}>
        <Text as="p" className={styles.paragraph}>
          Every connection, rotation, move and import of this address, newest first. No secret is ever recorded.
        </Text>
        {events.isPending ? <Loading label="Loading the history…" /> : null}
        {events.error === null ? null : <ErrorBar error={events.error.appError} title="The history could not be loaded" />}
        {events.data === undefined ? null : <LifecycleEventList events={events.data} label={`Events of ${address.address}`} />}
      </DialogContent>
      <DialogActions>
        <DialogTrigger disableButtonEnhancement>
          <Button appearance="secondary">Close</Button>
        </DialogTrigger>
      </DialogActions>
    </DialogBody>
  );
}
