/** The widget's settings, read from its `<script>` tag's data-attributes. */

export interface WidgetOptions {
  /** Origin of the AgentCraft API (default: where widget.js was loaded from). */
  apiBase: string;
  title: string;
  position: 'right' | 'left';
  customerId?: string;
  primaryColor: string;
  openOnLoad: boolean;
  greeting: string;
}

/** `<script src=".../widget.js" data-title="Help" data-position="left" data-customer-id="c-42" …>`. */
export function readWidgetOptions(script: HTMLScriptElement | null, pageUrl: string): WidgetOptions {
  const data = script?.dataset ?? {};
  const scriptOrigin = script?.src ? new URL(script.src, pageUrl).origin : new URL(pageUrl).origin;
  const color = data.primaryColor ?? '';
  return {
    apiBase: data.apiBase ?? scriptOrigin,
    title: data.title ?? 'Help',
    position: data.position === 'left' ? 'left' : 'right',
    ...(data.customerId ? { customerId: data.customerId } : {}),
    // Only a plain colour value reaches the style sheet.
    primaryColor: /^#[0-9a-f]{3,8}$/i.test(color) ? color : '#1d4ed8',
    openOnLoad: data.open === 'true',
    greeting: data.greeting ?? 'Ask us anything.',
  };
}
