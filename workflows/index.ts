/** The workflows the worker bundles. */
export { conversationWorkflow } from './conversation.workflow.js';
export { turnWorkflow } from './turn.workflow.js';
export { retrainRouterWorkflow } from './retrain-router.workflow.js';
