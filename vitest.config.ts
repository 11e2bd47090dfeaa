import { defineConfig } from 'vitest/config';

// Tests that run real terraform (and the 700 MB AWS provider) go in their own group, after
// the others: run alongside them, they starve timing-sensitive tests of CPU.
const HEAVY = ['test/terraform/real-terraform.test.ts'];

const common = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  globalSetup: [],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: HEAVY,
          sequence: { groupOrder: 0 },
        },
      },
      { test: { ...common, name: 'terraform', include: HEAVY, sequence: { groupOrder: 1 } } },
    ],
  },
});
