// Which roles get the desk, and their screens: small on purpose, so that the tablet
// app can route by role without loading the desk's code (loaded on demand).
export const SCREENS = {
  telemarketer: ['calls', 'book'],
  backoffice: ['board', 'accounts'],
  manager: ['dashboard', 'forecast', 'plans', 'model', 'fields', 'accounts', 'duplicates', 'calls', 'book', 'board', 'people', 'import', 'quality'],
  admin: ['dashboard', 'forecast', 'plans', 'model', 'fields', 'accounts', 'duplicates', 'calls', 'book', 'board', 'people', 'import', 'quality', 'routing'],
};
export const isDesk = (u) => !!u && u.role in SCREENS;
export const deskHome = (u) => `/desk/${SCREENS[u.role][0]}`;
