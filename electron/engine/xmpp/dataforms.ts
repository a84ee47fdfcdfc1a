/**
 * The little of Data Forms (XEP-0004) that PEP needs: submit forms with a FORM_TYPE and the
 * set of field names a form offers.
 */
import type { Element } from '@xmpp/xml';
import { xml } from './xml.js';

export const NS_DATA = 'jabber:x:data';

export type FormValues = Readonly<Record<string, string | readonly string[]>>;

/** `<x type='submit'>` with a hidden FORM_TYPE (XEP-0068) and one field per value. */
export function submitForm(formType: string, values: FormValues): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(values).map(([name, value]) =>
      xml('field', { var: name }, ...(typeof value === 'string' ? [value] : value).map((v) => xml('value', {}, v))),
    ),
  );
}

/** Names of the fields a form offers (FORM_TYPE excluded). */
export function formFieldNames(form: Element | undefined): Set<string> {
  const names = new Set<string>();
  for (const field of form?.getChildren('field', NS_DATA) ?? []) {
    const name = field.attrs.var;
    if (name && name !== 'FORM_TYPE') names.add(name);
  }
  return names;
}
