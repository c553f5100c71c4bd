import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NoRespondersError, RequestTimeoutError } from '@mirror/nats';
import { renderMessage } from './pages';

/** binding did not answer: the page says so (503) instead of failing, the API answers 503 too. */
@Catch(NoRespondersError, RequestTimeoutError)
export class BindingUnavailableFilter implements ExceptionFilter {
  catch(_e: Error, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    res.setHeader('Retry-After', '5');
    if (req.path.startsWith('/api/')) {
      res.status(503).json({ error: 'statistics service unavailable, try again' });
    } else {
      res
        .status(503)
        .type('html')
        .send(renderMessage(null, '暂时无法获取数据', '统计服务暂时没有响应，请稍后刷新重试。'));
    }
  }
}
