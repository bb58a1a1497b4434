import { exportQuery } from '@meridian/contracts';
import { authenticate, type App } from '@meridian/platform';
import type { TransactionsDeps } from './deps.js';
import { exportCsv, exportJson } from './export.service.js';
import { requireScope } from './http.js';

export function exportRoutes(app: App, deps: TransactionsDeps): void {
  app.get(
    '/export',
    {
      onRequest: authenticate(deps.verifier),
      schema: { summary: 'Download accounts and activities as CSV or JSON (importable again)', security: [{ bearer: [] }], querystring: exportQuery },
    },
    async (request, reply) => {
      const { userId } = requireScope(request, 'read');
      const day = deps.clock().toISOString().slice(0, 10);
      if (request.query.format === 'csv') {
        const body = await exportCsv(deps, userId, request.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="meridian-activities-${day}.csv"`)
          .send(body);
      }
      const body = await exportJson(deps, userId, request.query);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="meridian-export-${day}.json"`)
        .send(body);
    },
  );
}
