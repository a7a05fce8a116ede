import { describeReviewType } from '@placet/test-utils';
import { formReviewType } from './index.js';

const payload = {
  fields: [
    { name: 'name', type: 'text', label: 'Name', required: true },
    { name: 'bio', type: 'textarea', label: 'Bio', min: 10 },
    { name: 'secret', type: 'password', label: 'Password' },
    { name: 'age', type: 'number', label: 'Age', min: 0, max: 130, step: 1 },
    { name: 'ratio', type: 'number', label: 'Ratio', step: 0.1 },
    { name: 'offset', type: 'number', label: 'Offset', min: 0.1, step: 0.2 },
    { name: 'volume', type: 'range', label: 'Volume', min: 0, max: 10 },
    { name: 'email', type: 'email', label: 'Email' },
    { name: 'site', type: 'url', label: 'Site' },
    { name: 'color', type: 'select', label: 'Color', options: ['red', { value: 'g', label: 'Green' }] },
    { name: 'agree', type: 'checkbox', label: 'Agree' },
    { name: 'day', type: 'date', label: 'Day' },
    { name: 'at', type: 'time', label: 'At' },
    { name: 'when', type: 'datetime', label: 'When' },
    {
      name: 'tags',
      type: 'multiselect',
      label: 'Tags',
      options: ['a', { value: 'b', label: 'B' }, 'c', 'd'],
      min: 2,
      max: 3,
    },
    { name: 'code', type: 'text', label: 'Code', minLength: 2, maxLength: 4 },
  ],
  dismissLabel: 'Cancel',
};

