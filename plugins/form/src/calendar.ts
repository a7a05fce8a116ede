const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `yyyy-MM-dd` naming a day that exists (`2024-02-29` yes, `2026-02-29` and `2026-13-45` no). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_RE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** `HH:mm` on a 24-hour clock, `00:00` to `23:59`. */
export function isClockTime(value: string): boolean {
  return TIME_RE.test(value);
}

/** `yyyy-MM-ddTHH:mm` (an HTML `datetime-local` value without seconds or offset) naming a real day. */
export function isLocalDateTime(value: string): boolean {
  const parts = value.split('T');
  if (parts.length !== 2) return false;
  const [date = '', time = ''] = parts;
  return isCalendarDate(date) && isClockTime(time);
}
