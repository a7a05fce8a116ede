import type { QuickAnswer } from '@placet/core/plugin';

/**
 * What a mail can answer by a link: the review's one-click answers, as its review type declares them
 * (`quickAnswers`: an approval's options, a single selection's items; the engine checks each against
 * the type's response schema). A review without any (a form, a text input, a multi selection, a plugin's
 * own type) is answered in the dashboard. This plugin knows no review type itself.
 */
export interface Choice {
  readonly id: string;
  /** The button of the mail and of the confirmation page: `Deploy`, `Staging`. */
  readonly label: string;
  /** How its button looks: `danger` red, `primary` filled. */
  readonly tone: 'primary' | 'danger' | 'secondary';
  readonly description?: string;
  /** The answer it gives. */
  readonly response: Record<string, unknown>;
}

export function choicesFrom(answers: readonly QuickAnswer[]): Choice[] {
  return answers.map((answer) => ({
    id: answer.id,
    label: answer.label,
    tone: answer.tone ?? 'secondary',
    response: answer.response,
    ...(answer.description ? { description: answer.description } : {}),
  }));
}