/** Responses refused for `payload`, each with the one field its issue names. */
const rejected: { name: string; response: Record<string, unknown>; path: string }[] = [
  { name: 'a missing required field', response: {}, path: 'name' },
  { name: 'a null required field', response: { name: null }, path: 'name' },
  { name: 'an empty required field', response: { name: '' }, path: 'name' },
  { name: 'a number in a text field', response: { name: 5 }, path: 'name' },
  { name: 'a field the form does not have', response: { name: 'A', nickname: 'B' }, path: 'nickname' },
  { name: 'a number above max', response: { name: 'A', age: 131 }, path: 'age' },
  { name: 'a number below min', response: { name: 'A', age: -1 }, path: 'age' },
  { name: 'a number off its step', response: { name: 'A', age: 1.5 }, path: 'age' },
  { name: 'a numeric string', response: { name: 'A', age: '30' }, path: 'age' },
  { name: 'an infinite number', response: { name: 'A', ratio: Number.POSITIVE_INFINITY }, path: 'ratio' },
  { name: 'a float off a float step', response: { name: 'A', ratio: 0.35 }, path: 'ratio' },
  { name: 'a value off the step counted from min', response: { name: 'A', offset: 0.2 }, path: 'offset' },
  { name: 'a range above max', response: { name: 'A', volume: 11 }, path: 'volume' },
  { name: 'a malformed email', response: { name: 'A', email: 'ada@' }, path: 'email' },
  { name: 'an email with spaces', response: { name: 'A', email: 'a da@example.org' }, path: 'email' },
  { name: 'an ftp URL', response: { name: 'A', site: 'ftp://example.org' }, path: 'site' },
  { name: 'a javascript URL', response: { name: 'A', site: 'javascript:alert(1)' }, path: 'site' },
  { name: 'a relative URL', response: { name: 'A', site: '/home' }, path: 'site' },
  { name: 'a value that is not an option', response: { name: 'A', color: 'blue' }, path: 'color' },
  { name: 'an option label instead of its value', response: { name: 'A', color: 'Green' }, path: 'color' },
  { name: 'a string in a checkbox', response: { name: 'A', agree: 'true' }, path: 'agree' },
  { name: 'month 13, day 45', response: { name: 'A', day: '2026-13-45' }, path: 'day' },
  { name: 'February 30', response: { name: 'A', day: '2026-02-30' }, path: 'day' },
  { name: 'February 29 of a common year', response: { name: 'A', day: '2026-02-29' }, path: 'day' },
  { name: 'February 29 of 1900', response: { name: 'A', day: '1900-02-29' }, path: 'day' },
  { name: 'April 31', response: { name: 'A', day: '2026-04-31' }, path: 'day' },
  { name: 'day 0', response: { name: 'A', day: '2026-01-00' }, path: 'day' },
  { name: 'an unpadded date', response: { name: 'A', day: '2026-1-05' }, path: 'day' },
  { name: 'a datetime in a date field', response: { name: 'A', day: '2026-01-05T10:00' }, path: 'day' },
  { name: 'hour 24', response: { name: 'A', at: '24:00' }, path: 'at' },
  { name: 'minute 60', response: { name: 'A', at: '12:60' }, path: 'at' },
  { name: 'an unpadded time', response: { name: 'A', at: '9:30' }, path: 'at' },
  { name: 'a time with seconds', response: { name: 'A', at: '12:30:00' }, path: 'at' },
  { name: 'an unreal datetime', response: { name: 'A', when: '2026-02-30T10:00' }, path: 'when' },
  { name: 'a datetime with a space', response: { name: 'A', when: '2026-03-01 09:30' }, path: 'when' },
  { name: 'a datetime with an offset', response: { name: 'A', when: '2026-03-01T09:30Z' }, path: 'when' },
  { name: 'a datetime with a bad hour', response: { name: 'A', when: '2026-03-01T25:30' }, path: 'when' },
  { name: 'one option instead of a list', response: { name: 'A', tags: 'a' }, path: 'tags' },
  { name: 'fewer options than min', response: { name: 'A', tags: ['a'] }, path: 'tags' },
  { name: 'more options than max', response: { name: 'A', tags: ['a', 'b', 'c', 'd'] }, path: 'tags' },
  { name: 'a value that is no option, in a list', response: { name: 'A', tags: ['a', 'e'] }, path: 'tags.1' },
  {
    name: 'an option label instead of its value, in a list',
    response: { name: 'A', tags: ['B', 'a'] },
    path: 'tags.0',
  },
  { name: 'an option chosen twice', response: { name: 'A', tags: ['a', 'b', 'a'] }, path: 'tags.2' },
  { name: 'a number in a list', response: { name: 'A', tags: ['a', 1] }, path: 'tags.1' },
  { name: 'a text shorter than minLength', response: { name: 'A', code: 'x' }, path: 'code' },
  { name: 'a text longer than maxLength', response: { name: 'A', code: 'abcde' }, path: 'code' },
  { name: 'a list in a text field', response: { name: ['A'] }, path: 'name' },
];

/** A form with one required field `f` of `type`. */
const requiredField = (type: string, options?: string[]) => ({
  fields: [{ name: 'f', type, label: 'F', required: true, ...(options ? { options } : {}) }],
});
/** Empty answers to a required field of each type, refused at `response.f`, as is a missing one. */
const emptyRequired = [
  { type: 'number', value: null },
  { type: 'checkbox', value: null },
  { type: 'select', value: '', options: ['x'] },
  { type: 'date', value: '' },
  { type: 'multiselect', value: [], options: ['x'] },
].flatMap(({ type, value, options }) => [
  {
    name: `${JSON.stringify(value)} for a required ${type} field`,
    payload: requiredField(type, options),
    response: { f: value },
    paths: ['response.f'],
  },
  {
    name: `no value for a required ${type} field`,
    payload: requiredField(type, options),
    response: {},
    paths: ['response.f'],
  },
]);
const { dismissLabel: _, ...undismissible } = payload;

