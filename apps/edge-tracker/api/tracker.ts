// Vercel Edge Function entry: every path is rewritten here by vercel.json.
export { config, default } from '../src/adapters/vercel.ts';
