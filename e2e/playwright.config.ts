import { join } from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';

const here = import.meta.dirname;

// The lead's runner sets PLAYWRIGHT_JSON_OUTPUT_NAME and adds the json reporter; by
// default a person reading the terminal gets the list.
const reporter: ReporterDescription[] = process.env['PLAYWRIGHT_JSON_OUTPUT_NAME'] === undefined ? [['list']] : [['list'], ['json']];

export default defineConfig({
  testDir: here,
  testMatch: '*.spec.ts',
  // `npm test` gives each run its own folder, so two runs at once keep each other's traces.
  outputDir: process.env['RELAYPROOF_E2E_OUTPUT_DIR'] ?? join(here, 'artifacts', 'test-results'),
  reporter,
  // Each test starts its own app with its own data directory and keychain entries.
  workers: 2,
  fullyParallel: false,
  forbidOnly: process.env['CI'] !== undefined,
  // A hang guard, not a speed target: several specs (axe over every card, whole wizards,
  // rotations) take 35–55 s on two cores beside the other worker; a minute was too close.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'browser',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // Playwright's own browser download needs the internet: Debian's Chromium instead.
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    {
      name: 'electron',
    },
  ],
});
