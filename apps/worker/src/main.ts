import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from '@campus/core';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  await createWorkerApp(config);
}

void main();
