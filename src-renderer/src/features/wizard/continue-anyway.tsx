import { Checkbox, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  proceed: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '72ch' },
});

export interface ContinueAnywayProps {
  /** The checkbox's label: "Continue anyway, although …". */
  readonly label: string;
  readonly checked: boolean;
  readonly onCheckedChange: (checked: boolean) => void;
  readonly reason: string;
  readonly onReasonChange: (reason: string) => void;
  readonly hint: string;
  /** The refusal of an empty or too long reason. */
  readonly error: string | undefined;
}

/** "Continue anyway, with a reason": the way past a step whose proof did not pass (steps 4 and 7). */
export function ContinueAnyway({ label, checked, onCheckedChange, reason, onReasonChange, hint, error }: ContinueAnywayProps) {
  const styles = useStyles();
  return (
    <div className={styles.proceed}>
      <Checkbox checked={checked} onChange={(_e, d) => onCheckedChange(d.checked === true)} label={label} />
      {checked ? (
        <Field label="Why do you continue?" required hint={hint} {...(error === undefined ? {} : { validationState: 'error' as const, validationMessage: error })}>
          <Textarea value={reason} onChange={(_e, d) => onReasonChange(d.value)} resize="vertical" />
        </Field>
      ) : null}
    </div>
  );
}
