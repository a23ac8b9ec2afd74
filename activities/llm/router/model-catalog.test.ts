import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelCatalogError, loadModelCatalog, parseModelCatalog, priceOf } from './model-catalog.js';

const minimal = (models: unknown[]) => JSON.stringify({ version: 1, models });
const offline = { id: 'offline/x', provider: 'offline', modelId: 'x', inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0, contextWindow: 1000, maxOutputTokens: 100, tier: 'fast', capabilities: [], local: true, lastResort: true };

describe('model catalog', () => {
  it('ships a valid default with every provider and the offline model as the free, local last resort', () => {
    const catalog = loadModelCatalog();
    expect(new Set(catalog.models.map((entry) => entry.provider))).toEqual(new Set(['anthropic', 'openai', 'ollama', 'offline']));
    expect(new Set(catalog.models.map((entry) => entry.tier))).toEqual(new Set(['fast', 'balanced', 'premium']));
    const lastResort = catalog.models.filter((entry) => entry.lastResort);
    expect(lastResort).toEqual([expect.objectContaining({ provider: 'offline', local: true, tier: 'fast', inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0 })]);
    expect(catalog.models.filter((entry) => entry.provider === 'ollama').every((entry) => entry.local && entry.inputUsdPerMillionTokens === 0)).toBe(true);
  });

  it('is overridden by inline JSON first, then by a file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalog-'));
    const path = join(directory, 'catalog.json');
    writeFileSync(path, minimal([{ ...offline, id: 'from-file' }]));
    expect(loadModelCatalog({ catalogPath: path }).models.map((entry) => entry.id)).toEqual(['from-file']);
    expect(loadModelCatalog({ catalogPath: path, catalogJson: minimal([offline]) }).models.map((entry) => entry.id)).toEqual(['offline/x']);
    expect(loadModelCatalog({ catalogPath: ' ', catalogJson: '' }).models.length).toBeGreaterThan(4);
  });

  it('rejects malformed catalogs with every issue named', () => {
    expect(() => parseModelCatalog('{', 'MODEL_CATALOG_JSON')).toThrow(new ModelCatalogError('MODEL_CATALOG_JSON: not valid JSON'));
    expect(() => parseModelCatalog(minimal([offline, offline]))).toThrow(/models\.1\.id: duplicate model id offline\/x/);
    expect(() => parseModelCatalog(minimal([{ ...offline, tier: 'turbo', contextWindow: -1 }]))).toThrow(/models\.0\.tier: Invalid option/);
    expect(() => parseModelCatalog(minimal([{ ...offline, tier: 'turbo', contextWindow: -1 }]))).toThrow(/models\.0\.contextWindow: Too small/);
    expect(() => parseModelCatalog(minimal([{ ...offline, maxOutputTokens: 2000 }]))).toThrow(/maxOutputTokens exceeds contextWindow/);
    expect(() => parseModelCatalog(minimal([{ ...offline, price: 1 }]))).toThrow(/Unrecognized key/);
    expect(() => loadModelCatalog({ catalogPath: '/nonexistent/catalog.json' })).toThrow(ModelCatalogError);
  });

  it('prices tokens per million', () => {
    const [entry] = parseModelCatalog(minimal([{ ...offline, inputUsdPerMillionTokens: 3, outputUsdPerMillionTokens: 15 }])).models;
    expect(entry && priceOf(entry, 2_000, 500)).toBeCloseTo(0.0135, 12);
  });
});
