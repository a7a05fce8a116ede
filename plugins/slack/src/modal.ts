import type { Block } from './blocks.js';

/**
 * The modal of a review whose answer is more than one click: `text-input` (a text box), `form` (one
 * input per field), and a multi-choice `selection`. It is built from the review's payload, as its type's
 * schema describes it; a form with a field kind Slack has no input for (`password`, `datetime`) gets no
 * modal: the message links to the dashboard instead. The answer is assembled from the submitted values
 * and then validated by the engine like any other (`placet.reviews.respond`).
 */

/** The callback id of the plugin's modals. */
export const MODAL_CALLBACK = 'placet:review';
/** Every input's `action_id` (block ids name the field: `f:<name>`). */
const INPUT = 'v';
export const blockOf = (field: string) => `f:${field}`;

interface FormField {
  name: string;
  type: string;
  label: string;
  required?: boolean;
  placeholder?: string;
  options?: (string | { value: string; label: string })[];
  defaultValue?: string | number | boolean | string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
}

/** One input of the modal: its block and how its submitted value becomes the answer's. */
interface Input {
  name: string;
  block: Block;
  read(value: SlackValue | undefined): { value?: unknown; error?: string };
}

/** A submitted value as Slack sends it in `view.state.values[block][action]`. */
export interface SlackValue {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_date?: string | null;
  selected_time?: string | null;
}

export interface ReviewModal {
  title: string;
  submit: string;
  inputs: Input[];
}

const plain = (text: string, max = 150) => ({
  type: 'plain_text',
  text: text.length > max ? `${text.slice(0, max - 1)}…` : text,
  emoji: true,
});
const optionValue = (o: string | { value: string }) => (typeof o === 'string' ? o : o.value);
const optionLabel = (o: string | { label: string }) => (typeof o === 'string' ? o : o.label);
const text = (v: SlackValue | undefined) =>
  typeof v?.value === 'string' && v.value !== '' ? v.value : undefined;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function inputBlock(
  name: string,
  label: string,
  element: Block,
  options: { optional: boolean; hint?: string },
): Block {
  return {
    type: 'input',
    block_id: blockOf(name),
    label: plain(label),
    optional: options.optional,
    element: { ...element, action_id: INPUT },
    ...(options.hint ? { hint: plain(options.hint) } : {}),
  };
}

/** The options of a select, at most Slack's 100. */
const selectOptions = (options: FormField['options']) =>
  (options ?? []).slice(0, 100).map((o) => ({ text: plain(optionLabel(o), 75), value: optionValue(o) }));

/** The input of one form field, or undefined when Slack has none for its kind. */
function fieldInput(field: FormField): Input | undefined {
  const optional = field.required !== true;
  const hint = field.description ? { hint: field.description } : {};
  const block = (element: Block) => inputBlock(field.name, field.label, element, { optional, ...hint });
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder) } : {};
  const initialText =
    typeof field.defaultValue === 'string' && field.defaultValue !== ''
      ? { initial_value: field.defaultValue }
      : {};
  const lengths = {
    ...(field.minLength !== undefined && field.minLength <= 3000 ? { min_length: field.minLength } : {}),
    ...(field.maxLength !== undefined && field.maxLength <= 3000 ? { max_length: field.maxLength } : {}),
  };
  const textInput = (type: string, extra: Block = {}): Input => ({
    name: field.name,
    block: block({ type, ...placeholder, ...initialText, ...extra }),
    read: (v) => ({ value: text(v) }),
  });
  switch (field.type) {
    case 'text':
      return textInput('plain_text_input', lengths);
    case 'textarea':
      return textInput('plain_text_input', { multiline: true, ...lengths });
    case 'email':
      return textInput('email_text_input');
    case 'url':
      return textInput('url_text_input');
    case 'number':
    case 'range':
      return {
        name: field.name,
        block: block({
          type: 'number_input',
          is_decimal_allowed: true,
          ...placeholder,
          ...(typeof field.defaultValue === 'number' ? { initial_value: String(field.defaultValue) } : {}),
          ...(field.min !== undefined ? { min_value: String(field.min) } : {}),
          ...(field.max !== undefined ? { max_value: String(field.max) } : {}),
        }),
        read: (v) => {
          const raw = text(v);
          if (raw === undefined) return {};
          const value = Number(raw);
          return Number.isFinite(value) ? { value } : { error: 'not a number' };
        },
      };
    case 'select': {
      const initial = (field.options ?? []).find((o) => optionValue(o) === field.defaultValue);
      return {
        name: field.name,
        block: block({
          type: 'static_select',
          ...placeholder,
          options: selectOptions(field.options),
          ...(initial
            ? { initial_option: { text: plain(optionLabel(initial), 75), value: optionValue(initial) } }
            : {}),
        }),
        read: (v) => ({ value: v?.selected_option?.value ?? undefined }),
      };
    }
    case 'multiselect':
      return {
        name: field.name,
        block: block({
          type: 'multi_static_select',
          ...placeholder,
          options: selectOptions(field.options),
          ...(field.max !== undefined && field.max >= 1 ? { max_selected_items: field.max } : {}),
        }),
        read: (v) => {
          const values = (v?.selected_options ?? []).map((o) => o.value);
          return values.length > 0 ? { value: values } : {};
        },
      };
    case 'checkbox':
      return {
        name: field.name,
        // A checkbox is never "missing": unticked is false (required means it must be ticked).
        block: inputBlock(
          field.name,
          field.label,
          {
            type: 'checkboxes',
            options: [{ text: plain(field.label, 75), value: 'true' }],
            ...(field.defaultValue === true
              ? { initial_options: [{ text: plain(field.label, 75), value: 'true' }] }
              : {}),
          },
          { optional: true, ...hint },
        ),
        read: (v) => ({ value: (v?.selected_options ?? []).some((o) => o.value === 'true') }),
      };
    case 'date':
      return {
        name: field.name,
        block: block({
          type: 'datepicker',
          ...(typeof field.defaultValue === 'string' && field.defaultValue
            ? { initial_date: field.defaultValue }
            : {}),
        }),
        read: (v) => ({ value: v?.selected_date ?? undefined }),
      };
    case 'time':
      return {
        name: field.name,
        block: block({
          type: 'timepicker',
          ...(typeof field.defaultValue === 'string' && field.defaultValue
            ? { initial_time: field.defaultValue }
            : {}),
        }),
        read: (v) => ({ value: v?.selected_time ?? undefined }),
      };
    default:
      // password (Slack shows typed text in the clear), datetime, and kinds this plugin does not know.
      return undefined;
  }
}

