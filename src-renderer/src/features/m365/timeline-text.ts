/**
 * The retirement timeline's text without repeats: the summary paragraph is written for
 * surfaces that show no milestones (the CLI), so it quotes the milestones' own sentences;
 * next to the list those would be read twice.
 */

/** Sentences of a paragraph, each with its full stop; "Then: " introduces a quoted milestone. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const bare = (sentence: string) => sentence.replace(/^Then:\s*/u, '').toLowerCase();

/** `detail` less every sentence the milestones already say. */
export function detailBesideMilestones(detail: string, milestoneDetails: readonly string[]): string {
  const said = new Set(milestoneDetails.flatMap(sentences).map(bare));
  return sentences(detail)
    .filter((s) => !said.has(bare(s)))
    .join(' ');
}

/** Whether a milestone's detail already says its title ("Final removal" in "… the final removal date …"). */
export function detailSaysTitle(title: string, detail: string): boolean {
  return (sentences(detail)[0] ?? '').toLowerCase().includes(title.toLowerCase());
}
