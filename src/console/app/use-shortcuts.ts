import { useEffect, useRef } from 'react';
import { isTypingTarget, matchShortcut, type Shortcut } from './shortcuts';

/** Listens for the shortcuts on the document; a sequence must be completed within a second. */
export function useShortcuts(onShortcut: (shortcut: Shortcut) => void): void {
  const handler = useRef(onShortcut);
  useEffect(() => {
    handler.current = onShortcut;
  });
  useEffect(() => {
    let sequence: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      clearTimeout(timer);
      sequence = [...sequence, e.key];
      const match = matchShortcut(sequence);
      if (match === 'prefix') {
        timer = setTimeout(() => (sequence = []), 1000);
        return;
      }
      sequence = [];
      if (match) {
        e.preventDefault();
        handler.current(match);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, []);
}
