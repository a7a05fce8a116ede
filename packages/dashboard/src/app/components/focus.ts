const CONTROL =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])';

/**
 * Moves the keyboard focus to the first control of the review widget inside a `<placet-message>`
 * (through the open shadow roots of the message, its review host and the plugin's element). The widget
 * may still be loading its module: tries for up to ~2 s. Returns whether a control got the focus.
 */
export async function focusReviewControl(message: Element | null | undefined): Promise<boolean> {
  for (let i = 0; i < 40 && message?.isConnected; i++) {
    const host = message.shadowRoot?.querySelector('placet-review-host');
    const widget = host?.shadowRoot?.querySelector('.frame')?.firstElementChild;
    const control = widget?.shadowRoot?.querySelector<HTMLElement>(CONTROL);
    if (control) {
      control.focus();
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
