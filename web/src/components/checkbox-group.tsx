/** A labelled group of checkboxes choosing a subset of `options` (roles, scopes, webhook events…). */
import type { ReactNode } from 'react';

export function CheckboxGroup<T extends string>({ legend, idPrefix, options, selected, onChange }: {
  legend: string;
  /** Unique per form (from `useId`), so each checkbox's label points at it. */
  idPrefix: string;
  options: readonly T[];
  selected: readonly T[];
  onChange: (next: T[]) => void;
}): ReactNode {
  return (
    <fieldset className="checkbox-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <span key={option} className="field inline">
          <input
            id={`${idPrefix}-${option}`}
            type="checkbox"
            checked={selected.includes(option)}
            onChange={(event) => onChange(event.target.checked ? [...selected, option] : selected.filter((other) => other !== option))}
          />
          <label htmlFor={`${idPrefix}-${option}`}>{option}</label>
        </span>
      ))}
    </fieldset>
  );
}