describeReviewType(
  formReviewType,
  {
    valid: [
      {
        name: 'the form of every field type',
        payload,
        responses: {
          'only the required field': { name: 'Ada' },
          'null for every optional field': {
            ...Object.fromEntries(payload.fields.map((f) => [f.name, null])),
            name: 'A',
          },
          'every field answered': {
            name: 'Ada',
            bio: 'short', // min/max are ignored for text fields
            secret: 'hunter2',
            age: 36,
            ratio: 0.3,
            offset: 0.7,
            volume: 2.5,
            email: 'ada@example.org',
            site: 'https://example.org/a?b=c',
            color: 'g',
            agree: false,
            day: '2026-07-01',
            at: '23:59',
            when: '2026-03-01T09:30',
            tags: ['c', 'a'], // any order
            code: 'abcd',
          },
          'empty strings for optional string fields': { name: 'A', email: '', site: '', day: '', color: '' },
          'a number on the edges': { name: 'A', age: 0, volume: 10, offset: 0.1 },
          'a float on a float step': { name: 'A', ratio: -1.7, offset: 100.1 },
          'leap days': { name: 'A', day: '2024-02-29', when: '2000-02-29T00:00' },
          'a plain string option': { name: 'A', color: 'red' },
          'a local http URL': { name: 'A', site: 'http://localhost:3000/x' },
          'nothing chosen and an empty text (no answers, whatever min and minLength say)': {
            name: 'A',
            tags: [],
            code: '',
          },
          'a multiselect and a text on their bounds': { name: 'A', tags: ['a', 'b', 'd'], code: 'ab' },
          'a dismissal (the form has a dismissLabel)': { _dismissed: true },
        },
      },
      {
        name: 'a required checkbox',
        payload: requiredField('checkbox'),
        responses: { 'false for a required checkbox': { f: false } },
      },
      {
        name: 'a required multiselect',
        payload: requiredField('multiselect', ['x', 'y']),
        responses: { 'one choice': { f: ['y'] }, 'every choice': { f: ['x', 'y'] } },
      },
    ],
    invalid: {
      responses: [
        ...rejected.map(({ name, response, path }) => ({
          name,
          payload,
          response,
          paths: [`response.${path}`],
        })),
        {
          name: 'every problem at once',
          payload,
          response: { age: 500, day: '2026-02-30', extra: 1 },
          paths: ['response.name', 'response.age', 'response.day', 'response.extra'],
        },
        { name: 'a response that is not an object', payload, response: ['Ada'], paths: ['response'] },
        {
          name: 'every multiselect problem at once, with its messages',
          payload,
          response: { name: 'A', tags: ['a', 'x', 'a', 'b', 'c'] },
          paths: ['response.tags.1', 'response.tags.2', 'response.tags'],
          messages: [
            'not one of the options: "a", "b", "c", "d"',
            '"a" is chosen more than once',
            'choose at most 3 options',
          ],
        },
        {
          name: 'the length messages',
          payload: {
            fields: [
              { name: 'short', type: 'password', label: 'S', minLength: 1 },
              { name: 'long', type: 'url', label: 'L', maxLength: 10 },
              { name: 'few', type: 'textarea', label: 'F', minLength: 3 },
            ],
          },
          response: { short: 'x', long: 'https://example.org', few: 'ab' },
          paths: ['response.long', 'response.few'],
          messages: ['at most 10 characters', 'at least 3 characters'],
        },
        {
          name: 'null and too few for a required multiselect with a min',
          payload: {
            fields: [
              { name: 'a', type: 'multiselect', label: 'A', required: true, options: ['x', 'y'] },
              { name: 'b', type: 'multiselect', label: 'B', required: true, options: ['x', 'y'], min: 2 },
              { name: 'c', type: 'multiselect', label: 'C', required: true, options: ['x', 'y'], min: 2 },
            ],
          },
          response: { a: null, b: [], c: ['y'] },
          paths: ['response.a', 'response.b', 'response.c'],
          messages: ['required', 'required', 'choose at least 2 options'],
        },
        ...emptyRequired,
        {
          name: 'a dismissal of a form without dismissLabel',
          payload: undismissible,
          response: { _dismissed: true },
          paths: ['response._dismissed'],
        },
      ],
    },
  },
  { name: 'form responses' },
);
