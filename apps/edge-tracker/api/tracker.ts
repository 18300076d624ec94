// Vercel Edge Function entry: every path is rewritten here by vercel.json. Vercel reads `config` from
// this file's source without running it (an exported `const` object literal here, not a re-export),
// so it is written out; a re-exported config leaves the function on the Node.js runtime.
export const config = { runtime: 'edge' };
export { default } from '../src/adapters/vercel.ts';