/** The modal of `review`, or undefined when it has none (quick answers do, or the dashboard must). */
export function modalFor(review: {
  type: string;
  payload: Record<string, unknown>;
}): ReviewModal | undefined {
  const { payload } = review;
  const submit =
    typeof payload.submitLabel === 'string' && payload.submitLabel.trim() ? payload.submitLabel : 'Submit';
  if (review.type === 'text-input') {
    const maxLength =
      typeof payload.maxLength === 'number' && payload.maxLength <= 3000 ? payload.maxLength : undefined;
    const minLength =
      typeof payload.minLength === 'number' && payload.minLength <= 3000 ? payload.minLength : undefined;
    return {
      title: 'Your answer',
      submit,
      inputs: [
        {
          name: 'text',
          block: inputBlock(
            'text',
            'Answer',
            {
              type: 'plain_text_input',
              multiline: true,
              ...(typeof payload.placeholder === 'string' && payload.placeholder
                ? { placeholder: plain(payload.placeholder) }
                : {}),
              ...(typeof payload.prefill === 'string' && payload.prefill
                ? { initial_value: payload.prefill }
                : {}),
              ...(minLength !== undefined ? { min_length: minLength } : {}),
              ...(maxLength !== undefined ? { max_length: maxLength } : {}),
            },
            { optional: false },
          ),
          read: (v) => ({ value: text(v) }),
        },
      ],
    };
  }
  if (review.type === 'form' && Array.isArray(payload.fields)) {
    const inputs: Input[] = [];
    for (const field of payload.fields) {
      if (!isObject(field) || typeof field.name !== 'string' || typeof field.type !== 'string')
        return undefined;
      const input = fieldInput(field as unknown as FormField);
      if (!input) return undefined;
      inputs.push(input);
    }
    // Slack's limit: 100 blocks in a view.
    return inputs.length > 0 && inputs.length <= 100 ? { title: 'Your answer', submit, inputs } : undefined;
  }
  if (review.type === 'selection' && payload.mode === 'multi' && Array.isArray(payload.items)) {
    const items = payload.items
      .filter(isObject)
      .filter((i) => typeof i.id === 'string' && typeof i.label === 'string');
    if (items.length === 0 || items.length > 100) return undefined;
    return {
      title: 'Your choice',
      submit,
      inputs: [
        {
          name: 'selectedIds',
          block: inputBlock(
            'selectedIds',
            'Choose one or more',
            {
              // Slack's checkboxes take 10 options; a longer list is a multi-select menu.
              type: items.length <= 10 ? 'checkboxes' : 'multi_static_select',
              options: items.map((i) => ({ text: plain(String(i.label), 75), value: String(i.id) })),
            },
            { optional: false },
          ),
          read: (v) => ({ value: (v?.selected_options ?? []).map((o) => o.value) }),
        },
      ],
    };
  }
  return undefined;
}

/** The `views.open` view of a modal: the message id rides along in `private_metadata`. */
export function modalView(modal: ReviewModal, messageId: string, intro: string | undefined): Block {
  const blocks: Block[] = [];
  if (intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  blocks.push(...modal.inputs.map((input) => input.block));
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK,
    private_metadata: JSON.stringify({ m: messageId }),
    title: plain(modal.title, 24),
    submit: plain(modal.submit, 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** The answer assembled from a submission, or the inputs' errors (by block id). */
export function readSubmission(
  modal: ReviewModal,
  values: Record<string, Record<string, SlackValue>>,
): { response: Record<string, unknown> } | { errors: Record<string, string> } {
  const response: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const input of modal.inputs) {
    const read = input.read(values[blockOf(input.name)]?.[INPUT]);
    if (read.error) errors[blockOf(input.name)] = read.error;
    else if (read.value !== undefined) response[input.name] = read.value;
  }
  return Object.keys(errors).length > 0 ? { errors } : { response };
}

/**
 * The engine's validation issues (`response.<field>…`) as the modal's field errors: each on its field's
 * block, and one about the whole answer on the first input.
 */
export function issuesAsErrors(
  modal: ReviewModal,
  issues: readonly { path: string; message: string }[],
  fallback: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const first = modal.inputs[0] ? blockOf(modal.inputs[0].name) : 'f:';
  for (const issue of issues) {
    const field = issue.path.replace(/^response\.?/, '').split('.')[0] ?? '';
    const input = modal.inputs.find((candidate) => candidate.name === field);
    const block = input ? blockOf(input.name) : first;
    errors[block] ??= issue.message.slice(0, 150);
  }
  if (Object.keys(errors).length === 0) errors[first] = fallback.slice(0, 150);
  return errors;
}
