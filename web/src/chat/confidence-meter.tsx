/** A labelled confidence indicator: a native `<meter>` plus a word, so colour is never the only cue. */
import type { ReactNode } from 'react';

export function confidenceLabel(confidence: number): 'High' | 'Medium' | 'Low' {
  if (confidence >= 0.75) return 'High';
  if (confidence >= 0.4) return 'Medium';
  return 'Low';
}

export function ConfidenceMeter({ confidence }: { confidence: number }): ReactNode {
  const label = confidenceLabel(confidence);
  const percent = Math.round(confidence * 100);
  return (
    <span className={`confidence confidence-${label.toLowerCase()}`}>
      <meter min={0} max={1} low={0.4} high={0.75} optimum={1} value={confidence} aria-label={`Confidence ${percent}%`} />
      <span>
        {label} confidence ({percent}%)
      </span>
    </span>
  );
}
