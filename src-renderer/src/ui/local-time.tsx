import type { HTMLAttributes } from 'react';
import { formatLocalTime, formatUtcTime } from './time-format';

export interface LocalTimeProps extends Omit<HTMLAttributes<HTMLElement>, 'title' | 'children'> {
  readonly iso: string;
}

/** A time as the admin reads it, with the exact UTC time on hover and in `dateTime` for assistive tech. */
export function LocalTime({ iso, ...rest }: LocalTimeProps) {
  return (
    <time {...rest} dateTime={iso} title={formatUtcTime(iso)}>
      {formatLocalTime(iso)}
    </time>
  );
}
