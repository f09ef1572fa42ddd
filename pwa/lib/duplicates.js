// Likely duplicates of a new account among those the tablet holds: the same
// normalised name and postcode, the same SIRET, or the same phone number.
// server/accounts/duplicates.py applies the same rules on push.

const LEGAL_FORMS = /\b(sarl|sas|sasu|sa|eurl|sci|snc|ets|etablissements|societe|ste|et cie|cie)\b/g;

/** "Éts Martin & Fils, SARL" → "martin fils". */
export function normaliseName(name) {
  return String(name || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ').replace(LEGAL_FORMS, ' ').replace(/\s+/g, ' ').trim();
}

/** The last nine digits: +33 3 80 12 34 56 and 03 80 12 34 56 are one number. */
export const normalisePhone = (phone) => String(phone || '').replace(/\D/g, '').slice(-9);
export const normaliseSiret = (siret) => String(siret || '').replace(/\D/g, '');

/** [{account, by: "name"|"siret"|"phone"}] among `accounts` for the draft `candidate`. */
export function likelyDuplicates(candidate, accounts) {
  const name = normaliseName(candidate.name);
  const phone = normalisePhone(candidate.phone);
  const siret = normaliseSiret(candidate.custom?.siret);
  const found = [];
  for (const a of accounts) {
    if (a.id === candidate.id) continue;
    let by = null;
    if (siret.length >= 9 && normaliseSiret(a.custom?.siret) === siret) by = 'siret';
    else if (name && candidate.postcode && normaliseName(a.name) === name && (a.postcode || '').trim() === candidate.postcode.trim()) by = 'name';
    else if (phone.length === 9 && normalisePhone(a.phone) === phone) by = 'phone';
    if (by) found.push({ account: a, by });
  }
  return found;
}
