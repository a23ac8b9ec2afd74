/** Build-time settings (Vite env): where the Temporal Web UI is, and its namespace. */
export const temporalUiUrl: string = (import.meta.env.VITE_TEMPORAL_UI_URL as string | undefined) ?? 'http://localhost:8233';
export const temporalNamespace: string = (import.meta.env.VITE_TEMPORAL_NAMESPACE as string | undefined) ?? 'default';

/** Link to a workflow run in the Temporal Web UI. */
export function temporalWorkflowUrl(workflowId: string): string {
  return `${temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
