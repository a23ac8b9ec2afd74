/**
 * `SafeMarkdown`: model and reviewer text as sanitized Markdown (`markdown-renderer.tsx`). The renderer and
 * its Markdown stack load on first use (or on `preloadMarkdown()`), out of the app's initial JavaScript;
 * until then the text shows as plain text, escaped by React like any string.
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import type { SafeMarkdownProps } from './markdown-citations';

export { linkCitations } from './markdown-citations';
export type { SafeMarkdownProps } from './markdown-citations';

type Renderer = ComponentType<SafeMarkdownProps>;
let loaded: Renderer | null = null;
let loading: Promise<{ default: Renderer }> | null = null;

function loadRenderer(): Promise<{ default: Renderer }> {
  loading ??= import('./markdown-renderer').then((module) => {
    loaded = module.MarkdownRenderer;
    return { default: module.MarkdownRenderer };
  });
  return loading;
}

const LazyRenderer = lazy(loadRenderer);

/** Starts loading the Markdown renderer (the chat calls it once it has painted). */
export function preloadMarkdown(): Promise<unknown> {
  return loadRenderer();
}

export function SafeMarkdown(props: SafeMarkdownProps): ReactNode {
  // Once loaded, render it directly: no Suspense boundary, no fallback flash on later messages.
  if (loaded !== null) {
    const Loaded = loaded;
    return <Loaded {...props} />;
  }
  return (
    <Suspense fallback={<PlainText text={props.text} />}>
      <LazyRenderer {...props} />
    </Suspense>
  );
}

function PlainText({ text }: { text: string }): ReactNode {
  return (
    <div className="markdown markdown-loading">
      <p>{text}</p>
    </div>
  );
}
