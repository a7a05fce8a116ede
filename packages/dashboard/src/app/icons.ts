import { nothing, svg, type TemplateResult } from 'lit';
import {
  ArrowDownWideNarrow,
  ArrowUpNarrowWide,
  Bell,
  Check,
  CheckCheck,
  ChevronLeft,
  CircleUserRound,
  Clock,
  Copy,
  Files,
  Inbox,
  MessagesSquare,
  Paperclip,
  RotateCw,
  Search,
  Settings,
  TextQuote,
  Users,
  WifiOff,
  X,
} from 'lucide';

/**
 * The dashboard's icons: lucide's, bundled (only those named here end up in the build), drawn with
 * `currentColor` at the text's size. An icon is decoration (`aria-hidden`) unless it is given a label.
 */
const ICONS = {
  attach: Paperclip,
  back: ChevronLeft,
  bell: Bell,
  chats: MessagesSquare,
  check: Check,
  checks: CheckCheck,
  clock: Clock,
  copy: Copy,
  files: Files,
  inbox: Inbox,
  newest: ArrowDownWideNarrow,
  oldest: ArrowUpNarrowWide,
  offline: WifiOff,
  people: Users,
  quote: TextQuote,
  remove: X,
  retry: RotateCw,
  search: Search,
  settings: Settings,
  user: CircleUserRound,
} as const;

export type IconName = keyof typeof ICONS;

type IconNode = readonly (readonly [
  tag: string,
  attrs: Readonly<Record<string, string | number | undefined>>,
])[];

/** One lucide element as a Lit SVG template (the tags are lucide's few shapes; attributes are bound). */
function shape([tag, attrs]: IconNode[number]): TemplateResult {
  const a = (name: string) => (attrs[name] === undefined ? undefined : String(attrs[name]));
  switch (tag) {
    case 'path':
      return svg`<path d=${a('d') ?? ''} />`;
    case 'circle':
      return svg`<circle cx=${a('cx') ?? '0'} cy=${a('cy') ?? '0'} r=${a('r') ?? '0'} />`;
    case 'rect':
      return svg`<rect x=${a('x') ?? '0'} y=${a('y') ?? '0'} width=${a('width') ?? '0'} height=${a('height') ?? '0'} rx=${a('rx') ?? '0'} />`;
    case 'line':
      return svg`<line x1=${a('x1') ?? '0'} y1=${a('y1') ?? '0'} x2=${a('x2') ?? '0'} y2=${a('y2') ?? '0'} />`;
    case 'polyline':
      return svg`<polyline points=${a('points') ?? ''} />`;
    default:
      return svg``;
  }
}

/**
 * An icon: `icon('inbox')` is decoration next to a visible label; `icon('back', 'Back to the inbox')` is
 * the only content of a control and is named for screen readers.
 */
export function icon(name: IconName, label?: string): TemplateResult {
  const node = ICONS[name] as unknown as IconNode;
  return svg`<svg class="icon" data-icon=${name} xmlns="http://www.w3.org/2000/svg" width="1.15em" height="1.15em" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" role=${label ? 'img' : 'presentation'} aria-hidden=${label ? 'false' : 'true'} aria-label=${label ?? nothing} focusable="false">${node.map(shape)}</svg>`;
}
