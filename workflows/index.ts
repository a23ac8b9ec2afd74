/** The workflows the worker bundles. */
export { conversationWorkflow } from './conversation.workflow.js';
export { turnWorkflow } from './turn.workflow.js';
export { retrainRouterWorkflow } from './retrain-router.workflow.js';
export { ingestSourceWorkflow } from './ingest-source.workflow.js';
export { scheduledSourceSyncWorkflow } from './scheduled-source-sync.workflow.js';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow.js';
export { reembedKnowledgeWorkflow } from './reembed-knowledge.workflow.js';
