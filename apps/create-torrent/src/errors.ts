/**
 * The one error class of the CLI. `code` is stable (scripts may match on it in `--json` mode);
 * `exitCode` is what the process exits with: 2 for usage mistakes, 1 for everything else.
 */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage mistake (unknown option, missing argument, bad value): exit code 2. */
export function usageError(message: string): CliError {
  return new CliError('CLI_USAGE', message, 2);
}

/**
 * Turns anything thrown into one human line and a stable code. Node's fs errors carry a `code`
 * such as ENOENT; their messages are long and runtime-specific, so we phrase them ourselves.
 */
export function describeError(err: unknown): { code: string; message: string; exitCode: number } {
  if (err instanceof CliError) return { code: err.code, message: err.message, exitCode: err.exitCode };
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; path?: unknown; name?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'ERROR';
    const path = typeof e.path === 'string' ? e.path : undefined;
    const fsText = path ? fsMessage(code, path) : undefined;
    if (fsText) return { code, message: fsText, exitCode: 1 };
    if (e.name === 'AbortError') return { code: 'ABORTED', message: 'interrupted', exitCode: 130 };
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    return { code, message: firstLine(message), exitCode: 1 };
  }
  return { code: 'ERROR', message: firstLine(String(err)), exitCode: 1 };
}

function fsMessage(code: string, path: string): string | undefined {
  switch (code) {
    case 'ENOENT': return `no such file or directory: ${path}`;
    case 'EACCES':
    case 'EPERM': return `permission denied: ${path}`;
    case 'EISDIR': return `is a directory: ${path}`;
    case 'ENOTDIR': return `not a directory: ${path}`;
    case 'ELOOP': return `too many levels of symbolic links: ${path}`;
    case 'EEXIST': return `already exists: ${path}`;
    default: return undefined;
  }
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}
