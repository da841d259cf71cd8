import { spawn } from 'node:child_process';

/** A server started as a child process: its port, everything it printed, and a SIGTERM that resolves with its exit code. */
export interface ServerProcess {
  port: number;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs `node <argv>` (a `start` command) and resolves once it logs that it listens. Generous timeout:
 * on a loaded CI machine, loading TypeScript and migrating take seconds.
 */
export function spawnServer(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 60_000);
    const onExit = (code: number | null) => reject(new Error(`exited ${code}:\n${output}`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        port: Number(match[1]),
        output: () => output,
        stop: () => new Promise((done) => { child.once('exit', (code) => done(code)); child.kill('SIGTERM'); }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}
