import { Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import type { ClipboardEvent } from 'react';
import { fieldMessageProps } from '../../ui/field-hint';
import { listWords } from './ses-words';
import { fillTokens, tokensOfPaste } from './token-paste';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '40rem' },
  input: { fontFamily: tokens.fontFamilyMonospace },
});

export interface TokenFieldsProps {
  readonly values: readonly string[];
  readonly domain: string;
  /** The CNAME target as the platform data writes it (`{token}.dkim.…`), for the hint. */
  readonly targetPattern: string;
  readonly error: string | undefined;
  readonly onChange: (values: readonly string[]) => void;
  /** A paste named another domain's records: said instead of taking them. */
  readonly onRefused: (message: string) => void;
  readonly disabled?: boolean;
}

/**
 * The three DKIM tokens from Zuora's DKIM Settings dialog. Paste-friendly: a field takes
 * the bare token, the CNAME's name or its target, and a paste of the whole table (or
 * several rows) fills this field and the ones after it.
 */
export function TokenFields({ values, domain, targetPattern, error, onChange, onRefused, disabled = false }: TokenFieldsProps) {
  const styles = useStyles();
  const onPaste = (index: number) => (event: ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData('text/plain');
    const { tokens: pasted, refused } = tokensOfPaste(text, domain);
    if (refused.length > 0 && pasted.length === 0) {
      event.preventDefault();
      onRefused(`These records are for ${listWords([...new Set(refused.map((r) => r.domain))])}, not ${domain}: copy the DKIM Settings of the ${domain} identity in Zuora.`);
      return;
    }
    // A single word is typed into the field as pasted (the field keeps the cursor's place); more fills the fields in turn.
    if (pasted.length <= 1 && !/\s/u.test(text.trim())) return;
    event.preventDefault();
    onChange(fillTokens(values, index, pasted));
  };
  return (
    <div className={styles.root} role="group" aria-label="DKIM tokens">
      {values.map((value, index) => (
        <Field
          // The three fields are one list: a field's position is its identity.
          key={index}
          label={`DKIM token ${index + 1}`}
          required
          {...fieldMessageProps(index === 0 ? error : undefined, index === 0 ? `Paste the token, its name (<token>._domainkey.${domain === '' ? 'yourcompany.com' : domain}) or its value (${targetPattern.replaceAll('{token}', '<token>')}); pasting all three rows at once fills the three fields.` : undefined)}
        >
          <Input
            className={styles.input}
            value={value}
            disabled={disabled}
            onChange={(_e, d) => onChange(values.map((v, i) => (i === index ? d.value : v)))}
            onPaste={onPaste(index)}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
      ))}
    </div>
  );
}
