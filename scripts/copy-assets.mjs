// Copies the non-TypeScript files the compiled code reads at run time into dist/ (part of `npm run build`).
import { cpSync } from 'node:fs';

cpSync('activities/retrieval/demo-knowledge', 'dist/activities/retrieval/demo-knowledge', { recursive: true });
console.log('copied activities/retrieval/demo-knowledge → dist/');
