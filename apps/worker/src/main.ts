import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { configOrExit } from '@campus/core';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = configOrExit();
  await createWorkerApp(config);
}

void main();
