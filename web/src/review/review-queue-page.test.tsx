import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider } from '../auth/auth-context';
import { developmentMe, stubFetch } from '../test/fetch-stub';
import { ReviewQueuePage } from './review-queue-page';

const escalation = {
  id: 'c1.2.review',
  conversationId: 'c1',
  turnId: 'c1.2',
  reason: 'customer asked for a person',
  draftAnswer: 'Refunds take **5 days**. [1]',
  status: 'pending',
  createdAt: '2026-01-01T10:00:00.000Z',
  evidence: [{ index: 1, passageId: 'p1', source: 'knowledge', documentId: 'd', title: 'Refund policy', url: 'https://help.example/refunds', snippet: 'Refunds are issued within 5 business days.' }],
};

async function findEvidence(): Promise<HTMLElement> {
  return screen.findByRole('region', { name: 'Evidence' });
}

function renderPage() {
  return render(
    <MemoryRouter>
      <ReviewQueuePage pollMs={60_000} />
    </MemoryRouter>,
  );
}

describe('ReviewQueuePage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says the queue is not available yet while the API has no /api/escalations', async () => {
    stubFetch({});
    renderPage();
    expect(await screen.findByTestId('not-available')).toHaveTextContent('GET /api/escalations?status=pending');
  });

  it('shows the reason, the drafted answer and its evidence; approve sends the decision signed by the reviewer', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/escalations': () => ({ body: { escalations: [escalation] } }),
      'POST /api/escalations/c1.2.review/decision': () => ({ body: { accepted: true } }),
    });
    renderPage();
    const card = await screen.findByRole('article', { name: 'customer asked for a person' });
    expect(within(card).getByText('5 days').tagName).toBe('STRONG');
    expect(within(card).getByText(/Refunds are issued within 5 business days/)).toBeInTheDocument();
    const approve = within(card).getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    await user.type(screen.getByLabelText('Your name'), 'ana');
    await user.click(approve);
    expect(await screen.findByTestId('review-announcement')).toHaveTextContent('Decision sent: approve (customer asked for a person).');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ action: 'approve', reviewer: 'ana' });
  });

  it('shows QA checks given as evidence', async () => {
    const qaEvidence = [{ check: 'pii', verdict: 'fail', detail: 'an IBAN in the answer', evidence: [{ kind: 'pii', message: 'IBAN found', excerpt: 'DE89 ****' }] }];
    stubFetch({ 'GET /api/escalations': () => ({ body: { escalations: [{ ...escalation, evidence: qaEvidence }] } }) });
    renderPage();
    const evidence = await findEvidence();
    expect(evidence).toHaveTextContent('pii · fail');
    expect(evidence).toHaveTextContent('IBAN found: “DE89 ****”');
  });

  it('edit sends the edited answer', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/escalations': () => ({ body: [escalation] }),
      'POST /api/escalations/': () => ({ body: { accepted: true } }),
    });
    renderPage();
    await user.type(screen.getByLabelText('Your name'), 'ana');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const box = screen.getByLabelText('Answer to send');
    await user.clear(box);
    await user.type(box, 'Refunds take 5 business days.');
    await user.click(screen.getByRole('button', { name: 'Send edited answer' }));
    await screen.findByText('Decision sent: edit.');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ action: 'edit', reviewer: 'ana', answer: 'Refunds take 5 business days.' });
  });

  it('tells the reviewer when another reviewer decided first (409) and locks the card', async () => {
    const user = userEvent.setup();
    stubFetch({
      'GET /api/escalations': () => ({ body: [escalation] }),
      'POST /api/escalations/': () => ({ status: 409, body: { error: { code: 'escalation_decided', message: 'already decided', requestId: 'r' } } }),
    });
    renderPage();
    await user.type(screen.getByLabelText('Your name'), 'bo');
    await user.click(await screen.findByRole('button', { name: 'Approve' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Another reviewer already decided this escalation.');
    expect(screen.getByTestId('review-announcement')).toHaveTextContent('Another reviewer already decided');
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
  });

  it('reassign needs someone to reassign to', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({ 'GET /api/escalations': () => ({ body: [escalation] }), 'POST /api/escalations/': () => ({ body: {} }) });
    renderPage();
    await user.type(screen.getByLabelText('Your name'), 'ana');
    await user.click(await screen.findByRole('button', { name: 'Reassign' }));
    const confirm = screen.getByRole('button', { name: 'Confirm reassign' });
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText('Reassign to'), 'billing team');
    await user.click(confirm);
    await screen.findByText('Decision sent: reassign.');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ action: 'reassign', reviewer: 'ana', assignee: 'billing team' });
  });
});

