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
  /** `data-token`: a short-lived customer JWT the integrator's backend minted for this page. */
  token?: string;
  /** `data-token-url`: the integrator's endpoint answering `{ "token": "…" }` (fetched with cookies). */
  tokenUrl?: string;
}

/** An http(s) URL resolved against the page (the integrator's own backend), or undefined. */
function httpUrlOf(value: string | undefined, pageUrl: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const url = new URL(value, pageUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
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
    ...(data.token?.trim() ? { token: data.token.trim() } : {}),
    ...(httpUrlOf(data.tokenUrl, pageUrl) === undefined ? {} : { tokenUrl: httpUrlOf(data.tokenUrl, pageUrl) }),
  };
}
