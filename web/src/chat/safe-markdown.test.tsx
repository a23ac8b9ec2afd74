import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from './conversation-state';
import { MessageBubble } from './message-bubble';
import { linkCitations, SafeMarkdown } from './safe-markdown';

describe('SafeMarkdown', () => {
  it('renders Markdown but never raw HTML: a <script> or inline handler does not reach the DOM', () => {
    const { container } = render(<SafeMarkdown text={'**Bold** text\n\n<script>window.pwned = true</script>\n\n<img src=x onerror="alert(1)">'} />);
    expect(screen.getByText('Bold').tagName).toBe('STRONG');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.innerHTML).not.toContain('onerror');
  });

  it('does not render a javascript: link as a link', () => {
    const { container } = render(<SafeMarkdown text={'[click me](javascript:alert(1)) and [docs](https://docs.example/x)'} />);
    expect(screen.getByText('click me').closest('a')).toBeNull();
    expect(container.innerHTML).not.toContain('javascript:');
    const safe = screen.getByRole('link', { name: 'docs' });
    expect(safe).toHaveAttribute('href', 'https://docs.example/x');
    expect(safe).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  });

  it('shows the alt text of images instead of loading them', () => {
    const { container } = render(<SafeMarkdown text={'![tracking pixel](https://evil.example/p.png)'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('tracking pixel')).toBeInTheDocument();
  });

  it('links only the citation markers it knows', () => {
    expect(linkCitations('A [1] B [2] C [9]', [1, 2])).toBe('A [\\[1\\]](#citation-1) B [\\[2\\]](#citation-2) C [9]');
    expect(linkCitations('see [1](https://x)', [1])).toBe('see [1](https://x)');
  });
});

const delivered: ChatMessage = {
  id: 'c1.1:assistant',
  turnId: 'c1.1',
  role: 'assistant',
  content: 'Keys rotate without downtime. [1] Only admins can do it. [2]',
  citations: [
    { index: 1, passageId: 'p1', source: 'knowledge', documentId: 'd1', title: 'Rotate an API key', url: 'https://help.example/keys', snippet: 'The old secret keeps working during an overlap window.' },
    { index: 2, passageId: 'p2', source: 'knowledge', documentId: 'd1', title: 'Roles', url: 'javascript:alert(1)', snippet: 'Owners and Admins manage keys.' },
  ],
  confidence: 0.91,
  status: 'done',
};

describe('MessageBubble citations', () => {
  it('numbers citations; a marker opens the cited passage with a link to its source', async () => {
    const user = userEvent.setup();
    render(<MessageBubble message={delivered} />);
    const marker = screen.getByRole('button', { name: 'Source 1' });
    expect(marker).toHaveAttribute('aria-expanded', 'false');
    await user.click(marker);
    expect(marker).toHaveAttribute('aria-expanded', 'true');
    const passage = screen.getByRole('region', { name: 'Passage cited as 1' });
    expect(passage).toHaveTextContent('The old secret keeps working during an overlap window.');
    expect(passage).toHaveFocus();
    expect(screen.getByRole('link', { name: /Open source: help\.example/ })).toHaveAttribute('href', 'https://help.example/keys');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Passage cited as 1' })).toBeNull();
  });

  it('never links a source whose URL is not http(s)', async () => {
    const user = userEvent.setup();
    const { container } = render(<MessageBubble message={delivered} />);
    await user.click(screen.getByRole('button', { name: 'Source 2' }));
    expect(screen.getByRole('region', { name: 'Passage cited as 2' })).toHaveTextContent('Owners and Admins manage keys.');
    expect(container.innerHTML).not.toContain('javascript:');
  });

  it('shows a labelled confidence indicator', () => {
    render(<MessageBubble message={delivered} />);
    expect(screen.getByRole('meter', { name: 'Confidence 91%' })).toBeInTheDocument();
    expect(screen.getByText('High confidence (91%)')).toBeInTheDocument();
  });

  it('does not link streamed markers (their numbers are provisional) and marks the message busy', () => {
    render(<MessageBubble message={{ ...delivered, status: 'streaming', citations: [], content: 'Partial [3]' }} progress={{ turnId: 'c1.1', stage: 'synthesize', finished: false, agents: [{ agentId: 'a', name: 'Billing Expert', status: 'running' }] }} />);
    expect(screen.queryByRole('button', { name: /Source/ })).toBeNull();
    expect(screen.getByRole('article')).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('list', { name: 'Specialists' })).toHaveTextContent('Billing Expert is working');
  });

  it('says clearly that a specialist is reviewing', () => {
    render(
      <MessageBubble
        message={{ ...delivered, status: 'awaiting_review', citations: [], content: 'A specialist is reviewing your question.' }}
        progress={{ turnId: 'c1.1', stage: 'review', finished: false, agents: [], escalation: { id: 'e', reason: 'asked for a person', status: 'pending' } }}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('A specialist is reviewing this answer (asked for a person)');
  });

  it('shows a human support reply like any message', () => {
    render(<MessageBubble message={{ ...delivered, id: 'h1', role: 'human_agent', citations: [], content: 'Hi, Ana here.' }} />);
    expect(screen.getByRole('article', { name: 'Support team said' })).toHaveTextContent('Hi, Ana here.');
  });
});

describe('SafeMarkdown before its renderer has loaded', () => {
  it('shows the text as escaped plain text, then the rendered Markdown', async () => {
    vi.resetModules();
    const fresh = await import('./safe-markdown');
    const { container } = render(<fresh.SafeMarkdown text={'**Bold** <img src=x onerror="alert(1)">'} />);
    expect(container.querySelector('.markdown-loading')).toHaveTextContent('**Bold** <img src=x onerror="alert(1)">');
    expect(container.querySelector('img')).toBeNull();
    expect((await screen.findByText('Bold')).tagName).toBe('STRONG');
    expect(container.querySelector('.markdown-loading')).toBeNull();
  });
});
