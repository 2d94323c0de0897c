/** Reads an enhanced status code (or just a reply code's class) with RFC 3463 §3. */
import type { Rfc3463File, Rfc3463Reading } from '../../src-preload/contract/analyze';

export function readStatusCode(table: Rfc3463File, enhanced: string | null, replyCode: number | null): Rfc3463Reading | null {
  const [klass, subjectText, detailText] = enhanced?.split('.') ?? [replyCode !== null ? String(replyCode)[0] : undefined];
  const cls = table.classes.find((c) => c.class === klass);
  if (cls === undefined) return null;
  const subjectNumber = subjectText !== undefined ? Number(subjectText) : null;
  const subject = subjectNumber !== null ? (table.subjects.find((s) => s.subject === subjectNumber) ?? null) : null;
  const detail = subjectText !== undefined && detailText !== undefined ? (table.details.find((d) => d.code === `x.${subjectText}.${detailText}`) ?? null) : null;
  return {
    code: enhanced ?? cls.class,
    class: { class: cls.class, title: cls.title, meaning: cls.meaning },
    subject: subject === null ? null : { subject: subject.subject, title: subject.title, meaning: subject.meaning },
    detail: detail === null ? null : { code: detail.code, title: detail.title, meaning: detail.meaning },
  };
}

/** Fix steps for a reading: the subject's, then the class's. */
export function readingSteps(table: Rfc3463File, reading: Rfc3463Reading): string[] {
  const cls = table.classes.find((c) => c.class === reading.class.class);
  const subject = reading.subject === null ? undefined : table.subjects.find((s) => s.subject === reading.subject?.subject);
  return [...(subject?.steps ?? []), ...(cls?.steps ?? [])];
}
