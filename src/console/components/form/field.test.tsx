import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Field } from './field';

describe('Field', () => {
  it('ties the control to its label, its error and its hint', () => {
    const html = renderToStaticMarkup(
      <Field id="f-name" label="Cluster name" error="Enter a cluster name." hint="Letters and numbers.">
        {(control) => <input {...control} />}
      </Field>,
    );
    expect(html).toContain('<label for="f-name"');
    expect(html).toContain('id="f-name" aria-invalid="true" aria-describedby="f-name-error f-name-hint"');
    expect(html).toContain('<p id="f-name-error"');
    expect(html).toContain('Enter a cluster name.');
  });
  it('is not marked invalid without an error', () => {
    const html = renderToStaticMarkup(
      <Field id="f-x" label="X">
        {(control) => <input {...control} />}
      </Field>,
    );
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
  });
});
