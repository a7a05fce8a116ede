/// <reference lib="dom" />
/**
 * `<placet-form>`: the browser UI of the `form` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * One native control per field, `name="<field name>"`, labelled with `label` (`*` when `required`), with
 * `description`, `placeholder`, `defaultValue`, `min`/`max`/`step`/`unit`, `minLength`/`maxLength` and
 * `options`; a multiselect is a `<fieldset>` (its `<legend>` the label) of one labelled checkbox per
 * option, all named after the field. The response holds every field with the type the server expects:
 * numbers (number, range) as numbers, checkboxes as booleans, a multiselect as the list of checked
 * option values (in option order), other types as strings, and `null` for an empty field (a multiselect
 * with nothing checked included). Enter in a single-line field submits.
 */
import {
  type Child,
  defineElement,
  errorSlot,
  h,
  PlacetReviewElement,
  submitButton,
} from '@placet/core/browser';
import type { FormFieldValue } from './field-value.js';
import {
  choiceLabels,
  type FormField,
  type FormFieldType,
  type FormPayload,
  LENGTH_FIELD_TYPES,
  optionLabel,
  optionValue,
} from './form-field.js';
import { type FormResponse, formSchemas } from './schema.js';

/** `<input type>` of the field types that are plain inputs. */
const INPUT_TYPE: Partial<Record<FormFieldType, string>> = {
  text: 'text',
  email: 'email',
  url: 'url',
  password: 'password',
  date: 'date',
  time: 'time',
  datetime: 'datetime-local',
};

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function numberAttrs(field: FormField): Record<string, unknown> {
  const range = field.type === 'range';
  const min = field.min ?? (range ? 0 : undefined);
  const dv = field.defaultValue;
  const value =
    typeof dv === 'number' || (typeof dv === 'string' && dv.trim() !== '') ? Number(dv) : undefined;
  return {
    type: field.type,
    min,
    max: field.max ?? (range ? 100 : undefined),
    // Without a step any number is fine (the server checks none): `any` keeps the browser from flagging it.
    step: field.step ?? (range ? 1 : 'any'),
    value: value !== undefined && Number.isFinite(value) ? value : range ? min : undefined,
    placeholder: range ? undefined : field.placeholder,
    inputmode: range ? undefined : 'decimal',
  };
}

/** `minlength`/`maxlength` of the free-text types. */
function lengthAttrs(field: FormField): Record<string, unknown> {
  if (!LENGTH_FIELD_TYPES.has(field.type)) return {};
  return { minlength: field.minLength, maxlength: field.maxLength };
}

function control(field: FormField, attrs: Record<string, unknown>): Control {
  const dv = field.defaultValue;
  switch (field.type) {
    case 'textarea':
      return h(
        'textarea',
        { ...attrs, ...lengthAttrs(field), rows: 3, placeholder: field.placeholder },
        dv === undefined ? '' : String(dv),
      );
    case 'select':
      return h(
        'select',
        attrs,
        h('option', { value: '' }, field.placeholder ?? 'Select…'),
        (field.options ?? []).map((option) =>
          h(
            'option',
            { value: optionValue(option), selected: dv !== undefined && optionValue(option) === String(dv) },
            optionLabel(option),
          ),
        ),
      );
    case 'checkbox':
      return h('input', { ...attrs, type: 'checkbox', checked: dv === true });
    case 'number':
    case 'range':
      return h('input', { ...attrs, ...numberAttrs(field) });
    default:
      return h('input', {
        ...attrs,
        type: INPUT_TYPE[field.type] ?? 'text',
        ...lengthAttrs(field),
        placeholder: field.placeholder,
        value: dv === undefined ? undefined : String(dv),
        autocomplete: field.type === 'password' ? 'new-password' : undefined,
      });
  }
}

/**
 * A multiselect: a `<fieldset>` named by its `<legend>` and described by the description, with one
 * checkbox per option (`name` the field's, `value` the option's), each labelled with the option's label.
 */
function renderMultiselect(field: FormField, id: string, descriptionId: string | undefined): HTMLElement {
  const dv = Array.isArray(field.defaultValue) ? field.defaultValue : [];
  const boxes = (field.options ?? []).map((option, index) => {
    const boxId = `${id}-${index}`;
    const value = optionValue(option);
    return h(
      'div',
      { class: 'inline' },
      h('input', { type: 'checkbox', id: boxId, name: field.name, value, checked: dv.includes(value) }),
      h('label', { for: boxId }, optionLabel(option)),
    );
  });
  return h(
    'fieldset',
    { class: 'field multiselect', id, 'aria-describedby': descriptionId },
    h('legend', { class: field.required === true ? 'required' : undefined }, field.label),
    field.description ? h('p', { class: 'description', id: descriptionId }, field.description) : null,
    boxes,
    errorSlot(field.name),
  );
}

