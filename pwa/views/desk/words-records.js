// Words of the desk's account screen and merge suggestions (records.js, duplicates.js),
// merged into the desk's dictionaries by words.js.
export const fr = {
  accountsDesk: 'Comptes', customValues: 'Informations complémentaires', noAccountFields: 'Aucun champ personnalisé pour les comptes : le directeur commercial les définit dans « Champs personnalisés ».',
  noContactFields: 'Aucun champ personnalisé pour les contacts.', valuesSaved: 'Valeurs enregistrées.',
  valuesRefused: 'Valeurs refusées : voir les champs en rouge.', pickAccount: 'Cherchez un compte pour voir et modifier ses informations.',
  ownedBy: 'Commercial : {name}', noContacts: 'Aucun contact.', requiredHint: '* obligatoire',
  keepThis: 'Garder celui-ci', mergeHelp: 'Fusionner garde tout : visites, contacts, devis, rendez-vous, photos et valeurs. Les valeurs différentes sont gardées dans les conflits du commercial concerné.',
  dismissSuggestion: 'Sociétés différentes', mergedDone: 'Comptes fusionnés. {n} valeur(s) différente(s) gardée(s) dans les conflits.',
  dismissedDone: 'Suggestion écartée.', setAside: 'Mise de côté', keptValue: 'Gardée', openAccount: 'Ouvrir',
};
export const en = {
  accountsDesk: 'Accounts', customValues: 'More information', noAccountFields: 'No custom fields for accounts: the sales manager defines them under “Custom fields”.',
  noContactFields: 'No custom fields for contacts.', valuesSaved: 'Values saved.',
  valuesRefused: 'Values refused: see the fields in red.', pickAccount: 'Search an account to see and edit its information.',
  ownedBy: 'Rep: {name}', noContacts: 'No contacts.', requiredHint: '* required',
  keepThis: 'Keep this one', mergeHelp: 'Merging keeps everything: visits, contacts, quotes, appointments, photos and values. Values that differ are kept in the conflicts of the rep concerned.',
  dismissSuggestion: 'Different companies', mergedDone: 'Accounts merged. {n} differing value(s) kept in the conflicts.',
  dismissedDone: 'Suggestion dismissed.', setAside: 'Set aside', keptValue: 'Kept', openAccount: 'Open',
};
