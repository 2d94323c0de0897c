/** Lets an address wrap after the "@" (a `<wbr>`) instead of in the middle of a word, when its line is too narrow. */
export function BreakAfterAt({ text }: { readonly text: string }) {
  const at = text.indexOf('@');
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}
