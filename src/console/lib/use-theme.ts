import { useCallback, useEffect, useRef, useState } from 'react';
import {
  applyTheme,
  readThemePreference,
  saveThemePreference,
  watchSystemTheme,
  type ThemePreference,
} from './theme';

const order: ThemePreference[] = ['system', 'light', 'dark'];

/** The theme preference, applied to <html> and persisted; `cycle` goes system -> light -> dark. */
export function useTheme() {
  const [pref, setPref] = useState<ThemePreference>(readThemePreference);
  const prefRef = useRef(pref);
  useEffect(() => {
    prefRef.current = pref;
    applyTheme(pref);
    saveThemePreference(pref);
  }, [pref]);
  useEffect(() => watchSystemTheme(() => prefRef.current), []);
  const cycle = useCallback(
    () => setPref((p) => order[(order.indexOf(p) + 1) % order.length] ?? 'system'),
    [],
  );
  return { pref, cycle };
}
