import { makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: '0.92em',
    padding: `0 ${tokens.spacingHorizontalXXS}`,
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorNeutralBackground3,
    overflowWrap: 'anywhere',
  },
});

/** Catalogue text marks commands and values with backticks; show those as code. */
export function InlineCode({ text }: { readonly text: string }) {
  const styles = useStyles();
  const parts = text.split('`');
  // An odd count of backticks leaves the last one unpaired: keep it as written.
  if (parts.length % 2 === 0) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className={styles.code}>
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
