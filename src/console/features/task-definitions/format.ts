export const linkClass =
  'font-medium text-orange-800 underline-offset-2 hover:underline dark:text-orange-300';
export const selectClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';
