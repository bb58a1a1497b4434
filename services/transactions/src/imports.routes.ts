import {
  importCsvBody,
  importCsvQuery,
  importJsonBody,
  importList,
  importReport,
  type ImportCsvBody,
} from '@meridian/contracts';
import { AppError, authenticate, type App } from '@meridian/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TransactionsDeps } from './deps.js';
import { handleWrite, requireScope } from './http.js';
import { parseCsv } from './imports/csv.js';
import { readJsonFile } from './imports/json.js';
import { choosePreset } from './imports/presets/index.js';
import { commitImport, listImports, previewImport, undoImport, type ImportOptions, type ImportSource } from './imports.service.js';

/** Import files may be far larger than other requests. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;
const security = [{ bearer: [] }];

function csvSource(text: string, options: Pick<ImportCsvBody, 'preset' | 'delimiter' | 'mapping' | 'typeMap' | 'dateFormat' | 'decimalSeparator' | 'absoluteValues' | 'fileName'>): ImportSource {
  const records = parseCsv(text, options.delimiter);
  if (records.length === 0) throw new AppError('unprocessable', 'the file has no rows', { details: { reason: 'empty_file' } });
  const preset = choosePreset(options.mapping ? (options.preset === 'auto' ? 'generic' : options.preset) : options.preset, records);
  const candidates = preset.read(records, {
    mapping: options.mapping,
    typeMap: options.typeMap,
    dateFormat: options.dateFormat,
    decimalSeparator: options.decimalSeparator,
    absoluteValues: options.absoluteValues,
  });
  return { format: 'csv', preset: preset.id, candidates, exportedAccounts: [], fileName: options.fileName ?? null };
}

async function runImport(
  deps: TransactionsDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  source: () => ImportSource,
  options: ImportOptions & { commit: boolean },
): Promise<FastifyReply> {
  if (!options.commit) {
    const { userId } = requireScope(request, 'read');
    return reply.status(200).send(await previewImport(deps, userId, source(), options));
  }
  const read = source();
  return handleWrite(deps, request, reply, (trx, w) => commitImport(deps, trx, w, read, options));
}

export function importRoutes(app: App, deps: TransactionsDeps): void {
  const auth = authenticate(deps.verifier);

  app.register(async (scoped) => {
    const scope = scoped as App;
    // A CSV file can also be the whole body (`curl --data-binary @file.csv -H 'content-type: text/csv'`), options in the query.
    scope.addContentTypeParser(['text/csv', 'application/csv', 'text/plain'], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => {
      done(null, body);
    });

    scope.post(
      '/imports/csv',
      {
        onRequest: auth,
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          summary: 'Import a CSV file: a dry run by default, commit: true applies it atomically',
          security,
          body: z.union([importCsvBody, z.string().min(1)]),
          querystring: importCsvQuery,
          response: { 200: importReport, 201: importReport },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (typeof body === 'string') {
          const q = request.query;
          return runImport(deps, request, reply, () => csvSource(body, { ...q, absoluteValues: false }), {
            accountId: q.accountId,
            commit: q.commit,
            force: q.force,
            createAccounts: false,
          });
        }
        const text = body.content ?? body.csv;
        if (text === undefined) {
          throw new AppError('validation_failed', 'body.content: the CSV text is required', {
            details: { issues: [{ path: 'body.content', message: 'required' }] },
          });
        }
        return runImport(deps, request, reply, () => csvSource(text, body), {
          accountId: body.accountId,
          accountMap: body.accountMap,
          commit: body.commit,
          force: body.force,
          createAccounts: false,
          defaultCurrency: body.defaultCurrency,
        });
      },
    );

    scope.post(
      '/imports/json',
      {
        onRequest: auth,
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          summary: 'Import a Ghostfolio or Meridian JSON export: a dry run by default, commit: true applies it',
          security,
          body: importJsonBody,
          response: { 200: importReport, 201: importReport },
        },
      },
      async (request, reply) => {
        const body = request.body;
        let data: unknown = body.data;
        if (data === undefined && body.content !== undefined) {
          try {
            data = JSON.parse(body.content);
          } catch {
            throw new AppError('validation_failed', 'body.content: not valid JSON', { details: { issues: [{ path: 'body.content', message: 'not valid JSON' }] } });
          }
        }
        if (data === undefined) {
          throw new AppError('validation_failed', 'body.data: the export is required', { details: { issues: [{ path: 'body.data', message: 'required' }] } });
        }
        const file = readJsonFile(data, body.format);
        const source: ImportSource = {
          format: 'json',
          preset: file.format,
          candidates: file.candidates,
          exportedAccounts: file.accounts,
          fileName: body.fileName ?? null,
        };
        return runImport(deps, request, reply, () => source, {
          accountId: body.accountId,
          accountMap: body.accountMap,
          commit: body.commit,
          force: body.force,
          createAccounts: body.createAccounts,
        });
      },
    );
  });

  app.get(
    '/imports',
    { onRequest: auth, schema: { summary: 'Committed imports, newest first', security, response: { 200: importList } } },
    async (request) => ({ items: await listImports(deps, requireScope(request, 'read').userId) }),
  );

  app.delete(
    '/imports/:id',
    { onRequest: auth, schema: { summary: 'Undo an import: delete the activities it created', security, params: z.strictObject({ id: z.uuid() }) } },
    async (request, reply) => handleWrite(deps, request, reply, (trx, w) => undoImport(deps, trx, w, request.params.id)),
  );
}
