import { makeStaticStyles, tokens } from '@fluentui/react-components';

/** WCAG 2.2 focus appearance: a 2 px solid ring in the theme's focus colour (black in light, white in dark), outside the control. */
const ring = { outlineWidth: '2px', outlineStyle: 'solid', outlineColor: tokens.colorStrokeFocus2, outlineOffset: '2px' } as const;

/**
 * One focus indicator for every control of the app, instead of Fluent's thin brand
 * underline on fields and its double underline on links. `:root` makes it outrank a
 * component's own `outline: none`. A Fluent field draws the ring on its frame (the
 * inner input would put it inside the border). Elements focused only by script
 * (headings and regions with tabindex -1, where focus is moved to start reading)
 * keep no ring: they are not controls.
 */
export const useFocusStyles = makeStaticStyles({
  ':root :focus-visible:not([tabindex="-1"])': ring,
  ':root .fui-Input:focus-within, :root .fui-Textarea:focus-within, :root .fui-Select:focus-within, :root .fui-SpinButton:focus-within, :root .fui-Combobox:focus-within': ring,
  ':root .fui-Input__input:focus-visible, :root .fui-Textarea__textarea:focus-visible, :root .fui-Select__select:focus-visible, :root .fui-SpinButton__input:focus-visible, :root .fui-Combobox__input:focus-visible':
    { outlineStyle: 'none' },
  ':root .fui-Link:focus-visible': { ...ring, borderRadius: tokens.borderRadiusSmall },
});
