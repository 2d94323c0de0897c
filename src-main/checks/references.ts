/** The standards each finding rests on, with links the UI can open. */
import type { Reference } from '../../src-preload/contract/checks-schemas';

const rfc = (number: number, section?: string): Reference => ({
  label: section === undefined ? `RFC ${number}` : `RFC ${number} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${number}${section === undefined ? '' : `#section-${section}`}`,
});

export const refs = {
  spfRecord: rfc(7208, '4.5'),
  spfEvaluation: rfc(7208, '4.6'),
  spfLimits: rfc(7208, '4.6.4'),
  spfDefault: rfc(7208, '4.7'),
  spfPtr: rfc(7208, '5.5'),
  spfRedirect: rfc(7208, '6.1'),
  spfMacros: rfc(7208, '7'),
  txtStrings: rfc(1035, '3.3.14'),
  dkimKeyRecord: rfc(6376, '3.6.1'),
  dkimTxtJoin: rfc(6376, '3.6.2.2'),
  dkimCrypto: rfc(8301, '3'),
  dkimEd25519: rfc(8463),
  dmarcTags: rfc(9989, '4.7'),
  dmarcTreeWalk: rfc(9989, '4.10'),
  dmarcPolicy: rfc(9989, '4.10.1'),
  dmarcReports: rfc(9990),
  dmarcFailureReports: rfc(9991),
  nullMx: rfc(7505),
  mxHost: rfc(5321, '5.1'),
  cnameTargets: rfc(2181, '10.3'),
  helo: rfc(5321, '4.1.1.1'),
  reservedNames: rfc(2606),
  mtaSts: rfc(8461, '3.1'),
  mtaStsPolicy: rfc(8461, '3.2'),
  tlsRpt: rfc(8460, '3'),
  negativeCaching: rfc(2308, '5'),
  bimi: { label: 'BIMI (draft-brand-indicators-for-message-identification)', url: 'https://datatracker.ietf.org/doc/draft-brand-indicators-for-message-identification/' },
} as const;
