import { makeStyles, MessageBar, MessageBarBody, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  // Always in the page so screen readers announce what appears in it; while empty it
  // takes back the gap its flex parent puts around it.
  region: { ':empty': { marginBottom: `calc(-1 * ${tokens.spacingVerticalL})` } },
});

/** A polite live region showing the outcome of the last action, e.g. "Settings saved." */
export function LiveStatus({ message }: { readonly message: string | null }) {
  const styles = useStyles();
  return (
    <div role="status" aria-live="polite" className={styles.region}>
      {message === null ? null : (
        <MessageBar intent="success">
          <MessageBarBody>{message}</MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
