/**
 * `widget.js`: `<script src="https://agentcraft.example/widget.js" data-title="Help" async></script>`
 * mounts a floating chat in a shadow root, so the host page's styles and ours never mix. With
 * `data-token` / `data-token-url` it authenticates as the integrator's customer (`widget-token.ts`).
 */
import { createRoot } from 'react-dom/client';
import { setCredentialProvider } from '../api/credentials';
import { setApiBase } from '../api/http';
import chatCss from '../styles.css?inline';
import widgetCss from './widget.css?inline';
import { Widget } from './widget';
import { readWidgetOptions } from './widget-options';
import { widgetCredentialProvider } from './widget-token';

const HOST_ID = 'agentcraft-widget';

function mount(script: HTMLScriptElement | null): void {
  if (document.getElementById(HOST_ID) !== null) return;
  const options = readWidgetOptions(script, window.location.href);
  setApiBase(options.apiBase);
  setCredentialProvider(widgetCredentialProvider(options));
  const host = document.createElement('div');
  host.id = HOST_ID;
  document.body.appendChild(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = `${chatCss.replaceAll(":root", ":host")}\n${widgetCss}\n:host { --primary: ${options.primaryColor}; }`;
  shadow.appendChild(style);
  const container = document.createElement('div');
  container.className = 'widget-root';
  shadow.appendChild(container);
  createRoot(container).render(<Widget options={options} />);
}

const current = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => mount(current));
else mount(current);
