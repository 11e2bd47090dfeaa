import type { Command } from 'commander';
import { projectOption } from './report-options.js';

export interface ServeFlags {
  env: string;
  project?: string;
  host?: string;
  port?: string;
  metricsPort?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('the exporter service: HTTP API, queue, workers, metrics, probes')
    .requiredOption('--env <name>', 'environment')
    .addOption(projectOption())
    .option('--host <host>', 'listen address (default: server.host)')
    .option('--port <n>', 'API port (default: server.port; 0: any free port)')
    .option(
      '--metrics-port <n>',
      'separate metrics listener (default: monitoring.metrics.port; 0: any free port; "off": none)',
    )
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('../run-serve.js');
      process.exitCode = await runServe(flags);
    });
}
