/**
 * `scheduledSourceSyncWorkflow`: what a knowledge source's Schedule starts (`workers/knowledge-schedules.ts`).
 * A Schedule appends a timestamp to the workflow ids it starts, so it cannot start `knowledge-source-<id>`
 * itself; this tiny workflow starts that sync as an abandoned child under the fixed id, and does nothing when
 * a sync of the source runs already (one sync per source at a time).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { knowledgeSourceWorkflowId } from '../domain/constants.js';
import { ingestSourceWorkflow } from './ingest-source.workflow.js';
import type { ScheduledSourceSyncInput } from './messages.js';

export async function scheduledSourceSyncWorkflow(input: ScheduledSourceSyncInput): Promise<{ started: boolean; workflowId: string }> {
  const workflowId = knowledgeSourceWorkflowId(input.sourceId);
  try {
    await startChild(ingestSourceWorkflow, {
      workflowId,
      args: [{ tenantId: input.tenantId, sourceId: input.sourceId, reason: 'schedule' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return { started: true, workflowId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { started: false, workflowId };
    throw error;
  }
}
