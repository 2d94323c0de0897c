import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ChangeEvent, InputHTMLAttributes, Ref } from 'react';

function borderColor(color: string) {
  return { borderTopColor: color, borderRightColor: color, borderBottomColor: color, borderLeftColor: color };
}

const useStyles = makeStyles({
  // Drawn like Fluent's Input (outline, accessible bottom stroke, brand underline on focus).
  input: {
    boxSizing: 'border-box',
    width: '100%',
    minHeight: '32px',
    padding: `0 ${tokens.spacingHorizontalMNudge}`,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    color: tokens.colorNeutralForeground1,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderBottomColor: tokens.colorNeutralStrokeAccessible,
    borderRadius: tokens.borderRadiusMedium,
    outlineStyle: 'none',
    ':hover': { ...borderColor(tokens.colorNeutralStroke1Hover), borderBottomColor: tokens.colorNeutralStrokeAccessibleHover },
    ':focus-visible': {
      borderBottomColor: tokens.colorCompoundBrandStroke,
      boxShadow: `inset 0 -${tokens.strokeWidthThin} 0 ${tokens.colorCompoundBrandStroke}`,
    },
    ':disabled': {
      cursor: 'not-allowed',
      color: tokens.colorNeutralForegroundDisabled,
      backgroundColor: tokens.colorTransparentBackground,
      ...borderColor(tokens.colorNeutralStrokeDisabled),
    },
  },
  invalid: { ...borderColor(tokens.colorPaletteRedBorder2), ':hover': borderColor(tokens.colorPaletteRedBorder2) },
});

export interface SecretInputProps extends Pick<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-labelledby' | 'aria-describedby' | 'aria-invalid' | 'aria-required'> {
  readonly inputRef: Ref<HTMLInputElement>;
  readonly disabled: boolean;
  readonly onPresence: (present: boolean) => void;
}

/**
 * A password field that is really uncontrolled. Fluent's Input keeps its value in
 * state and React then mirrors it into the `value` attribute, which would put the
 * secret into the page's markup while it is typed; this native input never does.
 * Its value is read once, when the test is sent, and then emptied.
 */
export function SecretInput({ inputRef, disabled, onPresence, ...fieldProps }: SecretInputProps) {
  const styles = useStyles();
  return (
    <input
      {...fieldProps}
      ref={inputRef}
      type="password"
      autoComplete="new-password"
      spellCheck={false}
      disabled={disabled}
      onChange={(event: ChangeEvent<HTMLInputElement>) => onPresence(event.currentTarget.value !== '')}
      className={mergeClasses(styles.input, fieldProps['aria-invalid'] === true && styles.invalid)}
    />
  );
}
