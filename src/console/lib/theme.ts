/** Theme preference: 'system' follows prefers-color-scheme. Persisted in localStorage (not AWS data). */
export type ThemePreference = 'system' | 'light' | 'dark';

const KEY = 'ecs-console.theme';
const media = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

export function readThemePreference(): ThemePreference {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function saveThemePreference(pref: ThemePreference): void {
  try {
    if (pref === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, pref);
  } catch {
    // Storage may be disabled; the preference then lasts for this page only.
  }
}

export function isDark(pref: ThemePreference): boolean {
  return pref === 'dark' || (pref === 'system' && media().matches);
}

export function applyTheme(pref: ThemePreference): void {
  document.documentElement.classList.toggle('dark', isDark(pref));
}

/** Re-applies the theme when the system setting changes while the preference is 'system'. */
export function watchSystemTheme(getPref: () => ThemePreference): () => void {
  const mq = media();
  const onChange = () => {
    if (getPref() === 'system') applyTheme('system');
  };
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}
