import { useEffect, useRef, useState } from 'react';
import { Button } from './button';

interface CodeBlockProps {
  code: string;
  /** Name used for the download, e.g. task-definition.json. */
  filename: string;
  /** MIME type of the download. */
  mimeType?: string;
  /** Accessible name of the code region. */
  label: string;
  testId?: string;
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Fall through: the Clipboard API can be refused (permissions, unfocused document).
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'fixed -left-[9999px]';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

function download(text: string, filename: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Generated text with Copy (and a visible "Copied" confirmation) and Download. */
export function CodeBlock({ code, filename, mimeType = 'text/plain', label, testId }: CodeBlockProps) {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onCopy = async () => {
    clearTimeout(timer.current);
    try {
      await copyText(code);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
    timer.current = setTimeout(() => setCopyState('idle'), 2500);
  };

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 dark:border-slate-700">
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 bg-slate-100 px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900">
        <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{filename}</span>
        <div className="flex items-center gap-2">
          <span
            role="status"
            aria-live="polite"
            className="text-xs font-medium text-emerald-700 dark:text-emerald-400"
          >
            {copyState === 'copied'
              ? 'Copied'
              : copyState === 'failed'
                ? 'Copy failed: select the text instead'
                : ''}
          </span>
          <Button size="sm" onClick={() => void onCopy()} aria-label={`Copy ${label}`}>
            Copy
          </Button>
          <Button
            size="sm"
            onClick={() => download(code, filename, mimeType)}
            aria-label={`Download ${filename}`}
          >
            Download
          </Button>
        </div>
      </div>
      <pre
        tabIndex={0}
        aria-label={label}
        data-testid={testId}
        className="max-h-[32rem] overflow-auto bg-white p-4 font-mono text-xs leading-relaxed text-slate-800 dark:bg-slate-950 dark:text-slate-200"
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
