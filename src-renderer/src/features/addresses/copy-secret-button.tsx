import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AddressView } from '../../../../src-preload/contract';
import { useId } from 'react';
import { useAppInfo, useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { authKindLabels } from './address-labels';
import { usePlatformNaming } from '../../api/use-platforms';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS },
  status: { color: tokens.colorNeutralForeground2 },
});

/**
 * "Copy password": main copies the stored secret to the clipboard (and clears it later);
 * the secret never reaches the page. Used by the wizard summary and the rotate dialog.
 * Where main already knows a copy cannot work (browser mode without a desktop session or
 * its clipboard tool), the button stays focusable but disabled and says why and what to
 * install, instead of failing on every click.
 */
export function CopySecretButton({ address }: { readonly address: AddressView }) {
  const styles = useStyles();
  const copySecret = useChannelMutation('vault:copy-secret-to-clipboard');
  const platformName = usePlatformNaming().shortName(address.platform);
  const noun = address.authKind === 'password' ? 'password' : authKindLabels[address.authKind].toLowerCase();
  const clipboard = useAppInfo().data?.clipboard;
  const reasonId = useId();
  if (clipboard !== undefined && !clipboard.available) {
    return (
      <span className={styles.root} data-clipboard="unavailable">
        <Button size="small" disabledFocusable aria-describedby={reasonId}>
          {`Copy ${noun}`}
        </Button>
        <Text id={reasonId} size={200} className={styles.status}>
          {clipboard.reason.replace('the password', `the ${noun}`)}
        </Text>
      </span>
    );
  }
  return (
    <span className={styles.root}>
      <Button size="small" onClick={() => copySecret.mutate({ addressId: address.id })} disabledFocusable={copySecret.isPending}>
        {`Copy ${noun}`}
      </Button>
      <Text role="status" aria-live="polite" size={200} className={styles.status}>
        {copySecret.data === undefined
          ? ''
          : `Copied. Relayproof clears the clipboard in ${copySecret.data.clearsAfterSeconds} s if it still holds it: paste it into ${platformName} now.`}
      </Text>
      {copySecret.error === null ? null : <ErrorBar error={copySecret.error.appError} title={`The ${noun} was not copied`} />}
    </span>
  );
}
