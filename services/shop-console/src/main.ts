import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { runService, type ServiceDefinition } from '@mirror/platform';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig, type AppConfig } from './config';

/** Headers of every answer: no inline script, no framing, nothing cached but the assets. */
function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  if (!req.path.startsWith('/assets/')) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** shop-console as the platform runs it (and as the tests boot it, with their own environment). */
export const shopConsoleService: ServiceDefinition<AppConfig> = {
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
  configureHttp: (app: INestApplication) => {
    const http = app as NestExpressApplication;
    // behind one reverse proxy: its X-Forwarded-For names the client the sign-in limit counts
    http.set('trust proxy', 1);
    http.use(securityHeaders);
    http.use(express.urlencoded({ extended: false, limit: '16kb' }));
    http.use(express.json({ limit: '16kb' }));
  },
};

if (require.main === module) runService(shopConsoleService);