describe('ReviewQueuePage with a signed-in principal', () => {
  afterEach(() => vi.unstubAllGlobals());

  const reviewerMe = {
    principal: { subject: 'ana@acme.test', tenantId: 'acme', roles: ['reviewer'], method: 'jwt', customerId: null },
    developmentMode: false,
  };

  function renderSignedIn() {
    return render(
      <MemoryRouter>
        <AuthProvider>
          <ReviewQueuePage pollMs={60_000} />
        </AuthProvider>
      </MemoryRouter>,
    );
  }

  it('signs decisions, take-overs and replies with the principal’s subject without asking for a name', async () => {
    const user = userEvent.setup();
    window.localStorage.setItem('agentcraft.reviewer', 'someone typed earlier');
    const second = { ...escalation, id: 'c2.1.review', conversationId: 'c2', turnId: 'c2.1', reason: 'refund over the limit' };
    const requests = stubFetch({
      'GET /api/auth/me': () => ({ body: reviewerMe }),
      'GET /api/escalations': () => ({ body: { escalations: [escalation, second] } }),
      'POST /api/conversations/c1/takeover': () => ({ status: 202, body: { conversationId: 'c1', status: 'human_takeover' } }),
      'POST /api/conversations/c1/messages': () => ({ status: 202, body: {} }),
      'POST /api/escalations/c2.1.review/decision': () => ({ body: { accepted: true } }),
    });
    renderSignedIn();
    expect(await screen.findByTestId('reviewer-identity')).toHaveTextContent('Deciding as ana@acme.test');
    expect(screen.queryByLabelText('Your name')).not.toBeInTheDocument();
    const card = await screen.findByRole('article', { name: 'customer asked for a person' });
    expect(within(card).queryByText('Enter your name above to decide.')).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Take over' }));
    await user.type(await within(card).findByLabelText('Reply to the customer'), 'Hello, Ana here.');
    await user.click(within(card).getByRole('button', { name: 'Send reply' }));
    await within(card).findByText('Reply sent.');
    await user.click(within(screen.getByRole('article', { name: 'refund over the limit' })).getByRole('button', { name: 'Approve' }));
    await screen.findByText('Decision sent: approve.');
    const posts = requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.body)).toEqual([
      { agent: 'ana@acme.test' },
      { agent: 'ana@acme.test', message: 'Hello, Ana here.' },
      { action: 'approve', reviewer: 'ana@acme.test' },
    ]);
  });

  it('keeps the name field in development mode, filled with the development subject until the reviewer types another', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/auth/me': () => ({ body: developmentMe }),
      'GET /api/escalations': () => ({ body: { escalations: [escalation] } }),
      'POST /api/escalations/c1.2.review/decision': () => ({ body: { accepted: true } }),
    });
    renderSignedIn();
    const field = await screen.findByLabelText('Your name');
    await vi.waitFor(() => expect(field).toHaveValue('dev-user'));
    expect(screen.queryByTestId('reviewer-identity')).not.toBeInTheDocument();
    await user.clear(field);
    expect(field).toHaveValue('');
    expect(await screen.findByRole('button', { name: 'Approve' })).toBeDisabled();
    await user.type(field, 'bo');
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    await screen.findByText('Decision sent: approve.');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ action: 'approve', reviewer: 'bo' });
    expect(window.localStorage.getItem('agentcraft.reviewer')).toBe('bo');
  });
});
