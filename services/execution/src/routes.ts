import {
  auditEntryDto,
  auditVerifyDto,
  brokerAccountDto,
  brokerLinkBody,
  brokerLinkDto,
  listOrdersQuery,
  orderDto,
  orderPage,
  orderPreviewDto,
  placeOrderBody,
  replaceOrderBody,
  riskSettingsDto,
  bankTransferBody,
  bankTransferDto,
  updateRiskSettingsBody,
} from '@meridian/contracts';
import { AppError, authenticate, bearerToken, requireUser, type App, type VerifiedToken } from '@meridian/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ownsAccount, requireAccount } from './accounts.service.js';
import { auditEntries, verifyAccountChain } from './audit.repository.js';
import { brokerFor, secretContext } from './brokers/index.js';
import type { ExecutionDeps } from './deps.js';
import { toOrderDto } from './orders.js';
import { fillsOf, listOrders, transitionsOf } from './orders.repository.js';
import { cancelOrder, getOrder, placeOrder, previewOrder, replaceOrder } from './orders.service.js';
import { getRiskSettings, updateRiskSettings } from './risk.service.js';
import { createTransfer, getTransfer } from './transfers.service.js';

const security = [{ bearer: [] }];
const idParams = z.object({ id: z.uuid() });
const accountParams = z.object({ accountId: z.uuid() });

function scoped(request: FastifyRequest, scope: 'read' | 'write'): { user: VerifiedToken; token: string } {
  const user = requireUser(request);
  if (!user.scopes.includes(scope)) throw new AppError('forbidden', `this token lacks the "${scope}" scope`);
  return { user, token: bearerToken(request.headers.authorization) ?? '' };
}

async function requireOwnAccount(deps: ExecutionDeps, userId: string, accountId: string): Promise<void> {
  if (!(await ownsAccount(deps.db, userId, accountId))) throw new AppError('not_found', `account ${accountId} not found`);
}

