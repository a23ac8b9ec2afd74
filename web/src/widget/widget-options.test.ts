import { describe, expect, it } from 'vitest';
import { readWidgetOptions } from './widget-options';

function script(attributes: Record<string, string>, src = 'https://agentcraft.example/widget.js'): HTMLScriptElement {
  const element = document.createElement('script');
  element.src = src;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

describe('readWidgetOptions', () => {
  it('reads the data-attributes and defaults the API to where widget.js came from', () => {
    const options = readWidgetOptions(script({ 'data-title': 'Brightloom help', 'data-position': 'left', 'data-customer-id': 'c-42', 'data-open': 'true' }), 'https://shop.example/');
    expect(options).toEqual({ apiBase: 'https://agentcraft.example', title: 'Brightloom help', position: 'left', customerId: 'c-42', primaryColor: '#1d4ed8', openOnLoad: true, greeting: 'Ask us anything.' });
  });

  it('keeps only a plain colour, so an attribute cannot inject CSS', () => {
    expect(readWidgetOptions(script({ 'data-primary-color': 'red; } body { display:none' }), 'https://shop.example/').primaryColor).toBe('#1d4ed8');
    expect(readWidgetOptions(script({ 'data-primary-color': '#0a7' }), 'https://shop.example/').primaryColor).toBe('#0a7');
  });

  it('honours an explicit API base', () => {
    expect(readWidgetOptions(script({ 'data-api-base': 'https://api.example' }), 'https://shop.example/').apiBase).toBe('https://api.example');
  });
});