function renderField(field: FormField, index: number): HTMLElement {
  const id = `field-${index}`;
  const descriptionId = field.description ? `${id}-description` : undefined;
  if (field.type === 'multiselect') return renderMultiselect(field, id, descriptionId);
  const required = field.required === true;
  const input = control(field, { id, name: field.name, required, 'aria-describedby': descriptionId });
  const label = h('label', { for: id, class: required ? 'required' : undefined }, field.label);
  const description = field.description
    ? h('p', { class: 'description', id: descriptionId }, field.description)
    : null;
  if (field.type === 'checkbox') {
    return h(
      'div',
      { class: 'field checkbox' },
      h('div', { class: 'inline' }, input, label),
      description,
      errorSlot(field.name),
    );
  }
  let body: Child = input;
  if (field.type === 'range') {
    const output = h('output', { for: id, class: 'unit' });
    const show = () => {
      output.textContent = `${input.value}${field.unit ? ` ${field.unit}` : ''}`;
    };
    input.addEventListener('input', show);
    show();
    body = h('div', { class: 'inline' }, input, output);
  } else if (field.unit) {
    body = h('div', { class: 'inline' }, input, h('span', { class: 'unit' }, field.unit));
  }
  return h('div', { class: 'field' }, label, description, body, errorSlot(field.name));
}

/** A field's value as the server expects it; `null` for an empty field, `NaN` for unparsable numbers. */
function readValue(field: FormField, form: HTMLFormElement): FormFieldValue {
  if (field.type === 'multiselect') {
    const boxes = form.querySelectorAll<HTMLInputElement>(`input[name="${CSS.escape(field.name)}"]`);
    const checked = [...boxes].filter((box) => box.checked).map((box) => box.value);
    return checked.length > 0 ? checked : null;
  }
  const el = form.querySelector<Control>(`[name="${CSS.escape(field.name)}"]`);
  if (!el) return null;
  if (field.type === 'checkbox') return (el as HTMLInputElement).checked;
  if (field.type === 'number' || field.type === 'range') {
    const input = el as HTMLInputElement;
    if (input.validity.badInput) return Number.NaN;
    return input.value === '' ? null : input.valueAsNumber;
  }
  return el.value === '' ? null : el.value;
}

/** How an answered field is shown: option labels, Yes/No, units, masked passwords. */
function display(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (field.type === 'password') return '••••••••';
  if (Array.isArray(value)) return value.length > 0 ? choiceLabels(field, value).join(', ') : '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (field.type === 'select') {
    const option = (field.options ?? []).find((candidate) => optionValue(candidate) === value);
    if (option) return optionLabel(option);
  }
  return field.unit && typeof value === 'number' ? `${value} ${field.unit}` : String(value);
}

export class PlacetFormElement extends PlacetReviewElement<FormPayload, FormResponse> {
  static override styles = `
.inline{display:flex;align-items:center;gap:.5rem}
.checkbox .inline label,.multiselect>legend{font-weight:600}
.multiselect:disabled{opacity:1}
input[type=checkbox]{width:1rem;height:1rem;margin:0;accent-color:var(--_accent)}
input[type=range]{flex:1;accent-color:var(--_accent)}
.unit{color:var(--_muted);white-space:nowrap}
.answers{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.3rem 1rem;margin:0}
.answers dt{font-weight:600}.answers dd{margin:0;white-space:pre-wrap;word-break:break-word}
`;
  protected readonly definition = formSchemas;

  protected renderForm(payload: FormPayload): { fields: Child[]; actions: Child[] } {
    return {
      fields: payload.fields.map(renderField),
      actions: [submitButton(payload.submitLabel ?? 'Submit')],
    };
  }

  protected readResponse(
    form: HTMLFormElement,
    _submitter: HTMLElement | null,
    payload: FormPayload,
  ): unknown {
    return Object.fromEntries(payload.fields.map((field) => [field.name, readValue(field, form)]));
  }

  protected renderAnswer(response: FormResponse, payload: FormPayload): Child {
    return h(
      'dl',
      { class: 'answers' },
      payload.fields.map((field) => [
        h('dt', null, field.label),
        h('dd', null, display(field, response[field.name])),
      ]),
    );
  }
}

defineElement('placet-form', PlacetFormElement);