export function executionRoutes(app: App, deps: ExecutionDeps): void {
  const auth = authenticate(deps.verifier);
  // Orders and balances must not be cached by browsers or proxies.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.post('/orders', { onRequest: auth, schema: { summary: 'Place an order', security, body: placeOrderBody, response: { 200: orderDto, 201: orderDto } } }, async (request, reply) => {
    const { user, token } = scoped(request, 'write');
    const placed = await placeOrder(deps, user.userId, token, request.body);
    if (placed.replayed) void reply.header('idempotent-replayed', 'true');
    return reply.status(201).send(placed.order);
  });

  app.post('/orders/preview', { onRequest: auth, schema: { summary: 'Run the pre-trade risk checks and estimate the cost of an order without placing it', security, body: placeOrderBody, response: { 200: orderPreviewDto } } }, async (request) => {
    const { user, token } = scoped(request, 'write');
    return previewOrder(deps, user.userId, token, request.body);
  });

  app.get('/orders', { onRequest: auth, schema: { summary: "The caller's orders, newest first", security, querystring: listOrdersQuery, response: { 200: orderPage } } }, async (request) => {
    const { user } = scoped(request, 'read');
    const q = request.query;
    const rows = await listOrders(deps.db, user.userId, { accountId: q.accountId, open: q.status === 'all' ? undefined : q.status === 'open' }, q.limit);
    const ids = rows.map((r) => r.id);
    const [transitions, fills] = await Promise.all([transitionsOf(deps.db, ids), fillsOf(deps.db, ids)]);
    return { items: rows.map((r) => toOrderDto(r, transitions.filter((t) => t.order_id === r.id), fills.filter((f) => f.order_id === r.id))) };
  });

  app.get('/orders/:id', { onRequest: auth, schema: { summary: 'One order with its transitions and fills', security, params: idParams, response: { 200: orderDto } } }, async (request) => {
    const { user } = scoped(request, 'read');
    return getOrder(deps, user.userId, request.params.id);
  });

  app.delete('/orders/:id', { onRequest: auth, schema: { summary: 'Cancel a working order', security, params: idParams, response: { 200: orderDto } } }, async (request) => {
    const { user } = scoped(request, 'write');
    return cancelOrder(deps, user.userId, request.params.id);
  });

  app.patch('/orders/:id', { onRequest: auth, schema: { summary: 'Replace a working order', security, params: idParams, body: replaceOrderBody, response: { 201: orderDto } } }, async (request, reply) => {
    const { user, token } = scoped(request, 'write');
    return reply.status(201).send(await replaceOrder(deps, user.userId, token, request.params.id, request.body));
  });

  app.post('/transfers', { onRequest: auth, schema: { summary: 'Deposit into or withdraw from an account through the bank', security, body: bankTransferBody, response: { 201: bankTransferDto } } }, async (request, reply) => {
    const { user, token } = scoped(request, 'write');
    return reply.status(201).send(await createTransfer(deps, user.userId, token, request.body));
  });

  app.get('/transfers/:id', { onRequest: auth, schema: { summary: 'One transfer', security, params: idParams, response: { 200: bankTransferDto } } }, async (request) => {
    const { user } = scoped(request, 'read');
    return getTransfer(deps, user.userId, request.params.id);
  });

  app.get('/risk', { onRequest: auth, schema: { summary: "The caller's pre-trade risk limits", security, response: { 200: riskSettingsDto } } }, async (request) => {
    const { user } = scoped(request, 'read');
    return getRiskSettings(deps.db, deps.settings, user.userId);
  });

  app.patch('/risk', { onRequest: auth, schema: { summary: 'Change risk limits, the kill switch, or turn live trading on', security, body: updateRiskSettingsBody, response: { 200: riskSettingsDto } } }, async (request) => {
    const { user } = scoped(request, 'write');
    return updateRiskSettings(deps.db, deps.settings, user.userId, request.body);
  });

  app.put('/accounts/:accountId/broker', { onRequest: auth, schema: { summary: 'Link an account to Alpaca (keys stored encrypted)', security, params: accountParams, body: brokerLinkBody, response: { 200: brokerLinkDto } } }, async (request) => {
    const { user, token } = scoped(request, 'write');
    const account = await requireAccount(deps, user.userId, token, request.params.accountId);
    const sealed = await deps.cipher.encrypt(request.body.secretKey, secretContext(account.id));
    const values = { user_id: user.userId, broker: request.body.broker, environment: request.body.environment, key_id: request.body.keyId, secret_sealed: sealed, created_at: new Date() };
    await deps.db.insertInto('broker_links').values({ account_id: account.id, ...values }).onConflict((oc) => oc.column('account_id').doUpdateSet(values)).execute();
    deps.onLinked?.(account.id);
    return { accountId: account.id, broker: request.body.broker, environment: request.body.environment, keyId: request.body.keyId };
  });

  app.get('/accounts/:accountId/broker', { onRequest: auth, schema: { summary: "The account's broker: cash, buying power, positions", security, params: accountParams, response: { 200: brokerAccountDto } } }, async (request) => {
    const { user, token } = scoped(request, 'read');
    const account = await requireAccount(deps, user.userId, token, request.params.accountId);
    const broker = await brokerFor(deps, account);
    const state = await broker.account();
    return { accountId: account.id, broker: broker.name, currency: state.currency, cash: state.cash, buyingPower: state.buyingPower, positions: state.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity })) };
  });

  app.get('/accounts/:accountId/audit', { onRequest: auth, schema: { summary: "The account's audit trail", security, params: accountParams, response: { 200: z.object({ items: z.array(auditEntryDto) }) } } }, async (request) => {
    const { user } = scoped(request, 'read');
    await requireOwnAccount(deps, user.userId, request.params.accountId);
    const rows = await auditEntries(deps.db, user.userId, request.params.accountId);
    return { items: rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, orderId: r.order_id, payload: JSON.parse(r.payload) as unknown, at: r.at, prevHash: r.prev_hash, hash: r.hash })) };
  });

  app.get('/accounts/:accountId/audit/verify', { onRequest: auth, schema: { summary: "Verifies the account's hash chain", security, params: accountParams, response: { 200: auditVerifyDto } } }, async (request) => {
    const { user } = scoped(request, 'read');
    await requireOwnAccount(deps, user.userId, request.params.accountId);
    return verifyAccountChain(deps.db, request.params.accountId);
  });
}
