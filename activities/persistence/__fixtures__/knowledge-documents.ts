/** Knowledge documents for the store's search tests: one clearly relevant chunk per topic, plus distractors. */
import type { KnowledgeDocumentInput } from '../store.js';

/** A small help-center knowledge base for `tenantId`; ids are prefixed so tenants never collide. */
export function helpCenterDocuments(tenantId: string): KnowledgeDocumentInput[] {
  return [
    {
      id: `${tenantId}:security`,
      tenantId,
      sourceId: 'help-center',
      title: 'Security settings',
      url: 'https://help.example.com/security',
      contentHash: 'security-v1',
      updatedAt: '2024-05-01T10:00:00.000Z',
      chunks: [
        { id: `${tenantId}:security#0`, ordinal: 0, heading: 'API credentials', text: 'To rotate a key, open Settings, choose the key and press Rotate. Old keys stop working after one hour.' },
        { id: `${tenantId}:security#1`, ordinal: 1, heading: 'Two-factor login', text: 'Enable two-factor authentication from your profile page with any authenticator app.' },
      ],
    },
    {
      id: `${tenantId}:billing`,
      tenantId,
      sourceId: 'help-center',
      title: 'Billing',
      url: null,
      contentHash: 'billing-v1',
      updatedAt: '2024-04-01T09:30:00.000Z',
      chunks: [
        { id: `${tenantId}:billing#0`, ordinal: 0, heading: null, text: 'Invoices are emailed on the first day of each month. A lost key card can be replaced for a small fee.' },
      ],
    },
  ];
}
