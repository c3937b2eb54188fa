export const THEME_COOKIE = 'kanso-theme';
