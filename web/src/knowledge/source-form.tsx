/**
 * Add a website or a single URL. The input is checked with the API's own schema (mirrored in
 * `knowledge-types.ts`), so the form shows each problem beside its field before anything is sent.
 */
import { useId, useState, type ReactNode } from 'react';
import { knowledgeApi } from '../api/knowledge-client';
import { CreateKnowledgeSourceSchema, type CreateKnowledgeSource } from '../api/knowledge-types';
import { listOfText, messageOf } from '../components/format';

type Kind = 'website' | 'url';

export interface SourceFields {
  kind: Kind;
  name: string;
  url: string;
  useSitemap: boolean;
  maxDepth: string;
  maxPages: string;
  includePaths: string;
  excludePaths: string;
  allowedHosts: string;
  scopes: string;
  /** Hours between re-syncs; 0 turns the schedule off. */
  syncHours: string;
}

export const EMPTY_FIELDS: SourceFields = {
  kind: 'website',
  name: '',
  url: '',
  useSitemap: true,
  maxDepth: '2',
  maxPages: '200',
  includePaths: '',
  excludePaths: '',
  allowedHosts: '',
  scopes: '',
  syncHours: '24',
};

function numberOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** The form's fields as the request body, checked by the schema; errors by field name. */
export function validateSource(fields: SourceFields): { ok: true; value: CreateKnowledgeSource } | { ok: false; errors: Record<string, string> } {
  const hours = numberOf(fields.syncHours);
  const common = { name: fields.name, scopes: listOfText(fields.scopes), syncIntervalSeconds: hours === undefined ? undefined : Math.round(hours * 3600) };
  const candidate =
    fields.kind === 'url'
      ? { kind: 'url', url: fields.url.trim(), ...common }
      : {
          kind: 'website',
          startUrl: fields.url.trim(),
          useSitemap: fields.useSitemap,
          maxDepth: numberOf(fields.maxDepth),
          maxPages: numberOf(fields.maxPages),
          includePaths: listOfText(fields.includePaths),
          excludePaths: listOfText(fields.excludePaths),
          allowedHosts: listOfText(fields.allowedHosts),
          ...common,
        };
  const parsed = CreateKnowledgeSourceSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    const field = key === 'startUrl' ? 'url' : key === 'syncIntervalSeconds' ? 'syncHours' : key;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

export function SourceForm({ onCreated }: { onCreated: (announcement: string) => void }): ReactNode {
  const [fields, setFields] = useState<SourceFields>(EMPTY_FIELDS);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = <K extends keyof SourceFields>(key: K, value: SourceFields[K]): void => setFields((previous) => ({ ...previous, [key]: value }));

  const submit = async (): Promise<void> => {
    setSubmitError(null);
    const result = validateSource(fields);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await knowledgeApi.createSource(result.value);
      setFields({ ...EMPTY_FIELDS, kind: fields.kind });
      onCreated(`${created.source.name} added; its first sync has started.`);
    } catch (caught) {
      setSubmitError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof SourceFields, label: string, input: (props: FieldProps) => ReactNode, hint?: string): ReactNode => (
    <FormField id={`${id}-${name}`} label={label} error={errors[name]} hint={hint} input={input} />
  );
  return (
    <form
      aria-label="Add a knowledge source"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <fieldset className="segmented-field">
        <legend>Kind</legend>
        <KindRadio id={id} kind="website" label="Website (crawl)" current={fields.kind} onChange={(kind) => set('kind', kind)} />
        <KindRadio id={id} kind="url" label="Single URL" current={fields.kind} onChange={(kind) => set('kind', kind)} />
      </fieldset>
      <div className="form-grid">
        {field('name', 'Name', (props) => <input {...props} value={fields.name} onChange={(event) => set('name', event.target.value)} />)}
        {field('url', fields.kind === 'website' ? 'Start URL' : 'URL', (props) => (
          <input {...props} type="url" inputMode="url" placeholder="https://docs.example.com/" value={fields.url} onChange={(event) => set('url', event.target.value)} />
        ))}
        {fields.kind === 'website' && <WebsiteFields fields={fields} set={set} field={field} id={id} />}
        {field('scopes', 'Scopes (comma-separated)', (props) => <input {...props} placeholder="knowledge:billing" value={fields.scopes} onChange={(event) => set('scopes', event.target.value)} />, 'knowledge:<topic> or web:<host>')}
        {field('syncHours', 'Re-sync every (hours)', (props) => <input {...props} type="number" min={0} step="any" value={fields.syncHours} onChange={(event) => set('syncHours', event.target.value)} />, '0 turns scheduled syncs off')}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Add source
        </button>
      </div>
      {submitError !== null && (
        <p className="error-text" role="alert">
          Could not add the source: {submitError}
        </p>
      )}
    </form>
  );
}

function KindRadio({ id, kind, label, current, onChange }: { id: string; kind: Kind; label: string; current: Kind; onChange: (kind: Kind) => void }): ReactNode {
  return (
    <span className="field inline">
      <input id={`${id}-kind-${kind}`} type="radio" name={`${id}-kind`} checked={current === kind} onChange={() => onChange(kind)} />
      <label htmlFor={`${id}-kind-${kind}`}>{label}</label>
    </span>
  );
}

interface FieldProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

function FormField({ id, label, error, hint, input }: { id: string; label: string; error: string | undefined; hint: string | undefined; input: (props: FieldProps) => ReactNode }): ReactNode {
  const described = [hint === undefined ? null : `${id}-hint`, error === undefined ? null : `${id}-error`].filter((value) => value !== null).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input({ id, 'aria-invalid': error !== undefined, 'aria-describedby': described === '' ? undefined : described })}
      {hint !== undefined && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span id={`${id}-error`} className="error-text small">
          {error}
        </span>
      )}
    </div>
  );
}

type FieldRenderer = (name: keyof SourceFields, label: string, input: (props: FieldProps) => ReactNode, hint?: string) => ReactNode;

function WebsiteFields({ fields, set, field, id }: { fields: SourceFields; set: <K extends keyof SourceFields>(key: K, value: SourceFields[K]) => void; field: FieldRenderer; id: string }): ReactNode {
  return (
    <>
      <div className="field inline">
        <input id={`${id}-sitemap`} type="checkbox" checked={fields.useSitemap} onChange={(event) => set('useSitemap', event.target.checked)} />
        <label htmlFor={`${id}-sitemap`}>Read sitemap.xml</label>
      </div>
      {field('maxDepth', 'Max link depth', (props) => <input {...props} type="number" min={0} max={10} value={fields.maxDepth} onChange={(event) => set('maxDepth', event.target.value)} />)}
      {field('maxPages', 'Max pages', (props) => <input {...props} type="number" min={1} max={10000} value={fields.maxPages} onChange={(event) => set('maxPages', event.target.value)} />)}
      {field('includePaths', 'Only paths starting with (one per line)', (props) => <textarea {...props} rows={2} placeholder="/docs" value={fields.includePaths} onChange={(event) => set('includePaths', event.target.value)} />)}
      {field('excludePaths', 'Skip paths starting with (one per line)', (props) => <textarea {...props} rows={2} value={fields.excludePaths} onChange={(event) => set('excludePaths', event.target.value)} />)}
      {field('allowedHosts', 'Other allowed hosts (comma-separated)', (props) => <input {...props} value={fields.allowedHosts} onChange={(event) => set('allowedHosts', event.target.value)} />, 'The start URL’s host is always allowed')}
    </>
  );
}
