/** The model catalog (price, tier) and each provider's health. */
import type { ReactNode } from 'react';
import type { ModelCatalog } from '../api/upcoming-types';

export function ModelsTable({ catalog }: { catalog: ModelCatalog }): ReactNode {
  return (
    <>
      {catalog.providers.length > 0 && (
        <ul className="provider-health" aria-label="Provider health">
          {catalog.providers.map((provider) => (
            <li key={provider.provider} className={`chip status-${provider.status}`}>
              <strong>{provider.provider}</strong>: {provider.status}
              {provider.detail ? ` (${provider.detail})` : ''}
            </li>
          ))}
        </ul>
      )}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Tier</th>
              <th scope="col">$ / M input</th>
              <th scope="col">$ / M output</th>
              <th scope="col">Healthy</th>
            </tr>
          </thead>
          <tbody>
            {catalog.models.map((model) => (
              <tr key={`${model.provider}/${model.modelId}`}>
                <td>{model.provider}</td>
                <td>{model.modelId}</td>
                <td>{model.tier ?? '—'}</td>
                <td>{model.inputPricePerMillionUsd ?? '—'}</td>
                <td>{model.outputPricePerMillionUsd ?? '—'}</td>
                <td>{model.healthy === undefined ? '—' : model.healthy ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
