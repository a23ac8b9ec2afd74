/**
 * The specialists the core pipeline routes to. Ids are part of the public API (see the agent-catalog
 * issue, which grows this into the versioned 18-agent catalog stored in Postgres). Each agent has
 * expertise terms used by the lexical router.
 */
export interface AgentDefinition {
  id: string;
  name: string;
  team: 'technical' | 'business' | 'analysis' | 'customer' | 'product' | 'industry';
  description: string;
  /** Words (any inflection) that signal this agent's expertise. */
  expertise: string[];
}

export const AGENT_CATALOG: readonly AgentDefinition[] = [
  {
    id: 'billing-expert',
    name: 'Billing Expert',
    team: 'business',
    description: 'Invoices, payments, refunds, taxes, plans and pricing.',
    expertise: ['bill', 'billing', 'invoice', 'payment', 'pay', 'card', 'refund', 'charge', 'vat', 'tax', 'receipt', 'price', 'pricing', 'plan', 'upgrade', 'downgrade', 'seat', 'subscription', 'proration', 'credit', 'cost', 'trial'],
  },
  {
    id: 'integration-specialist',
    name: 'Integration Specialist',
    team: 'technical',
    description: 'API keys, webhooks, SDKs and third-party integrations.',
    expertise: ['api', 'key', 'token', 'webhook', 'integration', 'integrate', 'sdk', 'endpoint', 'rotate', 'revoke', 'scope', 'rate', 'limit', 'oauth', 'signature', 'secret', 'connector'],
  },
  {
    id: 'security-expert',
    name: 'Security Expert',
    team: 'technical',
    description: 'SSO, SAML, SCIM, two-factor authentication, audit logs and account security.',
    expertise: ['sso', 'saml', 'oidc', 'scim', 'okta', 'azure', '2fa', 'two-factor', 'mfa', 'password', 'security', 'secure', 'audit', 'login', 'sign', 'breach', 'compromise', 'encryption'],
  },
  {
    id: 'legal-agent',
    name: 'Legal Agent',
    team: 'business',
    description: 'GDPR, data processing agreements, privacy, erasure and data residency.',
    expertise: ['gdpr', 'dpa', 'privacy', 'erasure', 'erase', 'delete', 'deletion', 'residency', 'processor', 'subprocessor', 'legal', 'contract', 'compliance', 'consent', 'pii', 'ccpa'],
  },
  {
    id: 'devops-engineer',
    name: 'DevOps Engineer',
    team: 'technical',
    description: 'Outages, incidents, status page, uptime and SLA credits.',
    expertise: ['outage', 'down', 'downtime', 'incident', 'status', 'uptime', 'sla', 'latency', 'slow', 'error', 'unavailable', 'degraded', 'maintenance'],
  },
  {
    id: 'success-manager',
    name: 'Success Manager',
    team: 'customer',
    description: 'Accounts, users and roles, data export, onboarding and anything general.',
    expertise: ['account', 'user', 'role', 'invite', 'team', 'export', 'csv', 'backup', 'onboard', 'workspace', 'admin', 'owner', 'help', 'started'],
  },
];

/** The agent that takes questions no specialist matches. */
export const FALLBACK_AGENT_ID = 'success-manager';

export function findAgent(agentId: string): AgentDefinition | undefined {
  return AGENT_CATALOG.find((agent) => agent.id === agentId);
}
