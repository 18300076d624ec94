// The slice of the Workers runtime API that durable-object.ts uses, so this package typechecks
// without @cloudflare/workers-types. Workers projects get the full types from that package.
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: import('./durable-shard.ts').DurableObjectStateLike;
    protected env: Env;
    constructor(ctx: import('./durable-shard.ts').DurableObjectStateLike, env: Env);
    alarm?(): void | Promise<void>;
  }
}
