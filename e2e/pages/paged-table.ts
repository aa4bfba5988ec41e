import type { Locator, Page } from '@playwright/test';

/** A DataTable that pages with the API's token: its count, its "Load more" button, its virtual scroll box. */
export class PagedTable {
  constructor(
    readonly page: Page,
    /** The button's words, e.g. "Load 100 more tasks". */
    readonly loadMoreName: string | RegExp,
    readonly countTestId?: string,
  ) {}

  get loadMore(): Locator {
    return this.page.getByRole('button', { name: this.loadMoreName });
  }

  /** "100 tasks loaded, more to load", "250 tasks". */
  get count(): Locator {
    return this.countTestId
      ? this.page.getByTestId(this.countTestId)
      : this.page.getByText(/^\d+( of \d+)? \w[\w ]* (loaded|$)/);
  }

  /** "Load more" with the keyboard only: focus it and press Enter. */
  async loadMoreWithKeyboard(): Promise<void> {
    await this.loadMore.focus();
    await this.page.keyboard.press('Enter');
  }

  /** The row (of a virtual table, by its rows' test id) that shows this text, e.g. a task id. */
  row(rowTestId: string, text: string): Locator {
    return this.page.getByTestId(rowTestId).filter({ hasText: text });
  }

  /** Scrolls a virtual table's rows to the end (what loads the next page there). */
  async scrollToEnd(scrollTestId: string): Promise<void> {
    await this.page.getByTestId(scrollTestId).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
  }
}
