import { defineConfig } from 'vitest/config';

// Tests that run real terraform (and the 700 MB AWS provider) go in their own group, after
// the others: run alongside them, they starve timing-sensitive tests of CPU.
const HEAVY = ['test/terraform/real-terraform.test.ts'];
// The pre-commit tests run git, pre-commit and a full `npm pack` build: last, on their own.
const HOOKS = ['test/cli/pre-commit.test.ts'];
// Every benchmark script in short mode (test/bench.test.ts): many processes, so on its own, last.
const BENCH = ['test/bench.test.ts'];

const common = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    // One temp directory for the whole run (all projects), removed at teardown.
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...HEAVY, ...HOOKS, ...BENCH],
          sequence: { groupOrder: 0 },
        },
      },
      { test: { ...common, name: 'terraform', include: HEAVY, sequence: { groupOrder: 1 } } },
      { test: { ...common, name: 'hooks', include: HOOKS, sequence: { groupOrder: 2 } } },
      { test: { ...common, name: 'bench', include: BENCH, sequence: { groupOrder: 3 } } },
    ],
  },
});
