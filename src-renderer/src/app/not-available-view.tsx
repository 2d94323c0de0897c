import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { ViewHeader } from '../ui/view-header';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxWidth: '64ch',
    padding: tokens.spacingHorizontalXL,
    border: `${tokens.strokeWidthThin} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  status: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  paragraph: { margin: 0 },
});

export interface NotAvailableViewProps {
  readonly title: string;
  /** What the view will do once it exists, in the admin's words. */
  readonly willDo: string;
}

/** An honest placeholder: no sample data, just what is coming. */
export function NotAvailableView({ title, willDo }: NotAvailableViewProps) {
  const styles = useStyles();
  return (
    <>
      <ViewHeader title={title} />
      <section className={styles.box} aria-labelledby="not-available-status">
        <Text as="h2" size={400} className={styles.status} id="not-available-status">
          Not available yet
        </Text>
        <Text as="p" className={styles.paragraph}>
          {willDo}
        </Text>
        <Text as="p" className={styles.paragraph}>
          Until then, use the Addresses view to record the address and store its secret in the OS keychain.</Text>
      </section>
    </>
  );
}
