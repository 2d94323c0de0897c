import type { ReactNode } from 'react';

export type HeadingLevel = 2 | 3 | 4;

/** A heading whose level follows where the panel is embedded (a view, or a wizard step). */
export function Heading({ level, id, className, children }: { readonly level: HeadingLevel; readonly id?: string; readonly className?: string; readonly children: ReactNode }) {
  const Tag = `h${level}` as const;
  return (
    <Tag id={id} className={className}>
      {children}
    </Tag>
  );
}

export function nextLevel(level: HeadingLevel): HeadingLevel {
  return level === 2 ? 3 : 4;
}
