import { Spinner } from '@fluentui/react-components';

export function Loading({ label }: { readonly label: string }) {
  return <Spinner size="small" labelPosition="after" label={label} />;
}
